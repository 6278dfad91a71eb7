from django.urls import path

from policies.api import views

urlpatterns = [
    path("policies/", views.PolicyListView.as_view(), name="api-policies"),
    path("policies/<int:pk>/", views.PolicyDetailView.as_view(), name="api-policy"),
    path("policy-matches/", views.PolicyMatchListView.as_view(), name="api-policy-matches"),
    path("notices/", views.NoticeListView.as_view(), name="api-notices"),
    path("notices/<int:pk>/", views.NoticeDetailView.as_view(), name="api-notice"),
    path("notices/<int:pk>/read/", views.NoticeReadView.as_view(), name="api-notice-read"),
    path("events/", views.EventListView.as_view(), name="api-events"),
    path("events/<int:pk>/", views.EventDetailView.as_view(), name="api-event"),
    path("events/<int:pk>/register/", views.EventRegisterView.as_view(), name="api-event-register"),
    path("events/<int:pk>/registrations/", views.EventRegistrationListView.as_view(), name="api-event-registrations"),
    path(
        "event-registrations/<int:pk>/transition/",
        views.RegistrationTransitionView.as_view(),
        name="api-registration-transition",
    ),
]
