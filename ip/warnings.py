"""The patent warnings (DESIGN §4), registered with cultivation's warning registry by IpConfig.ready(); set-based,
a few queries per run, the register's counts and losses read once and shared by the three rules.

- ip_falling: a firm's valid invention patents fell. For a firm with a register: lapsed, invalidated or transferred
  out within the rule set's window, the patents named; for any other firm: its indicators' invention patents, year
  on year.
- core_ip_lapsed: a certified high-tech firm lost Class I or II rights in the window (HIGH when it no longer meets
  the core-IP condition: a risk to its certificate).
- patent_term_ending: valid held patents whose statutory term ends within the rule set's days.
"""

import datetime

import pandas as pd
from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cultivation.models import WarningSeverity
from cultivation.warning_registry import WarningContext, WarningRule
from enterprises.models import AnnualIndicator
from ip.evaluation import term_end
from ip.models import CLASS1_KINDS, CLASS2_KINDS, PATENT_KINDS, IpKind, LegalStatus, Patent
from rulesets import RuleSet

LOST_STATUSES = (LegalStatus.LAPSED, LegalStatus.INVALIDATED)
IP_KINDS = (*CLASS1_KINDS, *CLASS2_KINDS)
# What a warning names of each right lost.
SHOWN = ["number", "title", "reason", "on", "transferred_to"]

# Each firm's latest yearly invention-patent count (up to the run's year) and the count of the year before it, where
# the count fell by at least the rule set's minimum. Parameters: last year, minimum fall.
IP_FALLING_SQL = """
SELECT enterprise_id, year, invention_patents, prev_patents FROM (
  SELECT enterprise_id, year, invention_patents,
         LAG(invention_patents) OVER (PARTITION BY enterprise_id ORDER BY year) AS prev_patents,
         LAG(year) OVER (PARTITION BY enterprise_id ORDER BY year) AS prev_year,
         ROW_NUMBER() OVER (PARTITION BY enterprise_id ORDER BY year DESC) AS newest
  FROM {indicator} WHERE year <= %s
) yearly
WHERE newest = 1 AND prev_year = year - 1 AND prev_patents - invention_patents >= %s
"""


def _held(on: datetime.date) -> Q:
    return Q(legal_status=LegalStatus.VALID) & (Q(transferred_out_on__isnull=True) | Q(transferred_out_on__gt=on))


def register_counts(*, firm_ids=None, on: datetime.date) -> pd.DataFrame:
    """Per firm with register rows: its valid, held Class I, Class II and invention rights on `on`."""
    rows = Patent.objects.order_by()
    if firm_ids is not None:
        rows = rows.filter(enterprise_id__in=list(firm_ids))
    held = _held(on)
    counted = rows.values("enterprise_id").annotate(
        class1=Count("pk", filter=held & Q(kind__in=CLASS1_KINDS)),
        class2=Count("pk", filter=held & Q(kind__in=CLASS2_KINDS)),
        inventions=Count("pk", filter=held & Q(kind=IpKind.INVENTION)),
    )
    frame = pd.DataFrame(list(counted), columns=["enterprise_id", "class1", "class2", "inventions"])
    return frame.set_index("enterprise_id")


def _named(rows: pd.DataFrame, limit: int) -> list[dict]:
    return [
        {key: (value.isoformat() if hasattr(value, "isoformat") else value) for key, value in row.items()}
        for row in rows.head(limit).to_dict("records")
    ]


def losses(*, on: datetime.date, ruleset: RuleSet) -> pd.DataFrame:
    """Class I and II rights that lapsed, were invalidated or were transferred out within the window before `on`."""
    start = on - datetime.timedelta(days=ruleset.patent_warnings.loss_window_days)
    lapsed = Q(legal_status__in=LOST_STATUSES, status_on__gte=start, status_on__lte=on)
    transferred = Q(transferred_out_on__gte=start, transferred_out_on__lte=on)
    rows = list(
        Patent.objects.filter(lapsed | transferred, kind__in=IP_KINDS)
        .order_by("enterprise_id", "number")
        .values("enterprise_id", "number", "title", "kind", "legal_status", "status_on", "transferred_out_on",
                "transferred_to")
    )  # fmt: skip
    frame = pd.DataFrame(rows, columns=["enterprise_id", "number", "title", "kind", "legal_status", "status_on",
                                        "transferred_out_on", "transferred_to"])  # fmt: skip
    out_on = pd.to_datetime(frame["transferred_out_on"])
    out = out_on.notna() & (out_on >= pd.Timestamp(start))
    frame["reason"] = frame["legal_status"].where(~out, "transferred_out")
    frame["on"] = frame["transferred_out_on"].where(out, frame["status_on"])
    return frame


def _register_counts(context: WarningContext) -> pd.DataFrame:
    """`register_counts` of the run's firms that keep a register: these firms' patent warnings come from it."""

    def compute():
        counts = register_counts(on=context.on)
        return counts[counts.index.isin(context.firms)]

    return context.shared("ip.register_counts", compute)


def _losses(context: WarningContext) -> pd.DataFrame:
    """`losses` of the run's firms that keep a register."""

    def compute():
        lost = losses(on=context.on, ruleset=context.ruleset)
        return lost[lost["enterprise_id"].isin(set(_register_counts(context).index.tolist()))]

    return context.shared("ip.losses", compute)


def ip_falling(context: WarningContext) -> list[dict]:
    """Valid invention patents falling: from the register where a firm keeps one (the patents named), else against
    the previous year's indicators. The register's rows first, then the indicators'."""
    ruleset = context.ruleset
    counts, lost = _register_counts(context), _losses(context)
    min_class1, minimum = ruleset.high_tech.min_class1_ip, ruleset.warnings.ip_falling_min
    window_days = ruleset.patent_warnings.loss_window_days
    found = []
    for firm, rows in lost[lost["kind"] == IpKind.INVENTION].groupby("enterprise_id"):
        if len(rows) < minimum:
            continue
        now = int(counts.at[firm, "inventions"])
        previous = now + len(rows)
        found.append(
            {"enterprise_id": int(firm),
             "severity": WarningSeverity.HIGH if now < min_class1 <= previous else WarningSeverity.MEDIUM,
             "rule": "patent_warnings.loss_window_days",
             "values": {"value": now, "threshold": minimum, "previous": previous, "source": "register",
                        "window_days": window_days, "patents": _named(rows[SHOWN], ruleset.patent_warnings.named_max)}}
        )  # fmt: skip

    register_firms = set(counts.index.tolist())
    with connection.cursor() as cursor:
        cursor.execute(IP_FALLING_SQL.format(indicator=AnnualIndicator._meta.db_table), [context.on.year, minimum])
        falling = [row for row in cursor.fetchall() if row[0] in context.firms and row[0] not in register_firms]
    found.extend(
        {
            "enterprise_id": firm,
            "severity": WarningSeverity.HIGH if patents < min_class1 <= previous_count else WarningSeverity.MEDIUM,
            "rule": "warnings.ip_falling_min",
            "values": {"value": int(patents), "threshold": minimum, "previous": int(previous_count),
                       "year": int(year)},
        }
        for firm, year, patents, previous_count in falling
    )  # fmt: skip
    return found


def core_ip_lapsed(context: WarningContext) -> list[dict]:
    """A certified firm with a register lost Class I or II rights in the window."""
    ruleset = context.ruleset
    counts, lost = _register_counts(context), _losses(context)
    min_class1, min_class2 = ruleset.high_tech.min_class1_ip, ruleset.high_tech.min_class2_ip
    found = []
    for firm, rows in lost[lost["enterprise_id"].isin(context.certified.index)].groupby("enterprise_id"):
        class1, class2 = int(counts.at[firm, "class1"]), int(counts.at[firm, "class2"])
        meets = class1 >= min_class1 or class2 >= min_class2
        if meets and not rows["kind"].isin(CLASS1_KINDS).any():
            continue  # a Class II right lost while the firm still meets the condition is no risk
        found.append(
            {"enterprise_id": int(firm), "severity": WarningSeverity.MEDIUM if meets else WarningSeverity.HIGH,
             "rule": "high_tech.min_class1_ip",
             "values": {"value": [class1, class2], "threshold": [min_class1, min_class2], "previous": None,
                        "patents": _named(rows[SHOWN], ruleset.patent_warnings.named_max)}}
        )  # fmt: skip
    return found


def patent_term_ending(context: WarningContext) -> list[dict]:
    """Valid held patents of a firm with a register whose statutory term ends within the rule set's days."""
    on, ruleset = context.on, context.ruleset
    firms = set(_register_counts(context).index.tolist())
    rules = ruleset.patent_warnings
    horizon = on + datetime.timedelta(days=rules.term_ending_days)
    shortest = min(years for _kind, years in ruleset.patent_value.term_years)
    # Only rights filed long enough ago can end before the horizon; their exact ends are computed in pandas.
    filed_before = datetime.date(horizon.year - shortest, 12, 31)
    rows = list(
        Patent.objects.filter(_held(on), kind__in=PATENT_KINDS, filed_on__lte=filed_before)
        .order_by("enterprise_id", "filed_on", "number")
        .values("enterprise_id", "number", "title", "kind", "filed_on")
    )
    frame = pd.DataFrame(rows, columns=["enterprise_id", "number", "title", "kind", "filed_on"])
    frame = frame[frame["enterprise_id"].isin(firms)]
    if frame.empty:
        return []
    frame["filed_on"] = pd.to_datetime(frame["filed_on"])
    frame["ends"] = term_end(frame, ruleset)
    ending = frame[(frame["ends"] >= pd.Timestamp(on)) & (frame["ends"] <= pd.Timestamp(horizon))]
    found = []
    for firm, rows in ending.groupby("enterprise_id"):
        days = (rows["ends"] - pd.Timestamp(on)).dt.days
        invention = rows["kind"].eq(IpKind.INVENTION)
        if (invention & (days <= rules.term_ending_high_days)).any():
            severity = WarningSeverity.HIGH
        elif invention.any():
            severity = WarningSeverity.MEDIUM
        else:
            severity = WarningSeverity.LOW
        named = rows.assign(ends=rows["ends"].dt.date)[["number", "title", "ends"]]
        found.append(
            {"enterprise_id": int(firm), "severity": severity,
             "rule": "patent_warnings.term_ending_days",
             "values": {"value": len(rows), "threshold": rules.term_ending_days, "previous": None,
                        "first_ends": named["ends"].min().isoformat(), "patents": _named(named, rules.named_max)}}
        )  # fmt: skip
    return found


def _inventions_fell(values: dict) -> str:
    return gettext("Valid invention patents fell from %(previous)s to %(value)s.") % {
        "previous": values.get("previous"),
        "value": values.get("value"),
    }


def _core_ip_lapsed(values: dict) -> str:
    class1, class2 = (values.get("value") or [None, None])[:2]
    need1, need2 = (values.get("threshold") or [None, None])[:2]
    return gettext(
        "Core IP lost: %(class1)s Class I and %(class2)s Class II rights left (the certificate needs %(need1)s Class I "
        "or %(need2)s Class II)."
    ) % {"class1": class1, "class2": class2, "need1": need1, "need2": need2}


def _terms_ending(values: dict) -> str:
    return gettext("%(count)s patents reach the end of their term within %(days)s days, the first on %(date)s.") % {
        "count": values.get("value"),
        "days": values.get("threshold"),
        "date": values.get("first_ends") or "—",
    }


IP_FALLING = WarningRule(
    kind="ip_falling", label=_("Valid invention patents falling"), finder=ip_falling, describe=_inventions_fell
)
CORE_IP_LAPSED = WarningRule(
    kind="core_ip_lapsed", label=_("High-tech firm's core IP lapsed"), finder=core_ip_lapsed, describe=_core_ip_lapsed
)
PATENT_TERM_ENDING = WarningRule(
    kind="patent_term_ending",
    label=_("Patent nearing the end of its term"),
    finder=patent_term_ending,
    describe=_terms_ending,
)
IP_WARNING_RULES = (IP_FALLING, CORE_IP_LAPSED, PATENT_TERM_ENDING)
