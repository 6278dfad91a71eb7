from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.models import HighTechField
from officers.models import (
    EXPERTISE_CHOICES,
    DemandCategory,
    DemandUrgency,
    OfficerLevel,
    ServiceKind,
)


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so that templates can render fields as they are."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            elif isinstance(widget, forms.Select):
                css = "form-select form-select-sm"
            else:
                css = "form-control form-control-sm"
            widget.attrs.setdefault("class", css)


class AutoAssignForm(StyledForm):
    include_key_list = forms.BooleanField(
        label=_("Also cover the key cultivation list's firms"), required=False, initial=False
    )


class OfficerProfileForm(StyledForm):
    level = forms.ChoiceField(label=_("Level"), choices=OfficerLevel.choices)
    county = forms.ModelChoiceField(
        label=_("County"), queryset=None, required=False, empty_label=_("City level (no county)")
    )
    expertise = forms.MultipleChoiceField(
        label=_("Fields of expertise"), choices=EXPERTISE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    max_load = forms.IntegerField(label=_("Maximum load"), min_value=1, max_value=500)

    def __init__(self, *args, counties, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].queryset = counties


class DeactivateForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    reassign = forms.BooleanField(label=_("Re-assign their firms to other officers now"), required=False, initial=True)


class AssignForm(StyledForm):
    officer = forms.ModelChoiceField(label=_("Officer"), queryset=None)
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = officer_label


def officer_label(officer) -> str:
    county = officer.county.name if officer.county else _("City level")
    return f"{officer.name} · {county} · {officer.load}/{officer.max_load}"


class UnassignForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class ServiceLogForm(StyledForm):
    served_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceKind.choices)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=24 * 60)
    what_done = forms.CharField(label=_("What was done"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(
        label=_("Problems raised"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.CharField(label=_("Follow-up needed"), max_length=2000, required=False)
    follow_up_on = forms.DateField(
        label=_("Follow up by"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    raise_demand = forms.BooleanField(label=_("File the problems as a demand"), required=False)
    demand_category = forms.ChoiceField(
        label=_("Demand category"), choices=[("", "—"), *DemandCategory.choices], required=False
    )
    demand_urgency = forms.ChoiceField(label=_("Urgency"), choices=DemandUrgency.choices, initial="normal")

    def clean_served_on(self):
        served_on = self.cleaned_data["served_on"]
        if served_on > timezone.localdate():
            raise forms.ValidationError(_("The service date cannot be in the future."))
        return served_on

    def clean(self):
        data = super().clean()
        if data.get("raise_demand") and not data.get("demand_category"):
            self.add_error("demand_category", _("Choose the demand's category."))
        return data

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        raise_demand = data.pop("raise_demand")
        category, urgency = data.pop("demand_category"), data.pop("demand_urgency")
        if raise_demand:
            data["demand"] = {"category": category, "urgency": urgency}
        return data


class DemandForm(StyledForm):
    category = forms.ChoiceField(label=_("Category"), choices=DemandCategory.choices)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=DemandUrgency.choices, initial="normal")
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4}))
    field = forms.ChoiceField(
        label=_("Field (for matching providers)"), choices=[("", "—"), *HighTechField.choices], required=False
    )
