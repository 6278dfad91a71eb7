from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.models import DashboardTargets

PERCENT_HELP = _("In percent, e.g. 23.5; empty: no target.")


class TargetsForm(forms.Form):
    """A year's targets. Ratios are entered in percent and kept as fractions."""

    innovative = forms.IntegerField(label=_("Innovative enterprises"), min_value=0, required=False)
    tech_sme = forms.IntegerField(label=_("Registered tech-based SMEs"), min_value=0, required=False)
    high_tech = forms.IntegerField(label=_("Valid high-tech enterprises"), min_value=0, required=False)
    gazelle = forms.IntegerField(label=_("Gazelle enterprises"), min_value=0, required=False)
    srdi = forms.IntegerField(label=_("Specialised and innovative enterprises"), min_value=0, required=False)
    high_tech_share = forms.DecimalField(
        label=_("High-tech share of above-scale industrial firms (%)"), min_value=0, max_value=100,
        decimal_places=2, required=False, help_text=PERCENT_HELP,
    )  # fmt: skip
    province_high_tech_share = forms.DecimalField(
        label=_("Province average high-tech share (%)"), min_value=0, max_value=100, decimal_places=2,
        required=False, help_text=_("The province's figure, shown beside the city's for comparison."),
    )  # fmt: skip
    rd_coverage = forms.DecimalField(
        label=_("Above-scale industrial firms with R&D activity (%)"), min_value=0, max_value=100,
        decimal_places=2, required=False, help_text=PERCENT_HELP,
    )  # fmt: skip
    officer_coverage = forms.DecimalField(
        label=_("Officer coverage of innovative enterprises (%)"), min_value=0, max_value=100, decimal_places=2,
        required=False, help_text=PERCENT_HELP,
    )  # fmt: skip
    campaign_pass_rate = forms.DecimalField(
        label=_("High-tech campaign pass rate (%)"), min_value=0, max_value=100, decimal_places=2, required=False,
        help_text=PERCENT_HELP,
    )  # fmt: skip

    @classmethod
    def for_targets(cls, targets, data=None):
        """The form showing `targets` (dashboards.selectors.Targets), ratios as percent."""
        initial = {
            name: (value * 100 if name in DashboardTargets.RATIO_FIELDS and value is not None else value)
            for name, value in targets.values.items()
        }
        return cls(data=data, initial=initial)

    def values(self) -> dict:
        """The cleaned values with ratios back as fractions."""
        return {
            name: (value / 100 if name in DashboardTargets.RATIO_FIELDS and value is not None else value)
            for name, value in self.cleaned_data.items()
        }


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
