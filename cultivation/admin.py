from django.contrib import admin

from cultivation.models import (
    CultivationWarning,
    PinEvent,
    PlacementLog,
    TierMovement,
    TierPin,
    TierPlacement,
    WarningEvent,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Placement, movements and the pin audit are written by services only; the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
