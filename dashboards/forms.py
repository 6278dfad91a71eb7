from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.models import DashboardTargets

PERCENT_HELP = _("In percent, e.g. 23.5; empty: no target.")


def _percent(label, help_text=PERCENT_HELP) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=0, max_value=100, decimal_places=2, required=False, help_text=help_text
    )


class TargetsForm(forms.Form):
    """A year's targets. Ratios are entered in percent and kept as fractions."""

    innovative = forms.IntegerField(label=_("Innovative enterprises"), min_value=0, required=False)
    tech_sme = forms.IntegerField(label=_("Registered tech-based SMEs"), min_value=0, required=False)
    high_tech = forms.IntegerField(label=_("Valid high-tech enterprises"), min_value=0, required=False)
    gazelle = forms.IntegerField(label=_("Gazelle enterprises"), min_value=0, required=False)
    srdi = forms.IntegerField(label=_("Specialised and innovative enterprises"), min_value=0, required=False)
    high_tech_share = _percent(_("High-tech share of above-scale industrial firms (%)"))
    province_high_tech_share = _percent(
        _("Province average high-tech share (%)"),
        _("The province's figure, shown beside the city's for comparison."),
    )
    rd_coverage = _percent(_("Above-scale industrial firms with R&D activity (%)"))
    officer_coverage = _percent(_("Officer coverage of innovative enterprises (%)"))
    campaign_pass_rate = _percent(_("High-tech campaign pass rate (%)"))

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
