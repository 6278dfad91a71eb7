"""Official thresholds, versioned by year. Every rule's number lives here once (DESIGN §3).

A rule set is immutable data; the one in force is chosen by the city administrator (scoring.models.ScoringSettings,
falling back to settings.SCORING_RULESET_YEAR). A new regime (e.g. the SME grading revision of 2026-04-01) is a new
entry, never an edit of an old one, so a portrait computed under an older version can always be explained.

Conventions: ratios are Decimal fractions (0.10 is 10%); money is yuan; a band is (lower bound, inclusive; points),
listed from the highest bound down, and a value below every bound scores 0.
"""

from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings

MILLION = Decimal("1000000")

# A band: (lower bound, inclusive; points). Bands are listed from the highest bound down.
Bands = tuple[tuple[Decimal, int], ...]
# A scored range: (lower bound, inclusive; lowest points; highest points), for expert-judged scores.
RangeBands = tuple[tuple[Decimal, int, int], ...]


@dataclass(frozen=True)
class TechSmeEligibility:
    """科技型中小企业评价办法 (国科发政〔2017〕115号): size limits for eligibility."""

    max_employees: int = 500
    max_revenue: Decimal = 200 * MILLION
    max_total_assets: Decimal = 200 * MILLION


@dataclass(frozen=True)
class TechSmeScoring:
    """The 100-point tech-based SME score (§3.1): S&T personnel 20, R&D input 50 (better of two ratios), results 30."""

    pass_score: int = 60
    st_personnel_max: int = 20
    st_personnel_bands: Bands = (
        (Decimal("0.30"), 20),
        (Decimal("0.25"), 16),
        (Decimal("0.20"), 12),
        (Decimal("0.15"), 8),
        (Decimal("0.10"), 4),
    )
    rd_max: int = 50
    rd_revenue_bands: Bands = (
        (Decimal("0.06"), 50),
        (Decimal("0.05"), 40),
        (Decimal("0.04"), 30),
        (Decimal("0.03"), 20),
        (Decimal("0.02"), 10),
    )
    rd_costs_bands: Bands = (
        (Decimal("0.30"), 50),
        (Decimal("0.25"), 40),
        (Decimal("0.20"), 30),
        (Decimal("0.15"), 20),
        (Decimal("0.10"), 10),
    )
    results_max: int = 30
    class1_points: int = 30
    # Class II IP count (no Class I): bound is a count.
    class2_bands: Bands = ((Decimal("4"), 24), (Decimal("3"), 18), (Decimal("2"), 12), (Decimal("1"), 6))
    # Qualifications giving the direct pass (直通车) to an eligible firm. Standards and awards are not recorded.
    direct_pass_kinds: tuple[str, ...] = ("high_tech", "rd_platform")


@dataclass(frozen=True)
class CapabilityModel:
    """High-tech innovation-capability evaluation (≤ 100): the parts the data computes; a range for the experts'."""

    ip_max: int = 30
    # IP quantity part (of the IP 30): ≥1 Class I 7–8, else by Class II count.
    ip_quantity_class1: tuple[int, int] = (7, 8)
    ip_quantity_class2_bands: RangeBands = ((Decimal("5"), 5, 6), (Decimal("3"), 3, 4), (Decimal("1"), 1, 2))
    conversion_max: int = 30
    # Yearly average of results converted over the (up to) three years.
    conversion_bands: RangeBands = (
        (Decimal("5"), 25, 30),
        (Decimal("4"), 19, 24),
        (Decimal("3"), 13, 18),
        (Decimal("2"), 7, 12),
        (Decimal("1"), 1, 6),
    )
    organisation_max: int = 20
    growth_part_max: int = 10  # each of net-asset growth and sales growth
    # Growth = ½(V2/V1 + V3/V2) − 1; bands from ≥35% down; any growth > 0 scores the positive band; ≤ 0 scores 0.
    growth_bands: RangeBands = (
        (Decimal("0.35"), 9, 10),
        (Decimal("0.25"), 7, 8),
        (Decimal("0.15"), 5, 6),
        (Decimal("0.05"), 3, 4),
    )
    growth_positive: tuple[int, int] = (1, 2)
    # The share of an expert-judged part's maximum taken as the estimate (firms with IP, resp. with R&D).
    expert_estimate_share: Decimal = Decimal("0.75")


@dataclass(frozen=True)
class HighTechThresholds:
    """高新技术企业认定管理办法 (国科发火〔2016〕32号): the quantitative conditions."""

    certificate_years: int = 3
    min_registered_years: int = 1
    min_class1_ip: int = 1
    min_class2_ip: int = 5
    min_st_personnel_ratio: Decimal = Decimal("0.10")
    # S&T personnel count only people who worked 183 days or more in the year (work guideline).
    st_personnel_min_days: int = 183
    rd_years: int = 3
    # (upper bound of latest-year revenue, inclusive; minimum 3-year R&D / revenue). None: no upper bound.
    rd_ratio_bands: tuple[tuple[Decimal | None, Decimal], ...] = (
        (50 * MILLION, Decimal("0.05")),
        (200 * MILLION, Decimal("0.04")),
        (None, Decimal("0.03")),
    )
    min_domestic_rd_share: Decimal = Decimal("0.60")
    min_high_tech_revenue_share: Decimal = Decimal("0.60")
    min_capability_score_exclusive: Decimal = Decimal("70")
    capability: CapabilityModel = field(default_factory=CapabilityModel)


@dataclass(frozen=True)
class GazelleCriteria:
    """瞪羚 candidate (the province's exact criteria are configurable; default follows common practice)."""

    min_revenue: Decimal = 10 * MILLION
    # Compound annual revenue growth over the three yearly values (two intervals).
    min_revenue_cagr: Decimal = Decimal("0.20")
    cagr_intervals: int = 2


@dataclass(frozen=True)
class SrdiCriteria:
    """专精特新 SME (工信部企业〔2022〕63号) candidacy."""

    min_years_in_niche: int = 2
    min_rd_expense: Decimal = 1 * MILLION
    min_rd_ratio: Decimal = Decimal("0.03")
    min_revenue: Decimal = 10 * MILLION
    min_score: int = 60


@dataclass(frozen=True)
class InnovativeSmeModel:
    """创新型中小企业 100-point model: innovation 40, growth 30, specialisation 30; passes at min_score."""

    min_score: int = 60
    # IP (20): only "≥1 Class I" and "≥1 Class II" are known from the data (high-value / self-developed are not).
    ip_class1_points: int = 10
    ip_class2_points: int = 5
    ip_max: int = 20
    rd_revenue_bands: Bands = (
        (Decimal("0.05"), 20),
        (Decimal("0.03"), 15),
        (Decimal("0.02"), 10),
        (Decimal("0.01"), 5),
    )
    rd_max: int = 20
    # Last year's revenue growth, V3 / V2 − 1.
    revenue_growth_bands: Bands = (
        (Decimal("0.15"), 20),
        (Decimal("0.10"), 15),
        (Decimal("0.05"), 10),
        (Decimal("0"), 5),
    )
    revenue_growth_max: int = 20
    # Debt ratio (liabilities / assets): (upper bound, inclusive; points), from the lowest bound up.
    debt_ratio_bands: Bands = ((Decimal("0.55"), 10), (Decimal("0.75"), 5))
    debt_ratio_max: int = 10
    field_points: int = 10
    main_business_share_bands: Bands = (
        (Decimal("0.70"), 20),
        (Decimal("0.60"), 15),
        (Decimal("0.55"), 10),
        (Decimal("0.50"), 5),
    )
    main_business_max: int = 20


@dataclass(frozen=True)
class SizeClasses:
    """统计上大中小微型企业划分办法 (2017), industry: a class needs both its employee and its revenue bound."""

    large_employees: int = 1000
    large_revenue: Decimal = 400 * MILLION
    medium_employees: int = 300
    medium_revenue: Decimal = 20 * MILLION
    small_employees: int = 20
    small_revenue: Decimal = 3 * MILLION


@dataclass(frozen=True)
class TagRules:
    """Portrait tags."""

    # 临界: within this share below a threshold (e.g. 0.10: at least 90% of it).
    near_threshold_margin: Decimal = Decimal("0.10")
    # 临界 for the SME score: this many points short of passing, or fewer.
    near_sme_points: int = 10
    # 高成长: revenue growth (official formula) at or above this.
    high_growth_min: Decimal = Decimal("0.20")
    # 证书将到期: a high-tech certificate ending within this many days.
    certificate_expiring_days: int = 365


@dataclass(frozen=True)
class ReadinessBands:
    """The tier board's readiness (0–100) filter: high at or above `high_min`, middle from `mid_min`, low below."""

    high_min: int = 80
    mid_min: int = 60

    def bounds(self, band: str) -> tuple[int | None, int | None]:
        """(lowest included, highest excluded) of the band "high", "mid" or "low"; None is open."""
        return {"high": (self.high_min, None), "mid": (self.mid_min, self.high_min), "low": (None, self.mid_min)}[band]


@dataclass(frozen=True)
class WarningRules:
    """Cultivation warnings (DESIGN §4). "Expiring" reuses TagRules.certificate_expiring_days (one number, once)."""

    # A certificate ending within this many days is a high-severity warning (else medium).
    certificate_expiring_high_days: int = 90
    # Readiness (0–100) falling by at least this many points since the previous run, within the same tier.
    readiness_drop_points: Decimal = Decimal("15")
    # … by at least this many: high severity (else medium).
    readiness_drop_high_points: Decimal = Decimal("30")
    # Valid invention patents falling by at least this many from the previous year's indicators.
    ip_falling_min: int = 1


@dataclass(frozen=True)
class PatentValueRules:
    """High-value invention patents (高价值发明专利, DESIGN §3.4) and the value score of every IP right.

    A valid invention patent is high-value when any of the five conditions holds: in a strategic emerging industry;
    a family member granted abroad; maintained over `min_maintained_years` years (from filing); pledged for at least
    `large_pledge_amount`; a China Patent Award or a national S&T award. The value score (0–100) adds, for any right:
    `condition_points` per condition met, then up to `claims_points` (claims / `claims_full`), `remaining_life_points`
    (remaining term / whole term), `legal_status_points` (valid and held), `maintenance_points` (years maintained /
    `maintenance_full_years`) and `transaction_points` (transferred in or licensed out). The defaults sum to 100:
    5 × 10 + 15 + 10 + 10 + 5 + 10. A city may weigh them otherwise in a later rule-set version."""

    min_maintained_years: int = 10
    large_pledge_amount: Decimal = 10 * MILLION
    condition_points: Decimal = Decimal("10")
    claims_points: Decimal = Decimal("15")
    claims_full: int = 10
    remaining_life_points: Decimal = Decimal("10")
    legal_status_points: Decimal = Decimal("10")
    maintenance_points: Decimal = Decimal("5")
    maintenance_full_years: int = 20
    transaction_points: Decimal = Decimal("10")
    # Statutory terms from the filing date (专利法 2021: designs 15 years); other IP has no term here.
    term_years: tuple[tuple[str, int], ...] = (("invention", 20), ("utility_model", 10), ("design", 15))
    # Strongest patents: how many a firm's page and the decision-support list show by default.
    strongest_shown: int = 10


@dataclass(frozen=True)
class PatentWarningRules:
    """Warnings from the patent register (ip.warnings)."""

    # A right that stopped being valid or was transferred out this many days before the run, or fewer, is a loss.
    loss_window_days: int = 365
    # A valid held patent whose term ends within this many days of the run.
    term_ending_days: int = 365
    # … within this many: high severity when it is an invention patent (else medium, low for other rights).
    term_ending_high_days: int = 90
    # At most this many rights named in one warning (the firm's IP page lists all).
    named_max: int = 20


@dataclass(frozen=True)
class VoucherRules:
    """科技创新券 (DESIGN §5): the defaults copied into a new year's voucher policy, which the city then edits.

    The source document fixes only the cap (每年最高50万元); the ratios are the common practice of such schemes."""

    annual_cap_per_enterprise: Decimal = Decimal("500000")
    # Qualification kinds that make a firm eligible when valid on any day of the policy year.
    eligible_qualifications: tuple[str, ...] = ("tech_sme",)
    # (code, name, subsidy ratio, must name a registered provider), in the order the forms list them.
    default_kinds: tuple[tuple[str, str, Decimal, bool], ...] = (
        ("equipment", "仪器设备购置", Decimal("0.30"), False),
        ("result_transfer", "转化高校院所科技成果", Decimal("0.50"), True),
    )
    # Document kinds a claim must carry before it can be submitted.
    required_documents: tuple[str, ...] = ("contract", "invoice", "payment_proof")


@dataclass(frozen=True)
class CultivationTargets:
    """The city's targets for the leaders' dashboard (dashboards.DashboardTargets): the defaults of a year the city
    administrator has not set. The source document names two: 1,500 innovative enterprises (doubling again), and R&D
    activity in every above-scale industrial firm (研发全覆盖); one officer for every innovative firm (DESIGN §1)."""

    innovative_enterprises: int = 1500
    # Ratios are fractions (1 is every firm).
    rd_coverage: Decimal = Decimal("1")
    officer_coverage: Decimal = Decimal("1")


@dataclass(frozen=True)
class CultivationRules:
    """Three-tier cultivation (DESIGN §4): the bureau's own choices, not an official threshold."""

    # The key cultivation list (重点培育): "the top of each county's list is its key cultivation list" (DESIGN §4),
    # i.e. this many firms of each board tier in each county by readiness. The bureau's number; the city
    # administrator may set another in the admin (cultivation.models.CultivationSettings), which then prevails.
    key_list_size: int = 20


@dataclass(frozen=True)
class OfficerRules:
    """Chief tech service officers: the defaults of the city administrator's officer settings
    (officers.models.OfficerSettings overrides the first two when saved) and the no-service warning's severity."""

    # DESIGN §4: "an assigned firm with no service logged for 90 days" raises a warning.
    no_service_days: int = 90
    # The bureau's choice: how many firms an officer serves at most, unless set on the officer.
    default_max_load: int = 15
    # The bureau's choice: a firm unserved for this many times the threshold, or longer, is a high-severity warning
    # (else medium).
    no_service_high_factor: int = 2


@dataclass(frozen=True)
class RuleSet:
    year: int
    tech_sme: TechSmeEligibility = TechSmeEligibility()
    sme_scoring: TechSmeScoring = TechSmeScoring()
    high_tech: HighTechThresholds = HighTechThresholds()
    gazelle: GazelleCriteria = GazelleCriteria()
    srdi: SrdiCriteria = SrdiCriteria()
    innovative_sme: InnovativeSmeModel = InnovativeSmeModel()
    size_classes: SizeClasses = SizeClasses()
    tags: TagRules = TagRules()
    readiness_bands: ReadinessBands = ReadinessBands()
    warnings: WarningRules = WarningRules()
    patent_value: PatentValueRules = PatentValueRules()
    patent_warnings: PatentWarningRules = PatentWarningRules()
    vouchers: VoucherRules = VoucherRules()
    targets: CultivationTargets = CultivationTargets()
    cultivation: CultivationRules = CultivationRules()
    officers: OfficerRules = OfficerRules()
    # 规模以上工业企业: annual revenue at or above this amount.
    above_scale_min_revenue: Decimal = 20 * MILLION

    def high_tech_min_rd_ratio(self, latest_revenue: Decimal) -> Decimal:
        for upper, ratio in self.high_tech.rd_ratio_bands:
            if upper is None or latest_revenue <= upper:
                return ratio
        raise AssertionError("the last band has no upper bound")


_RULESET_2025 = RuleSet(year=2025)
# 2026: same national thresholds; the revised SME grading regime (in force 2026-04-01) changes scoring bands that
# a later entry will carry when the bureau publishes its local parameters.
_RULESET_2026 = replace(_RULESET_2025, year=2026)

RULESETS: dict[int, RuleSet] = {ruleset.year: ruleset for ruleset in (_RULESET_2025, _RULESET_2026)}


def get_ruleset(year: int | None = None) -> RuleSet:
    """The rule set of `year`, or the one configured in settings (settings.SCORING_RULESET_YEAR).

    The scoring run uses scoring.selectors.ruleset_in_force(), which lets the city administrator override this."""
    year = settings.SCORING_RULESET_YEAR if year is None else year
    try:
        return RULESETS[year]
    except KeyError:
        known = ", ".join(str(y) for y in sorted(RULESETS))
        raise LookupError(f"No rule set for {year}; known versions: {known}") from None
