from django.urls import include, path
from rest_framework.routers import SimpleRouter

from cultivation.api.views import (
    CampaignEntryViewSet,
    CampaignViewSet,
    MovementListView,
    PinViewSet,
    PlacementListView,
    PlanTaskViewSet,
    PlanView,
    WarningViewSet,
)

router = SimpleRouter()
router.register("pins", PinViewSet, basename="pin")
router.register("plan-tasks", PlanTaskViewSet, basename="plan-task")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("campaign-entries", CampaignEntryViewSet, basename="campaign-entry")
router.register("warnings", WarningViewSet, basename="warning")

urlpatterns = [
    path("tiers/", PlacementListView.as_view(), name="api-tiers"),
    path("movements/", MovementListView.as_view(), name="api-movements"),
    path("plans/<str:credit_code>/", PlanView.as_view(), name="api-plan"),
    path("", include(router.urls)),
]
