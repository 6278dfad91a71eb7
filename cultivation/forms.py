from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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
