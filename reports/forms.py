from django import forms
from django.utils.translation import gettext_lazy as _

from reports.models import ReportStatus


class WindowForm(forms.Form):
    year = forms.IntegerField(label=_("Year reported"), min_value=1949, max_value=2100)
    opens_on = forms.DateField(label=_("Opens on"), widget=forms.DateInput(attrs={"type": "date"}))
    closes_on = forms.DateField(label=_("Closes on"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Every status")), *ReportStatus.choices]
    )
    year = forms.IntegerField(label=_("Year reported"), required=False, min_value=1949, max_value=2100)


class ReturnForm(forms.Form):
    comment = forms.CharField(label=_("What the firm should change"), max_length=2000, widget=forms.Textarea)
