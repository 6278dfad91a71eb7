from django.contrib import admin

from core.admin import ReadOnlyAdmin
from policies.models import Event, EventRegistration, Notice, Policy, RegistrationEvent


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "issuer", "applies_until", "active", "matched_at"]
    list_filter = ["kind", "active"]
    search_fields = ["title", "document_number"]
    readonly_fields = ["matched_at", "matched_run", "created_by"]


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "published_at", "county", "tier", "policy"]
    readonly_fields = ["author"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "starts_at", "county", "capacity", "seats_taken"]
    readonly_fields = ["seats_taken", "created_by"]


@admin.register(EventRegistration)
class EventRegistrationAdmin(ReadOnlyAdmin):
    """Registrations change through policies.workflows (seats and the audit trail)."""

    list_display = ["event", "enterprise", "state", "created_at"]
    list_filter = ["state"]


@admin.register(RegistrationEvent)
class RegistrationEventAdmin(ReadOnlyAdmin):
    list_display = ["registration", "from_state", "to_state", "actor", "at"]
