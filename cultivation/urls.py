from django.urls import path

from cultivation import views

app_name = "cultivation"

urlpatterns = [
    path("firms/<str:credit_code>/pin/", views.pin_create_view, name="pin-create"),
    path("pins/<int:pk>/end/", views.pin_end_view, name="pin-end"),
    path("warnings/", views.warnings_view, name="warnings"),
    path("warnings/<int:pk>/<str:action>/", views.warning_transition_view, name="warning-transition"),
]
