"""The nightly warnings (DESIGN §4).

`warnings_from_run` runs every rule of the registry (`cultivation.warning_registry`: cultivation's own, ip's, the
officers') on a published run's firms and opens, carries forward and auto-resolves warnings, set-based: a few reads,
one bulk insert, bulk updates, whatever the number of firms. It knows no kind by name. Staff acknowledge or resolve a
warning through `cultivation.workflows.warning_transition`.
"""

import json
import logging

import pandas as pd
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cultivation.models import ACTIVE_WARNING_STATES, CultivationWarning, PlacementLog, WarningEvent, WarningState
from cultivation.warning_registry import WarningContext, warning_rules
from enterprises.models import LEFT_POOL_STATUSES, Enterprise
from rulesets import get_ruleset
from scoring.models import Portrait, ScoringRun

logger = logging.getLogger(__name__)

# The run's portraits, and the previous run's. Joined in pandas, not SQL: inside the publishing transaction the
# run's rows are not yet in the planner's statistics, and a join over them once chose a plan taking minutes at
# 200,000 firms. Two index range scans and a hash merge take well under a second. Parameter: run id.
WARNING_PORTRAITS_SQL = """
SELECT enterprise_id, tier, readiness, tag_mask, sme_eligible FROM {portrait} WHERE run_id = %s
"""
PREVIOUS_PORTRAITS_SQL = """
SELECT enterprise_id, tier AS prev_tier, readiness AS prev_readiness FROM {portrait} WHERE run_id = %s
"""

# Auto-resolution (open or acknowledged → auto_resolved) is the nightly run's, in bulk, never a staff move (staff's
# are cultivation.workflows.WARNING_TRANSITIONS).
AUTO_RESOLVABLE_STATES = ACTIVE_WARNING_STATES

# Bound on the number of ids in one IN (…) list (PostgreSQL allows 65,535 parameters a statement).
_ID_CHUNK = 10_000

WARNING_COLUMNS = ["enterprise_id", "kind", "severity", "rule", "values"]


def previous_run(run: ScoringRun) -> ScoringRun | None:
    """The run published (or placed) just before `run`: what readiness drops are measured against."""
    earlier = Q(run_date__lt=run.run_date) | Q(run_date=run.run_date, pk__lt=run.pk)
    return (
        ScoringRun.objects.filter(Q(status=ScoringRun.Status.PUBLISHED) | Q(placement_log__isnull=False))
        .filter(earlier)
        .exclude(pk=run.pk)
        .order_by("-run_date", "-pk")
        .first()
    )


def _run_portraits(*, run: ScoringRun, previous: ScoringRun | None) -> pd.DataFrame:
    """The run's portraits by firm, with the previous run's tier and readiness (NaN for a firm new to the run)."""
    with connection.cursor() as cursor:
        table = Portrait._meta.db_table
        cursor.execute(WARNING_PORTRAITS_SQL.format(portrait=table), [run.pk])
        columns = [column[0] for column in cursor.description]
        portraits = pd.DataFrame(cursor.fetchall(), columns=columns).set_index("enterprise_id")
        previous_rows = []
        if previous is not None:
            cursor.execute(PREVIOUS_PORTRAITS_SQL.format(portrait=table), [previous.pk])
            previous_rows = cursor.fetchall()
        before = pd.DataFrame(previous_rows, columns=["enterprise_id", "prev_tier", "prev_readiness"])
        return portraits.join(before.set_index("enterprise_id"), how="left")


def _frame(rows, kind: str) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=WARNING_COLUMNS)
    frame["kind"] = kind
    return frame


def find_warnings(*, run: ScoringRun, previous: ScoringRun | None) -> tuple[pd.DataFrame, set[int]]:
    """Every registered rule's condition holding for the firms of `run`: one row per (firm, kind), rules in the
    order registered; and the firms of the run (only their warnings can be found cleared)."""
    portraits = _run_portraits(run=run, previous=previous)
    if portraits.empty:
        return pd.DataFrame(columns=WARNING_COLUMNS), set()
    context = WarningContext(run=run, previous=previous, ruleset=get_ruleset(run.ruleset_year), portraits=portraits)
    found = [_frame(rule.finder(context), rule.kind) for rule in warning_rules()]
    frame = pd.concat(found, ignore_index=True) if found else pd.DataFrame(columns=WARNING_COLUMNS)
    # A firm closed or moved out raises nothing: its live warnings of auto-resolving kinds resolve (one query).
    left = list(
        Enterprise.objects.filter(registration_status__in=LEFT_POOL_STATUSES, portraits__run=run)
        .order_by()
        .values_list("pk", flat=True)
    )
    if left and not frame.empty:
        frame = frame[~frame["enterprise_id"].isin(left)]
    return frame, set(portraits.index.tolist())


# Parameters: run id, a JSON list of {"id", "severity", "values"}.
CARRY_FORWARD_SQL_POSTGRESQL = """
UPDATE {warning} AS w SET last_seen_run_id = %s, severity = f.severity, "values" = f."values"
FROM jsonb_to_recordset(%s::jsonb) AS f(id bigint, severity text, "values" jsonb)
WHERE w.id = f.id
"""


def _carry_forward(*, run: ScoringRun, continued: list[int], changed: list[CultivationWarning]) -> None:
    """Mark the continuing warnings seen by `run`, with their new values where these changed (an expiring
    certificate's days left change every night). One statement on PostgreSQL; chunked updates elsewhere."""
    if connection.vendor == "postgresql":
        values = {warning.id: warning for warning in changed}
        rows = [
            {"id": pk, "severity": values[pk].severity, "values": values[pk].values} for pk in continued if pk in values
        ]
        unchanged = [pk for pk in continued if pk not in values]
        if rows:
            with connection.cursor() as cursor:
                cursor.execute(
                    CARRY_FORWARD_SQL_POSTGRESQL.format(warning=CultivationWarning._meta.db_table),
                    [run.pk, json.dumps(rows)],
                )
    else:
        unchanged = continued
        CultivationWarning.objects.bulk_update(changed, ["severity", "values"], batch_size=1000)
        CultivationWarning.objects.filter(pk__in=[warning.id for warning in changed]).update(last_seen_run=run)
    for start in range(0, len(unchanged), _ID_CHUNK):
        CultivationWarning.objects.filter(pk__in=unchanged[start : start + _ID_CHUNK]).update(last_seen_run=run)


def warnings_from_run(*, run: ScoringRun) -> dict[str, int]:
    """Open, carry forward and auto-resolve the warnings of `run`'s firms, set-based: a few reads, one bulk insert,
    bulk updates. Called by `scoring.services.publish_run` right after placement, in its transaction.

    Idempotent per run: a second call finds each condition's warning already live (or resolved by staff while the
    condition held) and writes no new one. A run older than a placed one is ignored, as placement ignores it. A
    warning staff resolved is not raised again while its condition holds without a break (its `last_seen_run` keeps
    following); once the condition clears and comes back, a new warning opens."""
    summary = {"opened": 0, "continued": 0, "auto_resolved": 0}
    with transaction.atomic():
        if PlacementLog.objects.filter(run__run_date__gt=run.run_date).exists():
            return summary
        previous = previous_run(run)
        found, run_firms = find_warnings(run=run, previous=previous)
        seen_runs = [run.pk] + ([previous.pk] if previous else [])
        tracked = list(
            CultivationWarning.objects.filter(
                Q(state__in=ACTIVE_WARNING_STATES) | Q(state=WarningState.RESOLVED, last_seen_run_id__in=seen_runs)
            )
            .order_by("id")
            .values("id", "enterprise_id", "kind", "state", "severity", "values")
        )
        # One tracked warning per (firm, kind): the live one, else the newest resolved one.
        by_key: dict[tuple[int, str], dict] = {}
        for row in tracked:
            key = (row["enterprise_id"], row["kind"])
            current = by_key.get(key)
            if current is None or current["state"] not in ACTIVE_WARNING_STATES:
                by_key[key] = row
        now = timezone.now()
        new, continued, changed = [], [], []
        found_keys = set()
        for row in found.itertuples(index=False):
            key = (int(row.enterprise_id), row.kind)
            found_keys.add(key)
            existing = by_key.get(key)
            if existing is None:
                new.append(
                    CultivationWarning(
                        enterprise_id=key[0], kind=row.kind, severity=row.severity, rule=row.rule, values=row.values,
                        state=WarningState.OPEN, first_seen_run=run, last_seen_run=run, opened_at=now,
                    )
                )  # fmt: skip
                continue
            continued.append(existing["id"])
            if existing["severity"] != row.severity or existing["values"] != row.values:
                changed.append(CultivationWarning(id=existing["id"], severity=row.severity, values=row.values))
        CultivationWarning.objects.bulk_create(new, batch_size=2000)
        _carry_forward(run=run, continued=continued, changed=changed)
        # Cleared: of a rule that auto-resolves, live, not found again, and the firm was scored in this run (a firm
        # the run did not score keeps its warnings until a run says otherwise; so does a kind no rule looks for).
        auto_resolving = {rule.kind for rule in warning_rules() if rule.auto_resolves}
        cleared = [
            row
            for key, row in by_key.items()
            if key not in found_keys
            and key[1] in auto_resolving
            and row["state"] in AUTO_RESOLVABLE_STATES
            and key[0] in run_firms
        ]
        for start in range(0, len(cleared), _ID_CHUNK):
            ids = [row["id"] for row in cleared[start : start + _ID_CHUNK]]
            CultivationWarning.objects.filter(pk__in=ids, state__in=AUTO_RESOLVABLE_STATES).update(
                state=WarningState.AUTO_RESOLVED, auto_resolved_at=now, auto_resolved_run=run
            )
        WarningEvent.objects.bulk_create(
            (
                WarningEvent(
                    warning_id=row["id"],
                    enterprise_id=row["enterprise_id"],
                    from_state=row["state"],
                    to_state=WarningState.AUTO_RESOLVED,
                    run=run,
                    at=now,
                )
                for row in cleared
            ),
            batch_size=2000,
        )
        summary = {"opened": len(new), "continued": len(continued), "auto_resolved": len(cleared)}
    logger.info("Run %s warnings: %s", run.pk, summary)
    return summary
