from django.urls import path

from dashboards.api import views

urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="api-dashboard"),
    path("dashboard/firms/<str:key>/", views.DashboardFirmsView.as_view(), name="api-dashboard-firms"),
]
