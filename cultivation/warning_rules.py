"""Cultivation's own warning rules (DESIGN §4), registered by CultivationConfig.ready(): a high-tech certificate
expiring, a certified firm breaking a high-tech condition, a tech-based SME not re-registered, readiness dropping.
Each finder reads the run's context (cultivation.warning_registry) and returns its rows; set-based, no per-firm
query."""

import math

import pandas as pd
from django.db.models import F
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cultivation.models import WarningSeverity
from cultivation.warning_registry import WarningContext, WarningRule
from scoring.models import Portrait
from scoring.presentation import HIGH_TECH_CONDITION_NAMES
from scoring.rules import TAG_BITS


def _number(value):
    """A JSON-friendly number (None for NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), 2) if isinstance(value, float) else int(value)


def certificate_expiring(context: WarningContext) -> list[dict]:
    """The high-tech certificate valid on the day ends within the tag's number of days (one threshold for the tag
    and the warning), a renewal counted."""
    on, rules = context.on, context.ruleset.warnings
    expiring_days = context.ruleset.tags.certificate_expiring_days
    certified = context.certified
    days_left = pd.Series(
        [(ends - on).days for ends in certified["certificate_ends"]], index=certified.index, dtype="int64"
    )
    expiring = days_left[days_left <= expiring_days]
    return [
        {
            "enterprise_id": firm,
            "severity": WarningSeverity.HIGH if days <= rules.certificate_expiring_high_days
            else WarningSeverity.MEDIUM,
            "rule": "tags.certificate_expiring_days",
            "values": {"value": int(days), "threshold": expiring_days, "previous": None,
                       "valid_to": certified.at[firm, "certificate_ends"].isoformat()},
        }
        for firm, days in expiring.items()
    ]  # fmt: skip


def certified_breaks_condition(context: WarningContext) -> list[dict]:
    """Certified, but the latest data breaks a high-tech condition: the portrait's audit-risk tag, the conditions
    named from the portrait's detail."""
    portraits, run = context.portraits, context.run
    audit_bit = TAG_BITS["audit_risk"]
    at_risk = portraits.index[(portraits["tag_mask"].astype("int64") & audit_bit) != 0]
    failed: dict[int, list[str]] = {}
    if len(at_risk):
        keys = run.detail_keys or []
        flagged = Portrait.objects.annotate(risk=F("tag_mask").bitand(audit_bit)).filter(run=run, risk__gt=0)
        for firm, detail in flagged.values_list("enterprise_id", "detail"):
            details = dict(zip(keys, detail or [], strict=False))
            failed[firm] = [
                key.removeprefix("ht_").removesuffix("_met")
                for key, value in details.items()
                if key.startswith("ht_") and key.endswith("_met") and value == 0
            ]
    return [
        {"enterprise_id": firm, "severity": WarningSeverity.HIGH, "rule": "tags.audit_risk",
         "values": {"value": failed.get(firm, []), "threshold": None, "previous": None}}
        for firm in at_risk
    ]  # fmt: skip


def sme_not_reregistered(context: WarningContext) -> list[dict]:
    """Registered as a tech-based SME last year, not yet this year (and still SME-eligible: else it cannot)."""
    portraits, qualifications = context.portraits, context.qualifications
    eligible = portraits.index[portraits["sme_eligible"].astype(bool)]
    lapsed = qualifications[(qualifications["sme_last_year"] > 0) & (qualifications["sme_this_year"] == 0)]
    lapsed = lapsed[lapsed.index.isin(eligible)]
    return [
        {"enterprise_id": firm, "severity": WarningSeverity.MEDIUM, "rule": "tech_sme.registration_yearly",
         "values": {"value": 0, "threshold": 1, "previous": 1, "year": context.on.year}}
        for firm in lapsed.index
    ]  # fmt: skip


def readiness_drop(context: WarningContext) -> list[dict]:
    """Readiness dropping sharply since the previous run, within the same tier (each tier has its own scale)."""
    portraits, rules = context.portraits, context.ruleset.warnings
    same_tier = portraits[portraits["prev_tier"].notna() & (portraits["prev_tier"] == portraits["tier"])]
    drop = same_tier["prev_readiness"].astype(float) - same_tier["readiness"].astype(float)
    drop_points, high_points = float(rules.readiness_drop_points), float(rules.readiness_drop_high_points)
    dropped = same_tier[drop >= drop_points]
    return [
        {
            "enterprise_id": firm,
            "severity": WarningSeverity.HIGH if drop[firm] >= high_points else WarningSeverity.MEDIUM,
            "rule": "warnings.readiness_drop_points",
            "values": {"value": _number(float(row.readiness)), "threshold": drop_points,
                       "previous": _number(float(row.prev_readiness)), "tier": row.tier},
        }
        for firm, row in dropped.iterrows()
    ]  # fmt: skip


def _days_left(values: dict) -> str:
    return gettext("The high-tech certificate ends on %(date)s: %(days)s days left.") % {
        "date": values.get("valid_to") or "—",
        "days": values.get("value"),
    }


def _conditions_broken(values: dict) -> str:
    names = [str(HIGH_TECH_CONDITION_NAMES.get(code, code)) for code in values.get("value") or []]
    if not names:
        return gettext("The latest data break a high-tech condition.")
    return gettext("The latest data no longer meet: %(conditions)s.") % {"conditions": gettext(", ").join(names)}


def _not_reregistered(values: dict) -> str:
    return gettext("Registered as a tech-based SME last year, not yet in %(year)s.") % {"year": values.get("year")}


def _readiness_dropped(values: dict) -> str:
    return gettext("Readiness fell from %(previous)s to %(value)s points (a fall of %(threshold)s or more).") % {
        "previous": values.get("previous"),
        "value": values.get("value"),
        "threshold": values.get("threshold"),
    }


CERTIFICATE_EXPIRING = WarningRule(
    kind="certificate_expiring",
    label=_("High-tech certificate expiring"),
    finder=certificate_expiring,
    describe=_days_left,
)
CERTIFIED_BREAKS_CONDITION = WarningRule(
    kind="certified_breaks_condition",
    label=_("Certified firm breaks a high-tech condition"),
    finder=certified_breaks_condition,
    describe=_conditions_broken,
)
SME_NOT_REREGISTERED = WarningRule(
    kind="sme_not_reregistered",
    label=_("Tech-based SME not re-registered this year"),
    finder=sme_not_reregistered,
    describe=_not_reregistered,
)
READINESS_DROP = WarningRule(
    kind="readiness_drop", label=_("Readiness dropped sharply"), finder=readiness_drop, describe=_readiness_dropped
)

CULTIVATION_WARNING_RULES = (CERTIFICATE_EXPIRING, CERTIFIED_BREAKS_CONDITION, SME_NOT_REREGISTERED, READINESS_DROP)
