from django.urls import include, path
from rest_framework.routers import SimpleRouter

from officers.api.views import (
    AssignmentRunViewSet,
    AssignmentViewSet,
    CoverageView,
    DemandViewSet,
    OfficerViewSet,
    ServiceLogViewSet,
)

router = SimpleRouter()
router.register("officers", OfficerViewSet, basename="officer")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("assignment-runs", AssignmentRunViewSet, basename="assignment-run")
router.register("service-logs", ServiceLogViewSet, basename="service-log")
router.register("demands", DemandViewSet, basename="demand")

urlpatterns = [
    path("coverage/", CoverageView.as_view(), name="api-coverage"),
    path("", include(router.urls)),
]
