from django.contrib import admin

from departments.models import MappingProfile
from departments.permissions import can_edit_profiles
from departments.services import profile_save


@admin.register(MappingProfile)
class MappingProfileAdmin(admin.ModelAdmin):
    """How each department list is read: the city administrator edits a profile when a department changes its
    layout (a header renamed, a unit changed, a new spelling of a status); the next upload reads with it."""

    list_display = ["department_list", "source_name", "updated_at", "updated_by"]
    fields = ["department_list", "source_name", "columns", "units", "values", "not_used", "updated_at", "updated_by"]
    readonly_fields = ["updated_at", "updated_by"]

    def has_add_permission(self, request):
        return can_edit_profiles(request.user)

    def has_change_permission(self, request, obj=None):
        return can_edit_profiles(request.user)

    def has_delete_permission(self, request, obj=None):
        return can_edit_profiles(request.user)

    def save_model(self, request, obj, form, change):
        profile_save(profile=obj, actor=request.user)
