from django.urls import path

from accounts.api.views import TokenLoginView, TokenLogoutView

urlpatterns = [
    path("auth/token/", TokenLoginView.as_view(), name="api-token"),
    path("auth/logout/", TokenLogoutView.as_view(), name="api-logout"),
]
