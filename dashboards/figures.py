"""What the dashboard shows, defined once: the headline figures (from which counts of `CountyFigures` each is made,
its target, its drill-down) and the sets of firms a drill-down lists (`FirmFlag` bits of `FirmFigure`).

The page, its API, the county comparison, the workbook and the drill-downs all read these definitions."""

import enum
from dataclasses import dataclass
from decimal import Decimal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class FirmFlag(enum.IntFlag):
    """What the refresh found true of a firm at the current point (dashboards.computing)."""

    INNOVATIVE = 1  # holds at least one valid qualification (创新型企业)
    TECH_SME = 2  # registered tech-based SME, registration valid
    HIGH_TECH = 4  # valid high-tech certificate
    GAZELLE = 8
    SRDI = 16  # provincial 专精特新 or national 小巨人
    ABOVE_SCALE = 32  # latest revenue at or above the rule set's above-scale threshold
    HAS_RD = 64  # latest R&D expense above zero
    COVERED = 128  # an active officer assignment


# A firm gets a FirmFigure row when any of these holds: every drill-down set requires one of them.
STORED_FLAGS = FirmFlag.INNOVATIVE | FirmFlag.ABOVE_SCALE


NO_FLAGS = FirmFlag(0)


@dataclass(frozen=True)
class FirmSet:
    """The firms with every `required` flag and no `excluded` one."""

    key: str
    label: Promise
    required: FirmFlag
    excluded: FirmFlag = NO_FLAGS


FIRM_SETS = {
    firm_set.key: firm_set
    for firm_set in (
        FirmSet("innovative", _("Innovative enterprises"), FirmFlag.INNOVATIVE),
        FirmSet("tech_sme", _("Registered tech-based SMEs"), FirmFlag.TECH_SME),
        FirmSet("high_tech", _("Valid high-tech enterprises"), FirmFlag.HIGH_TECH),
        FirmSet("gazelle", _("Gazelle enterprises"), FirmFlag.GAZELLE),
        FirmSet("srdi", _("Specialised and innovative enterprises"), FirmFlag.SRDI),
        FirmSet("above_scale", _("Above-scale industrial firms"), FirmFlag.ABOVE_SCALE),
        FirmSet(
            "above_scale_high_tech",
            _("Above-scale firms that are high-tech"),
            FirmFlag.ABOVE_SCALE | FirmFlag.HIGH_TECH,
        ),
        FirmSet(
            "above_scale_not_high_tech",
            _("Above-scale firms not yet high-tech"),
            FirmFlag.ABOVE_SCALE,
            FirmFlag.HIGH_TECH,
        ),
        FirmSet("above_scale_rd", _("Above-scale firms with R&D"), FirmFlag.ABOVE_SCALE | FirmFlag.HAS_RD),
        FirmSet("above_scale_no_rd", _("Above-scale firms without R&D"), FirmFlag.ABOVE_SCALE, FirmFlag.HAS_RD),
        FirmSet("covered", _("Innovative enterprises with an officer"), FirmFlag.INNOVATIVE | FirmFlag.COVERED),
        FirmSet("uncovered", _("Innovative enterprises without an officer"), FirmFlag.INNOVATIVE, FirmFlag.COVERED),
    )
}


class Kind(enum.StrEnum):
    COUNT = "count"
    SHARE = "share"
    MONEY = "money"


@dataclass(frozen=True)
class Figure:
    """A headline figure: `numerator` (and for a share, `denominator`) name CountyFigures columns.

    `target` names a DashboardTargets field; `firms` and `gap` name FIRM_SETS (the firms counted, the firms
    missing); `link` names a page of another module that lists what a money or campaign figure counts."""

    key: str
    label: Promise
    kind: Kind
    numerator: str
    denominator: str | None = None
    target: str | None = None
    firms: str | None = None
    gap: str | None = None
    link: str | None = None

    def value(self, counts) -> Decimal | int | None:
        """The figure from a mapping (or object) of counts; a share without a denominator is None."""
        numerator = _get(counts, self.numerator)
        if self.kind != Kind.SHARE:
            return numerator
        denominator = _get(counts, self.denominator)
        return Decimal(numerator) / Decimal(denominator) if denominator else None


def _get(counts, name):
    return counts[name] if isinstance(counts, dict) else getattr(counts, name)


FIGURES = (
    Figure("innovative", _("Innovative enterprises"), Kind.COUNT, "innovative", target="innovative",
           firms="innovative"),
    Figure("tech_sme", _("Registered tech-based SMEs"), Kind.COUNT, "tech_sme", target="tech_sme", firms="tech_sme"),
    Figure("high_tech", _("Valid high-tech enterprises"), Kind.COUNT, "high_tech", target="high_tech",
           firms="high_tech"),
    Figure("gazelle", _("Gazelle enterprises"), Kind.COUNT, "gazelle", target="gazelle", firms="gazelle"),
    Figure("srdi", _("Specialised and innovative enterprises"), Kind.COUNT, "srdi", target="srdi", firms="srdi"),
    Figure("high_tech_share", _("High-tech share of above-scale industrial firms"), Kind.SHARE,
           "above_scale_high_tech", "above_scale", target="high_tech_share", firms="above_scale_high_tech",
           gap="above_scale_not_high_tech"),
    Figure("rd_coverage", _("Above-scale industrial firms with R&D activity"), Kind.SHARE, "above_scale_rd",
           "above_scale", target="rd_coverage", firms="above_scale_rd", gap="above_scale_no_rd"),
    Figure("officer_coverage", _("Officer coverage of innovative enterprises"), Kind.SHARE, "innovative_covered",
           "innovative", target="officer_coverage", firms="covered", gap="uncovered"),
    Figure("vouchers_granted", _("Innovation vouchers granted this year"), Kind.MONEY, "vouchers_granted",
           link="vouchers_granted"),
    Figure("vouchers_paid", _("Innovation vouchers paid this year"), Kind.MONEY, "vouchers_paid",
           link="vouchers_paid"),
    Figure("campaign_pass_rate", _("High-tech campaign pass rate"), Kind.SHARE, "campaign_approved",
           "campaign_decided", target="campaign_pass_rate", link="campaign"),
)  # fmt: skip
FIGURES_BY_KEY = {figure.key: figure for figure in FIGURES}

# The counts a refresh stores per county and point (CountyFigures), in the order the workbook lists them.
COUNT_COLUMNS = ("firms", "innovative", "tech_sme", "high_tech", "gazelle", "srdi", "above_scale",
                 "above_scale_high_tech", "above_scale_rd", "innovative_covered", "vouchers_granted_claims",
                 "campaign_approved", "campaign_decided")  # fmt: skip
MONEY_COLUMNS = ("vouchers_granted", "vouchers_paid")
TIER_COLUMNS = ("tier_outside", "tier_t1", "tier_t2", "tier_t3")

# Readiness bins of the score distribution: [0, 10), [10, 20) … [90, 100].
SCORE_BIN_WIDTH = 10
SCORE_BIN_LOWERS = tuple(range(0, 100, SCORE_BIN_WIDTH))
SCORE_BIN_LABELS = tuple(f"{lower}–{lower + SCORE_BIN_WIDTH}" for lower in SCORE_BIN_LOWERS)
# Months of movements shown, the current one included.
MOVEMENT_MONTHS = 12
