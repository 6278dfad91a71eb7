from django.urls import path

from enterprises import views

app_name = "enterprises"

urlpatterns = [
    path("", views.enterprise_list_view, name="list"),
    path("<str:credit_code>/", views.enterprise_detail_view, name="detail"),
    path("<str:credit_code>/edit/", views.enterprise_edit_view, name="edit"),
]
