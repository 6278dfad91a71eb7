"""The officers' part of the nightly warnings (DESIGN §4): an assigned firm with no service logged for the
configured number of days. Registered with cultivation's warning registry by OfficersConfig.ready(); set-based (one
query), so the warning auto-resolves at the next run after a service is logged, like every other warning."""

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cultivation.models import WarningSeverity
from cultivation.warning_registry import WarningContext, WarningRule
from officers.selectors import settings_in_force, unserved_assignments

RULE = "officers.no_service_days"


def no_service_warnings(context: WarningContext) -> list[dict]:
    """Warning rows ({enterprise_id, severity, rule, values}) for the firms of the run whose officer logged no
    service in the configured days (the officer settings', else the run's rule set's) before the run's day. The
    rule set's factor times as long or more is high severity."""
    rules = context.ruleset.officers
    days = settings_in_force(rules=rules).no_service_days
    high_from = rules.no_service_high_factor * days
    scored = set(int(firm) for firm in context.firms)
    rows = []
    for row in unserved_assignments(on=context.on, days=days):
        if row["enterprise_id"] not in scored:
            continue
        last = row["last_service"]
        rows.append(
            {
                "enterprise_id": row["enterprise_id"],
                "severity": WarningSeverity.HIGH if row["days"] >= high_from else WarningSeverity.MEDIUM,
                "rule": RULE,
                "values": {"value": row["days"], "threshold": row["threshold"], "previous": None,
                           "last_service": last.isoformat() if last else None, "officer": row["officer"]},
            }
        )  # fmt: skip
    return rows


def _unserved(values: dict) -> str:
    if values.get("last_service"):
        text = gettext("No service logged for %(days)s days (the last on %(date)s); the limit is %(limit)s days.")
    else:
        text = gettext(
            "No service logged in %(days)s days since the officer was assigned; the limit is %(limit)s days."
        )
    return text % {"days": values.get("value"), "date": values.get("last_service"), "limit": values.get("threshold")}


NO_SERVICE = WarningRule(
    kind="no_service",
    label=_("Assigned firm without service for too long"),
    finder=no_service_warnings,
    describe=_unserved,
)
