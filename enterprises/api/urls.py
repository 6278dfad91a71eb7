from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

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
from enterprises.api.views import EnterpriseViewSet

router = DefaultRouter()
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("pins", PinViewSet, basename="pin")
router.register("plan-tasks", PlanTaskViewSet, basename="plan-task")
router.register("campaigns", CampaignViewSet, basename="campaign")
router.register("campaign-entries", CampaignEntryViewSet, basename="campaign-entry")
router.register("warnings", WarningViewSet, basename="warning")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("tiers/", PlacementListView.as_view(), name="api-tiers"),
    path("movements/", MovementListView.as_view(), name="api-movements"),
    path("plans/<str:credit_code>/", PlanView.as_view(), name="api-plan"),
    path("", include(router.urls)),
]
