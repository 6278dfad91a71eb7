from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("county/<str:code>/", views.dashboard_view, name="county"),
    path("firms/<str:key>/", views.firms_view, name="firms"),
    path("export.xlsx", views.export_view, name="export"),
    path("print/", views.print_view, name="print"),
    path("targets/", views.targets_view, name="targets"),
]
