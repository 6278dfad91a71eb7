"""A firm's next step in plain words: where it stands, the next rung, and each gap to it with its amount (yuan,
people, patents, days or points) and what to do about it.

Read from the firm's portrait of the current run: the gaps scoring derived (`gap_*` in its details; the same rules
and families as `scoring.presentation.gaps` and `cultivation.plans.GAP_SPECS`), explained here for the firm itself,
with no rule id, code or comparison sign. One step per key of `cultivation.plans.GAP_SPECS`."""

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cultivation.plans import GAP_SPECS, SME, T2, T3
from scoring.models import Portrait, Tier
from scoring.presentation import ruleset_of

TEN_THOUSAND = 10000


@dataclass
class Step:
    """One gap to the next rung: what is lacking (`what`), how much (`amount`) and what to do (`todo`)."""

    key: str
    what: str
    amount: str
    todo: str


@dataclass
class NextStep:
    tier: str  # the tier's value ("" when the firm has no portrait yet)
    tier_label: str
    next_rung: str  # the next rung in words ("" when there is none to show)
    summary: str  # where the firm stands on the way there
    steps: list[Step] = field(default_factory=list)
    scored_on: object = None  # the run's date


# ---------------------------------------------------------------------------------------------------------------
# Amounts


def _number(value) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return float(value)


def _whole(value) -> int:
    return math.ceil(_number(value) or 0)


def money(yuan) -> str:
    """An amount of money as firms read it: 万元 from ten thousand yuan up, else yuan."""
    yuan = _number(yuan) or 0
    if yuan >= TEN_THOUSAND:
        return _("%(amount)s × 10k yuan") % {"amount": f"{yuan / TEN_THOUSAND:,.2f}"}
    return _("%(amount)s yuan") % {"amount": f"{math.ceil(yuan):,}"}


def people(count: int) -> str:
    return ngettext("%(count)s person", "%(count)s people", count) % {"count": count}


def patents(count: int) -> str:
    return ngettext("%(count)s patent or software copyright", "%(count)s patents or software copyrights", count) % {
        "count": count
    }


def days(count: int) -> str:
    return ngettext("%(count)s day", "%(count)s days", count) % {"count": count}


def more_than_points(value) -> str:
    """A score still short by more than `value` points (the threshold itself is not enough)."""
    value = _number(value) or 0
    return ngettext("more than %(count)s point", "more than %(count)s points", math.ceil(value)) % {
        "count": f"{value:g}"
    }


def percent(value, digits: int = 0) -> str:
    value = _number(value)
    return "—" if value is None else f"{value * 100:.{digits}f}%"


# ---------------------------------------------------------------------------------------------------------------
# What to do about each gap (the advice does not depend on the firm's figures)

RECORD_STAFF = gettext_lazy(
    "Put staff on R&D and technical work, or hire them, and report every one of them in your annual figures."
)
BOOK_RD = gettext_lazy(
    "Spend more on R&D and book all of it in a separate R&D ledger (研发费用辅助账): R&D that is not booked does not "
    "count."
)
FILE_IP = gettext_lazy(
    "File for an invention patent on your core technology, or register utility models, designs or software "
    "copyrights; your officer can put you in touch with an IP agency."
)
GROW_SALES = gettext_lazy("Grow sales of your main products; the figures you report for this year decide.")


def _step(key: str, d: dict, portrait: Portrait) -> Step | None:
    """The step of gap `key`, from the portrait's details `d` (None when the value is not there)."""
    ruleset = ruleset_of(portrait)
    high = ruleset.high_tech
    if key == "sme_st_people":
        return Step(key, _("S&T staff are %(ratio)s of your employees; at %(target)s the evaluation gives more "
                           "points.") % {"ratio": percent(d.get("sme_st_ratio"), 1),
                                         "target": percent(d.get("gap_sme_st_target"))},
                    people(_whole(d["gap_sme_st_people"])), str(RECORD_STAFF))  # fmt: skip
    if key == "sme_rd":
        return Step(key, _("R&D spending is %(ratio)s of your revenue; at %(target)s the evaluation gives more "
                           "points.") % {"ratio": percent(d.get("sme_rd_revenue_ratio"), 1),
                                         "target": percent(d.get("gap_sme_rd_target"))},
                    money(d["gap_sme_rd_yuan"]), str(BOOK_RD))  # fmt: skip
    if key == "sme_class2":
        return Step(key, _("You own no invention patent yet: one, or more utility models, designs or software "
                           "copyrights, give more points."),
                    patents(_whole(d["gap_sme_class2"])), str(FILE_IP))  # fmt: skip
    if key == "ht_registered":
        return Step(key, _("A firm must be registered for a full year before it applies."),
                    days(_whole(d["gap_ht_registered_days"])),
                    _("Nothing to do but wait; meet the other conditions meanwhile."))  # fmt: skip
    if key == "ht_core_ip":
        return Step(key, _("You own no core IP yet: one invention patent, or %(count)s utility models, designs or "
                           "software copyrights, are needed.") % {"count": high.min_class2_ip},
                    patents(_whole(d["gap_ht_class2"])), str(FILE_IP))  # fmt: skip
    if key == "ht_field":
        return Step(key, _("No supported high-tech field is recorded for your core technology."), "",
                    _("Tell the S&T bureau which of the eight supported fields your main products belong "
                      "to."))  # fmt: skip
    if key == "ht_st_people":
        return Step(key, _("S&T staff are %(ratio)s of your employees; at least %(target)s are needed.")
                    % {"ratio": percent(d.get("ht_st_ratio"), 1), "target": percent(high.min_st_personnel_ratio)},
                    people(_whole(d["gap_ht_st_people"])), str(RECORD_STAFF))  # fmt: skip
    if key == "ht_rd":
        years = _whole(d.get("ht_rd_years")) or high.rd_years
        return Step(key, ngettext("R&D spending in the last year is %(ratio)s of revenue; at least %(target)s is "
                                  "needed.",
                                  "R&D spending over the last %(years)s years is %(ratio)s of revenue; at least "
                                  "%(target)s is needed.", years)
                    % {"years": years, "ratio": percent(d.get("ht_rd_ratio_3y"), 1),
                       "target": percent(d.get("ht_rd_threshold"))},
                    money(d["gap_ht_rd_yuan"]), str(BOOK_RD))  # fmt: skip
    if key == "ht_domestic_rd":
        return Step(key, _("%(share)s of your R&D is spent in China; at least %(target)s must be.")
                    % {"share": percent(d.get("ht_domestic_share")), "target": percent(high.min_domestic_rd_share)},
                    money(d["gap_ht_domestic_rd_yuan"]),
                    _("Spend more of your R&D in China: your own staff here, or partners in China."))  # fmt: skip
    if key == "ht_high_tech_revenue":
        return Step(key, _("High-tech products and services bring %(share)s of your revenue; at least %(target)s "
                           "is needed.") % {"share": percent(d.get("ht_high_tech_share")),
                                            "target": percent(high.min_high_tech_revenue_share)},
                    money(d["gap_ht_high_tech_revenue_yuan"]),
                    _("Sell more of the products your own technology makes, and report their revenue as high-tech "
                      "revenue."))  # fmt: skip
    if key == "ht_capability":
        return Step(key, _("Your innovation capability is estimated at %(estimate)s points; more than %(threshold)s "
                           "are needed.") % {"estimate": f"{portrait.capability_estimate:g}",
                                             "threshold": high.min_capability_score_exclusive},
                    more_than_points(d["gap_ht_capability_points"]),
                    _("Patents, turning research into products and steady growth add points; experts score the rest "
                      "when you apply."))  # fmt: skip
    if key == "gazelle_revenue":
        return Step(key, _("Gazelle firms have revenue of at least %(minimum)s.")
                    % {"minimum": money(ruleset.gazelle.min_revenue)},
                    money(d["gap_gazelle_revenue_yuan"]), str(GROW_SALES))  # fmt: skip
    if key == "gazelle_growth":
        return Step(key, _("Your revenue grew %(cagr)s a year; gazelle firms grow at least %(target)s a year.")
                    % {"cagr": percent(d.get("gazelle_cagr"), 1), "target": percent(ruleset.gazelle.min_revenue_cagr)},
                    money(d["gap_gazelle_growth_yuan"]), str(GROW_SALES))  # fmt: skip
    if key == "srdi_rd":
        return Step(key, _("Specialised and innovative (专精特新) firms spend at least %(minimum)s on R&D a year.")
                    % {"minimum": money(ruleset.srdi.min_rd_expense)},
                    money(d["gap_srdi_rd_yuan"]), str(BOOK_RD))  # fmt: skip
    if key == "srdi_revenue":
        return Step(key, _("Specialised and innovative (专精特新) firms have revenue of at least %(minimum)s.")
                    % {"minimum": money(ruleset.srdi.min_revenue)},
                    money(d["gap_srdi_revenue_yuan"]), str(GROW_SALES))  # fmt: skip
    return None


def _family(portrait: Portrait) -> str | None:
    """Which family of gaps applies to the portrait (as in `cultivation.plans.gaps_frame`)."""
    if portrait.tier in (Tier.T1, Tier.OUTSIDE) and portrait.sme_eligible and not portrait.sme_passes:
        return SME
    return {Tier.T2: T2, Tier.T3: T3}.get(portrait.tier)


def _has_gap(spec, value) -> bool:
    value = _number(value)
    if spec.test == "missing":
        return value is None
    if spec.test == "present":
        return value is not None
    return value is not None and value != 0


def next_step(*, portrait: Portrait | None, tier: str | None = None) -> NextStep:
    """The next step of a firm from its portrait of the current run (`portrait` None: not scored yet); `tier` is
    its tier now (placement, pins included) when known, else the portrait's."""
    if portrait is None:
        label = Tier(tier).label if tier in Tier.values else ""
        return NextStep(tier=tier or "", tier_label=str(label), next_rung="",
                        summary=_("Your firm has not been scored yet: the portal scores every firm each night from "
                                  "the figures it holds."))  # fmt: skip
    tier = tier if tier in Tier.values else portrait.tier
    details = portrait.details
    family = _family(portrait)
    ruleset = ruleset_of(portrait)
    steps = []
    for spec in GAP_SPECS:
        # A value the run did not store gives no gap (as in cultivation.plans.gaps_frame).
        if spec.family != family or spec.key == "sme_points" or spec.column not in details:
            continue
        if not _has_gap(spec, details[spec.column]):
            continue
        step = _step(spec.key, details, portrait)
        if step is not None:
            steps.append(step)
    if family == SME:
        rung = _("Tech-based SME (科技型中小企业)")
        summary = _("The tech-based SME evaluation gives your firm %(score)s points; %(pass)s are needed to pass and "
                    "register.") % {"score": portrait.sme_score, "pass": ruleset.sme_scoring.pass_score}  # fmt: skip
    elif family == T2:
        rung = _("High-tech enterprise certificate (高新技术企业)")
        summary = _("The certificate asks for eight conditions; this is what your latest figures still lack.")
    elif family == T3:
        rung = _("Gazelle or specialised and innovative (专精特新) enterprise")
        summary = _("Your firm holds a high-tech certificate; these are the steps to the next recognitions.")
    else:
        rung = ""
        summary = _("Keep your annual figures, patents and qualifications up to date: the portal places your firm "
                    "again every night.")  # fmt: skip
    if family and not steps:
        summary = _("Your figures meet what the portal can check for the next rung: talk to your officer or the S&T "
                    "bureau about applying.")  # fmt: skip
    return NextStep(tier=tier, tier_label=str(Tier(tier).label), next_rung=str(rung), summary=str(summary),
                    steps=steps, scored_on=portrait.run.run_date)  # fmt: skip
