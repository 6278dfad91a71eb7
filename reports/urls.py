from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("review/", views.review_list_view, name="review-list"),
    path("windows/", views.windows_view, name="windows"),
    path("<int:pk>/", views.review_view, name="review"),
    path("<int:pk>/confirm/", views.confirm_view, name="confirm"),
    path("<int:pk>/return/", views.return_view, name="return"),
    path("values/<int:pk>/attachment/", views.attachment_view, name="attachment"),
]
