from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import JavaScriptCatalog
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts.views import PortalPasswordChangeView
from config.health import healthz
from workspaces.views import home_view

admin.site.site_header = admin.site.site_title = _("Innovative Enterprise Cultivation Portal")

urlpatterns = [
    path("", home_view, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", PortalPasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/", include("firm_accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("enterprises/", include("enterprises.urls")),
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
    path("api/v1/", include("dashboards.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("admin/", admin.site.urls),
    path("healthz/", healthz, name="healthz"),
]
