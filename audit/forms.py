from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from audit.models import AccessEvent

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d")


class AccessLogFilterForm(forms.Form):
    """The access log's filters: who, what kind, between which days (both included)."""

    who = forms.CharField(
        label=pgettext_lazy("access log", "Who"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control form-control-sm", "type": "search"}),
        help_text=_("Part of a user name or name."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *AccessEvent.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    since = forms.DateField(label=pgettext_lazy("access log", "From"), required=False, widget=DATE_WIDGET)
    until = forms.DateField(label=pgettext_lazy("access log", "Until"), required=False, widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The first day comes after the last day: swap them."))
        return data
