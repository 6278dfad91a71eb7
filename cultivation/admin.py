from django.contrib import admin

from core.admin import ReadOnlyAdmin
from cultivation.models import (
    CultivationSettings,
    CultivationWarning,
    PinEvent,
    PlacementLog,
    PlanGap,
    PlanTask,
    PlanTaskEvent,
    TierMovement,
    TierPin,
    TierPlacement,
    WarningEvent,
)
from cultivation.permissions import may_change_settings


@admin.register(TierPlacement)
class TierPlacementAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "tier", "rules_tier", "pinned", "since", "placed_by_run"]
    list_filter = ["tier", "pinned"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "placed_by_run"]


@admin.register(TierMovement)
class TierMovementAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "from_tier", "to_tier", "date", "cause"]
    list_filter = ["cause", "to_tier"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]


@admin.register(TierPin)
class TierPinAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "tier", "ends_on", "created_by", "created_at", "ended_at"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "created_by"]


@admin.register(PinEvent)
class PinEventAdmin(ReadOnlyAdmin):
    list_display = ["pin", "enterprise", "action", "tier", "actor", "at"]
    list_select_related = ["enterprise", "actor"]


@admin.register(PlacementLog)
class PlacementLogAdmin(ReadOnlyAdmin):
    list_display = ["run", "placed_at", "firms", "movements", "pins_expired", "duration_s"]


@admin.register(PlanGap)
class PlanGapAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "key", "opened_on", "closed_on"]
    list_filter = ["key"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]


@admin.register(PlanTask)
class PlanTaskAdmin(ReadOnlyAdmin):
    """Tasks change through the plan page and API (audited status transitions), not here."""

    list_display = ["enterprise", "what", "who", "due_on", "status", "created_by"]
    list_filter = ["status"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "what"]
    list_select_related = ["enterprise", "created_by"]


@admin.register(PlanTaskEvent)
class PlanTaskEventAdmin(ReadOnlyAdmin):
    list_display = ["task", "from_state", "to_state", "actor", "at"]
    list_select_related = ["actor"]


@admin.register(CultivationSettings)
class CultivationSettingsAdmin(admin.ModelAdmin):
    """One row; only the city administrator changes it (other staff with admin access may look)."""

    list_display = ["__str__", "key_list_size", "updated_at"]
    fields = ["key_list_size"]

    def has_add_permission(self, request):
        return may_change_settings(request.user) and not CultivationSettings.objects.exists()

    def has_change_permission(self, request, obj=None):
        return may_change_settings(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CultivationWarning)
class CultivationWarningAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "kind", "severity", "state", "opened_at", "last_seen_run"]
    list_filter = ["kind", "severity", "state"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "last_seen_run"]


@admin.register(WarningEvent)
class WarningEventAdmin(ReadOnlyAdmin):
    list_display = ["warning", "enterprise", "from_state", "to_state", "actor", "at"]
    list_select_related = ["enterprise", "actor"]
