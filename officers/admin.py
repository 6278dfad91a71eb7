from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin
from officers.models import (
    EXPERTISE_CHOICES,
    Assignment,
    AssignmentRun,
    Demand,
    DemandEvent,
    OfficerProfile,
    OfficerSettings,
    ServiceLog,
)
from officers.permissions import holds_officer_role, may_change_officer_settings
from officers.services import clean_profile, officer_create, officer_update


@admin.register(OfficerSettings)
class OfficerSettingsAdmin(admin.ModelAdmin):
    """One row; only the city administrator changes it."""

    list_display = ["__str__", "default_max_load", "no_service_days", "updated_at"]
    fields = ["default_max_load", "no_service_days"]

    def has_add_permission(self, request):
        return may_change_officer_settings(request.user) and not OfficerSettings.objects.exists()

    def has_change_permission(self, request, obj=None):
        return may_change_officer_settings(request.user)

    def has_delete_permission(self, request, obj=None):
        return False


class OfficerProfileForm(forms.ModelForm):
    expertise = forms.MultipleChoiceField(choices=EXPERTISE_CHOICES, required=False,
                                          widget=forms.CheckboxSelectMultiple)  # fmt: skip
    max_load = forms.IntegerField(min_value=1, max_value=500, required=False)

    class Meta:
        model = OfficerProfile
        fields = ["user", "level", "county", "expertise", "max_load"]

    def clean(self):
        """The services' checks, so that a refusal shows on the form rather than failing the save."""
        data = super().clean()
        try:
            clean_profile(level=data.get("level"), county=data.get("county"), expertise=data.get("expertise"),
                           max_load=data.get("max_load"))  # fmt: skip
        except ValidationError as error:
            raise ValidationError(error.message_dict) from None
        load = self.instance.load if self.instance.pk else 0
        if data.get("max_load") is not None and data["max_load"] < load:
            self.add_error("max_load", _("This officer serves %(load)s firms now.") % {"load": load})
        user = data.get("user")
        if not self.instance.pk and user is not None and not holds_officer_role(user):
            self.add_error("user", _("Only a user with the officer role can have an officer profile."))
        return data


@admin.register(OfficerProfile)
class OfficerProfileAdmin(admin.ModelAdmin):
    """Officers are created and changed through the services (the maximum never below the current load);
    activation, deactivation and assignments are on the officers pages."""

    form = OfficerProfileForm
    list_display = ["user", "level", "county", "load", "max_load", "active"]
    list_filter = ["level", "county", "active"]
    search_fields = ["user__username", "user__first_name"]
    list_select_related = ["user", "county"]
    readonly_fields = ["load", "active"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        profile = {"level": data["level"], "county": data["county"], "expertise": data["expertise"]}
        if change:
            saved = officer_update(
                officer=obj, actor=request.user, max_load=data["max_load"] or obj.max_load, **profile
            )
        else:
            saved = officer_create(user=data["user"], actor=request.user, max_load=data["max_load"], **profile)
        obj.pk = saved.pk

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "officer", "source", "started_at", "ended_at", "assigned_by"]
    list_filter = ["source"]
    search_fields = ["enterprise__name", "enterprise__credit_code", "officer__user__username"]
    list_select_related = ["enterprise", "officer__user", "assigned_by"]


@admin.register(AssignmentRun)
class AssignmentRunAdmin(ReadOnlyAdmin):
    list_display = ["requested_at", "requested_by", "status", "targets", "assigned", "uncovered", "duration_s"]
    list_select_related = ["requested_by"]


@admin.register(ServiceLog)
class ServiceLogAdmin(ReadOnlyAdmin):
    list_display = ["enterprise", "officer", "served_on", "kind", "duration_minutes"]
    list_filter = ["kind"]
    search_fields = ["enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise", "officer__user"]


@admin.register(Demand)
class DemandAdmin(ReadOnlyAdmin):
    list_display = ["title", "enterprise", "category", "urgency", "status", "green_channel", "filed_at"]
    list_filter = ["status", "category", "urgency", "green_channel"]
    search_fields = ["title", "enterprise__name", "enterprise__credit_code"]
    list_select_related = ["enterprise"]


@admin.register(DemandEvent)
class DemandEventAdmin(ReadOnlyAdmin):
    list_display = ["demand", "from_state", "to_state", "actor", "at"]
    list_select_related = ["actor"]
