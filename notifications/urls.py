from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list_view, name="list"),
    path("badge/", views.unread_badge_view, name="badge"),
    path("settings/", views.channel_settings_view, name="settings"),
    path("read/", views.mark_read_view, name="mark-read"),
    path("<int:pk>/", views.open_view, name="open"),
]
