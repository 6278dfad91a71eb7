from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cultivation.models import PlanTaskStatus
from scoring.models import Tier


class PinForm(forms.Form):
    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean_ends_on(self):
        ends_on = self.cleaned_data["ends_on"]
        if ends_on <= timezone.localdate():
            raise forms.ValidationError(_("The end date must be in the future."))
        return ends_on


class PinEndForm(forms.Form):
    reason = forms.CharField(label=_("Reason for ending the pin"), max_length=2000)


class PlanTaskForm(forms.Form):
    """Add or edit a plan task; `gap` chooses among the firm's gaps (set by the view)."""

    gap = forms.ModelChoiceField(label=_("Gap"), queryset=None, required=False, empty_label=_("(no gap)"))
    what = forms.CharField(label=_("What"), max_length=2000)
    who = forms.CharField(label=_("Who"), max_length=200, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label=_("Notes"), max_length=4000, required=False)

    def __init__(self, *args, gaps, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gap"].queryset = gaps


class PlanTaskStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanTaskStatus.choices)
