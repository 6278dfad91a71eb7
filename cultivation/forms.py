from django import forms
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from cultivation.models import PlanTaskStatus
from cultivation.selectors import READINESS_BAND_HIGH, READINESS_BAND_LOW, READINESS_BAND_MID
from rulesets import ReadinessBands, get_ruleset
from scoring.models import Tier


def readiness_band_labels(bands: ReadinessBands) -> dict:
    return {
        READINESS_BAND_HIGH: format_lazy("≥ {}", bands.high_min),
        READINESS_BAND_MID: format_lazy("{}–{}", bands.mid_min, bands.high_min),
        READINESS_BAND_LOW: format_lazy("< {}", bands.mid_min),
    }


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


class WarningNoteForm(forms.Form):
    """A staff move of a warning (its action is in the URL), with an optional note."""

    note = forms.CharField(label=_("Note"), required=False)


class CampaignCandidatesForm(forms.Form):
    """Adding candidates (the firms themselves are read by the view in the user's scope): `override` "1" confirms
    firms outside T2."""

    override = forms.CharField(required=False)

    def clean_override(self) -> bool:
        return self.cleaned_data["override"] == "1"


class CampaignMoveForm(forms.Form):
    """A campaign entry's move: the target stage and that move's data, as text (the transition parses and checks
    each for its move)."""

    to = forms.CharField(required=False)
    result = forms.CharField(required=False)
    notes = forms.CharField(required=False)
    submitted_on = forms.CharField(required=False)
    certificate_number = forms.CharField(required=False)
    issued_on = forms.CharField(required=False)
    reason = forms.CharField(required=False)


class BoardFilterForm(forms.Form):
    """The tier board's filters."""

    industry = forms.ChoiceField(label=_("Industry"), required=False)
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    band = forms.ChoiceField(label=_("Readiness"), required=False)
    officer = forms.ChoiceField(
        label=_("Has officer"),
        required=False,
        choices=[("", _("All")), ("yes", _("With an officer")), ("no", _("Without an officer"))],
    )

    def __init__(self, *args, bands: ReadinessBands | None = None, **kwargs):
        """`bands`: the readiness bands of the rule set the board's readiness comes from (default: settings')."""
        from enterprises.filters import INDUSTRY_CHOICES
        from scoring.presentation import TAG_LABELS

        super().__init__(*args, **kwargs)
        self.bands = bands or get_ruleset().readiness_bands
        self.fields["industry"].choices = [("", _("All industries")), *INDUSTRY_CHOICES]
        self.fields["tag"].choices = [("", _("All tags")), *TAG_LABELS.items()]
        self.fields["band"].choices = [("", _("Any readiness")), *readiness_band_labels(self.bands).items()]
        for form_field in self.fields.values():
            form_field.widget.attrs.setdefault("class", "form-select form-select-sm")

    def filters(self) -> dict:
        """The valid filters given (an invalid value is ignored, not an error page)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        filters = {name: data.get(name) or None for name in ("industry", "tag", "band")}
        filters["has_officer"] = {"yes": True, "no": False}.get(data.get("officer"))
        filters["bands"] = self.bands
        return filters
