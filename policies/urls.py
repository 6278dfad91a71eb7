from django.urls import path

from policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list_view, name="list"),
    path("new/", views.policy_create_view, name="create"),
    path("<int:pk>/", views.policy_detail_view, name="detail"),
    path("<int:pk>/edit/", views.policy_edit_view, name="edit"),
    path("<int:pk>/matches/", views.policy_matches_view, name="matches"),
    path("<int:pk>/attachment/", views.policy_attachment_view, name="attachment"),
    path("notices/", views.notice_list_view, name="notices"),
    path("notices/new/", views.notice_create_view, name="notice-create"),
    path("notices/<int:pk>/", views.notice_detail_view, name="notice"),
    path("events/", views.event_list_view, name="events"),
    path("events/new/", views.event_create_view, name="event-create"),
    path("events/<int:pk>/", views.event_detail_view, name="event"),
    path("events/<int:pk>/register/", views.event_register_view, name="event-register"),
    path("registrations/<int:pk>/transition/", views.registration_transition_view, name="registration-transition"),
]
