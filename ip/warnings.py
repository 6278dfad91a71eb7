"""Warnings from the patent register, for cultivation.services.find_warnings: set-based, a few queries per run.

- ip_falling: a firm's valid invention patents fell (lapsed, invalidated or transferred out within the rule set's
  window), the patents named. For a firm with a register this replaces the indicators' year-on-year comparison.
- core_ip_lapsed: a certified high-tech firm lost Class I or II rights in the window (HIGH when it no longer meets
  the core-IP condition: a risk to its certificate).
- patent_term_ending: valid held patents whose statutory term ends within the rule set's days.
"""

import datetime

import pandas as pd
from django.db.models import Count, Q

from ip.evaluation import term_end
from ip.models import CLASS1_KINDS, CLASS2_KINDS, PATENT_KINDS, IpKind, LegalStatus, Patent
from rulesets import RuleSet

WARNING_COLUMNS = ["enterprise_id", "kind", "severity", "rule", "values"]
LOST_STATUSES = (LegalStatus.LAPSED, LegalStatus.INVALIDATED)
IP_KINDS = (*CLASS1_KINDS, *CLASS2_KINDS)


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


def patent_warnings(
    *, on: datetime.date, ruleset: RuleSet, firms: pd.Index, certified: set[int]
) -> tuple[pd.DataFrame, set[int]]:
    """The register's warnings for the run's `firms`, and the set of those firms that keep a register (the
    indicators' patent warning does not apply to them)."""
    from cultivation.models import WarningKind, WarningSeverity

    rules, named = ruleset.patent_warnings, ruleset.patent_warnings.named_max
    counts = register_counts(on=on)
    counts = counts[counts.index.isin(firms)]
    register_firms = set(counts.index.tolist())
    found = []

    lost = losses(on=on, ruleset=ruleset)
    lost = lost[lost["enterprise_id"].isin(register_firms)]
    shown = ["number", "title", "reason", "on", "transferred_to"]
    min_class1, min_class2 = ruleset.high_tech.min_class1_ip, ruleset.high_tech.min_class2_ip
    inventions = lost[lost["kind"] == IpKind.INVENTION]
    for firm, rows in inventions.groupby("enterprise_id"):
        if len(rows) < ruleset.warnings.ip_falling_min:
            continue
        now = int(counts.at[firm, "inventions"])
        previous = now + len(rows)
        found.append(
            {"enterprise_id": int(firm), "kind": WarningKind.IP_FALLING,
             "severity": WarningSeverity.HIGH if now < min_class1 <= previous else WarningSeverity.MEDIUM,
             "rule": "patent_warnings.loss_window_days",
             "values": {"value": now, "threshold": ruleset.warnings.ip_falling_min, "previous": previous,
                        "source": "register", "window_days": rules.loss_window_days,
                        "patents": _named(rows[shown], named)}}
        )  # fmt: skip

    core = lost[lost["enterprise_id"].isin(certified)]
    for firm, rows in core.groupby("enterprise_id"):
        class1, class2 = int(counts.at[firm, "class1"]), int(counts.at[firm, "class2"])
        meets = class1 >= min_class1 or class2 >= min_class2
        if meets and not rows["kind"].isin(CLASS1_KINDS).any():
            continue  # a Class II right lost while the firm still meets the condition is no risk
        found.append(
            {"enterprise_id": int(firm), "kind": WarningKind.CORE_IP_LAPSED,
             "severity": WarningSeverity.MEDIUM if meets else WarningSeverity.HIGH,
             "rule": "high_tech.min_class1_ip",
             "values": {"value": [class1, class2], "threshold": [min_class1, min_class2], "previous": None,
                        "patents": _named(rows[shown], named)}}
        )  # fmt: skip

    found.extend(_term_ending(on=on, ruleset=ruleset, firms=register_firms))
    frame = pd.DataFrame(found, columns=WARNING_COLUMNS)
    return frame, register_firms


def _term_ending(*, on: datetime.date, ruleset: RuleSet, firms: set[int]) -> list[dict]:
    from cultivation.models import WarningKind, WarningSeverity

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
            {"enterprise_id": int(firm), "kind": WarningKind.PATENT_TERM_ENDING, "severity": severity,
             "rule": "patent_warnings.term_ending_days",
             "values": {"value": len(rows), "threshold": rules.term_ending_days, "previous": None,
                        "first_ends": named["ends"].min().isoformat(), "patents": _named(named, rules.named_max)}}
        )  # fmt: skip
    return found
