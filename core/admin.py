"""Admin bases for rows that only services write: the admin shows them and changes nothing."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by their app's services and workflows (their audit trail with them)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    """Rows of a parent shown beside it, never added or removed there; subclasses list `fields`."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    def has_add_permission(self, request, obj=None):
        return False


class TransitionEventInline(ReadOnlyInline):
    """A workflow's steps (core.models.TransitionEvent) under the row they moved."""

    fields = ["at", "from_state", "to_state", "actor", "note"]
