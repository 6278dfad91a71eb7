from django.urls import include, path
from rest_framework.routers import SimpleRouter

from vouchers.api.views import ClaimViewSet, PolicyViewSet, ProviderViewSet, QuotaView

router = SimpleRouter()
router.register("voucher-claims", ClaimViewSet, basename="voucher-claim")
router.register("voucher-policies", PolicyViewSet, basename="voucher-policy")
router.register("voucher-providers", ProviderViewSet, basename="voucher-provider")

urlpatterns = [
    path("voucher-quota/", QuotaView.as_view(), name="api-voucher-quota"),
    path("", include(router.urls)),
]
