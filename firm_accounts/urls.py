from django.urls import path

from firm_accounts import views

app_name = "firm_accounts"

urlpatterns = [
    path("request/", views.account_request_view, name="request"),
    path("request/status/", views.account_request_status_view, name="request-status"),
    path("requests/", views.request_queue_view, name="requests"),
    path("requests/<int:pk>/", views.request_detail_view, name="request-detail"),
    path("requests/<int:pk>/<str:decision>/", views.request_decide_view, name="request-decide"),
    path("bulk/", views.bulk_accounts_view, name="bulk"),
    path("firm-accounts/<int:pk>/one-time-password/", views.one_time_password_issue_view, name="one-time-password"),
]
