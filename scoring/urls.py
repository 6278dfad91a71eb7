from django.urls import path

from scoring import views

app_name = "scoring"

urlpatterns = [
    path("runs/", views.run_list_view, name="runs"),
    path("runs/<int:pk>/", views.run_detail_view, name="run"),
    path("report/<str:credit_code>/", views.prereview_report_view, name="prereview"),
]
