from django.urls import path

from quality import views

app_name = "quality"

urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("export.xlsx", views.export_view, name="export"),
    path("firms/<str:criterion>/", views.firms_view, name="firms"),
]
