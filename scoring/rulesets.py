"""Official thresholds, versioned by year. Every rule's number lives here once (DESIGN §3).

A rule set is immutable data; the one in force is chosen by settings.SCORING_RULESET_YEAR. A new regime
(e.g. the SME grading revision of 2026-04-01) is a new entry, never an edit of an old one, so a portrait
computed under an older version can always be explained.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings

MILLION = Decimal("1000000")


@dataclass(frozen=True)
class TechSmeEligibility:
    """科技型中小企业评价办法 (国科发政〔2017〕115号): size limits for eligibility."""

    max_employees: int = 500
    max_revenue: Decimal = 200 * MILLION
    max_total_assets: Decimal = 200 * MILLION


@dataclass(frozen=True)
class HighTechThresholds:
    """高新技术企业认定管理办法 (国科发火〔2016〕32号): the quantitative conditions."""

    certificate_years: int = 3
    min_st_personnel_ratio: Decimal = Decimal("0.10")
    # (upper bound of latest-year revenue, inclusive; minimum 3-year R&D / revenue). None: no upper bound.
    rd_ratio_bands: tuple[tuple[Decimal | None, Decimal], ...] = (
        (50 * MILLION, Decimal("0.05")),
        (200 * MILLION, Decimal("0.04")),
        (None, Decimal("0.03")),
    )
    min_domestic_rd_share: Decimal = Decimal("0.60")
    min_high_tech_revenue_share: Decimal = Decimal("0.60")
    min_capability_score_exclusive: Decimal = Decimal("70")


@dataclass(frozen=True)
class RuleSet:
    year: int
    tech_sme: TechSmeEligibility = TechSmeEligibility()
    high_tech: HighTechThresholds = HighTechThresholds()
    # 规模以上工业企业: annual revenue at or above this amount.
    above_scale_min_revenue: Decimal = 20 * MILLION

    def high_tech_min_rd_ratio(self, latest_revenue: Decimal) -> Decimal:
        for upper, ratio in self.high_tech.rd_ratio_bands:
            if upper is None or latest_revenue <= upper:
                return ratio
        raise AssertionError("the last band has no upper bound")


_RULESET_2025 = RuleSet(year=2025)
# 2026: same national thresholds; the revised SME grading regime (in force 2026-04-01) changes scoring bands that
# the scoring engine adds to this version.
_RULESET_2026 = replace(_RULESET_2025, year=2026)

RULESETS: dict[int, RuleSet] = {ruleset.year: ruleset for ruleset in (_RULESET_2025, _RULESET_2026)}


def get_ruleset(year: int | None = None) -> RuleSet:
    """The rule set of `year`, or the one in force (settings.SCORING_RULESET_YEAR)."""
    year = settings.SCORING_RULESET_YEAR if year is None else year
    try:
        return RULESETS[year]
    except KeyError:
        known = ", ".join(str(y) for y in sorted(RULESETS))
        raise LookupError(f"No rule set for {year}; known versions: {known}") from None
