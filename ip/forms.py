from django import forms
from django.utils.translation import gettext_lazy as _

from ip.importing import normalise_number
from ip.models import LegalStatus, Patent

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PatentForm(forms.ModelForm):
    class Meta:
        model = Patent
        fields = ["number", "kind", "title", "filed_on", "granted_on", "legal_status", "status_on", "claims", "ipc",
                  "strategic_emerging", "foreign_family_granted", "pledged_amount", "award", "acquired_on",
                  "acquired_from", "transferred_out_on", "transferred_to", "licence_count", "licensed_on",
                  "licensee"]  # fmt: skip
        widgets = {name: DATE_WIDGET for name in ("filed_on", "granted_on", "status_on", "acquired_on",
                                                   "transferred_out_on", "licensed_on")}  # fmt: skip

    def clean_number(self):
        return normalise_number(self.cleaned_data["number"])

    def clean(self):
        data = super().clean()
        filed, granted = data.get("filed_on"), data.get("granted_on")
        if filed and granted and granted < filed:
            self.add_error("granted_on", _("The grant date comes before the filing date."))
        status = data.get("legal_status")
        if status and status != LegalStatus.VALID and not data.get("status_on"):
            self.add_error("status_on", _("A right that is no longer valid needs the date it stopped being valid."))
        for name in ("status_on", "acquired_on", "transferred_out_on", "licensed_on"):
            if filed and data.get(name) and data[name] < filed:
                self.add_error(name, _("This date comes before the filing date."))
        return data
