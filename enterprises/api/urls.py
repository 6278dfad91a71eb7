from django.urls import include, path
from rest_framework.routers import DefaultRouter

from enterprises.api.views import EnterpriseViewSet

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")

urlpatterns = [
    path("", include(router.urls)),
]
