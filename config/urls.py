from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import IsAuthenticated

from accounts.views import PortalPasswordChangeView, recovery_codes_view, second_factor_setup_view, second_factor_view
from config.health import healthz
from workspaces.views import home_view

admin.site.site_header = admin.site.site_title = _("Innovative Enterprise Cultivation Portal")

urlpatterns = [
    path("", home_view, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PortalPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/second-factor/", second_factor_view, name="second_factor"),
    path("accounts/second-factor/setup/", second_factor_setup_view, name="second_factor_setup"),
    path("accounts/second-factor/recovery-codes/", recovery_codes_view, name="recovery_codes"),
    path("accounts/", include("firm_accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("enterprises/", include("enterprises.urls")),
    path("api/v1/", include("accounts.api.urls")),
    path("api/v1/", include("enterprises.api.urls")),
    path("api/v1/", include("scoring.api.urls")),
    path("api/v1/", include("cultivation.api.urls")),
    path("scoring/", include("scoring.urls")),
    path("cultivation/", include("cultivation.urls")),
    path("ip/", include("ip.urls")),
    path("api/v1/", include("ip.api.urls")),
    path("officers/", include("officers.urls")),
    path("api/v1/", include("officers.api.urls")),
    path("vouchers/", include("vouchers.urls")),
    path("notifications/", include("notifications.urls")),
    path("api/v1/", include("vouchers.api.urls")),
    path("api/v1/", include("notifications.api.urls")),
    path("policies/", include("policies.urls")),
    path("api/v1/", include("policies.api.urls")),
    path("dashboard/", include("dashboards.urls")),
    path("audit/", include("audit.urls")),
    path("reports/", include("reports.urls")),
    path("quality/", include("quality.urls")),
    path("api/v1/", include("dashboards.api.urls")),
    # The schema and its docs are for signed-in users only (session or token); the docs page loads its script from
    # a file (the split view), as the Content-Security-Policy requires.
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="schema"),
    path(
        "api/docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="core/api_docs.html")),
        name="api-docs",
    ),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
]
