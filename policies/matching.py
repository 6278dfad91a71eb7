"""Matching every active policy against every firm, set-based: one frame, numpy comparisons, one COPY.

The matching frame has one row per firm of a published run: the portrait's columns (tier, verdicts, scores) beside
the latest-year quantities of the scoring frame (scoring.frames.load_frame, the very frame the rules scored),
derived with scoring.rules' own helpers, so a condition says the same thing as the rule it names. Matches are
rewritten with the nightly run (scoring.services.publish_run calls `match_from_run` inside its publishing
transaction) and for one policy when staff save it (`match_policy`, a task after commit).
"""

import datetime
import io
import logging
import time
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from enterprises.models import County
from policies.conditions import MEETS, NEARLY, evaluate
from policies.models import MatchStatus, Policy, PolicyMatch
from scoring import rules
from scoring.frames import _read, load_frame
from scoring.models import Portrait, ScoringRun

logger = logging.getLogger(__name__)

PORTRAIT_COLUMNS = ("enterprise_id", "county_id", "industry_division", "tier", "readiness", "sme_score",
                    "sme_eligible", "sme_passes", "capability_estimate", "conditions_met", "innovative_sme_score",
                    "gazelle_candidate", "srdi_candidate", "size_class", "above_scale", "innovative",
                    "revenue_growth")  # fmt: skip
BOOLEAN_COLUMNS = ("sme_eligible", "sme_passes", "gazelle_candidate", "srdi_candidate", "above_scale", "innovative")
STATUS_CODES = {MEETS: MatchStatus.MEETS.value, NEARLY: MatchStatus.NEARLY.value}
MATCH_COLUMNS = ("run_id", "policy_id", "enterprise_id", "county_id", "status", "missing_index", "missing_field",
                 "missing_actual")  # fmt: skip


def _portrait_sql() -> str:
    return f"SELECT {', '.join(PORTRAIT_COLUMNS)} FROM {Portrait._meta.db_table} WHERE run_id = {{run}}"


def portrait_frame(run: ScoringRun) -> pd.DataFrame:
    """The run's portrait columns, one row per firm (COPY on PostgreSQL, through scoring.frames' reader)."""
    frame = _read(_portrait_sql(), list(PORTRAIT_COLUMNS), run=run.pk)
    for column in BOOLEAN_COLUMNS:
        # COPY's csv writes booleans as t/f; a cursor returns bools.
        frame[column] = frame[column].isin([True, "t", "true", "True"])
    frame["industry_division"] = frame["industry_division"].astype("string").fillna("").astype(str)
    frame["size_class"] = frame["size_class"].astype("string").fillna("").astype(str)
    return frame.astype({"enterprise_id": "int64", "county_id": "int64"}).set_index("enterprise_id")


def quantities(inputs: pd.DataFrame, on: datetime.date) -> pd.DataFrame:
    """The condition vocabulary's figures from the scoring frame: latest year, in the rules' units (money in cents)."""
    names = ("revenue", "total_assets", "rd_expense", "employees", "st_personnel", "high_tech_revenue",
             "invention_patents")  # fmt: skip
    latest = {name: inputs[f"{name}_3"] for name in names}
    class1, class2 = rules.ip_counts(inputs)
    founded = inputs["founded_on"]
    before_anniversary = (founded.dt.month * 100 + founded.dt.day) > (on.month * 100 + on.day)
    years = on.year - founded.dt.year - before_anniversary.astype(float)
    three_years = {name: inputs[[f"{name}_{y}" for y in (1, 2, 3)]].sum(axis=1, min_count=1)
                   for name in ("rd_expense", "revenue")}  # fmt: skip
    return pd.DataFrame(
        {
            "q_tech_sme": inputs["q_tech_sme"],
            "q_high_tech": inputs["q_high_tech"],
            "q_gazelle": inputs["q_gazelle"],
            "q_srdi": inputs["q_srdi_provincial"] | inputs["q_srdi_national"],
            "q_rd_platform": inputs["q_rd_platform"],
            "high_tech_field": inputs["high_tech_field"],
            "revenue": latest["revenue"],
            "total_assets": latest["total_assets"],
            "rd_expense": latest["rd_expense"],
            "employees": latest["employees"],
            "rd_ratio": rules.ratio(latest["rd_expense"], latest["revenue"]),
            "rd_ratio_3y": rules.ratio(three_years["rd_expense"], three_years["revenue"]),
            "st_ratio": rules.ratio(latest["st_personnel"], latest["employees"]),
            "high_tech_share": rules.ratio(latest["high_tech_revenue"], latest["revenue"]),
            "invention_patents": latest["invention_patents"],
            "class1_ip": class1,
            "class2_ip": class2,
            "years_since_founded": years.where(founded.notna()),
        },
        index=inputs.index,
    )


def matching_frame(run: ScoringRun) -> pd.DataFrame:
    """One row per firm scored by `run`: portrait columns, county codes and the quantities (a handful of queries)."""
    portraits = portrait_frame(run)
    if portraits.empty:
        return portraits
    codes = dict(County.objects.values_list("pk", "code"))
    portraits["county"] = portraits["county_id"].map(codes)
    inputs = load_frame(first_id=int(portraits.index.min()), last_id=int(portraits.index.max()), on=run.run_date)
    return portraits.join(quantities(inputs, run.run_date), how="left")


def match_rows(frame: pd.DataFrame, policy_id: int, conditions: list[dict], run_id: int) -> pd.DataFrame:
    """The PolicyMatch rows of one policy: its meets and nearly-meets, vectorised."""
    result = evaluate(frame, conditions)
    keep = result.status > 0
    index = result.missing_index[keep]
    fields = np.array([c["field"] for c in conditions] + [""], dtype=object)
    return pd.DataFrame(
        {
            "run_id": run_id,
            "policy_id": policy_id,
            "enterprise_id": frame.index.to_numpy()[keep],
            "county_id": frame["county_id"].to_numpy()[keep],
            "status": pd.Series(result.status[keep]).map(STATUS_CODES).to_numpy(),
            "missing_index": pd.Series(index, dtype="Int64").mask(index < 0).array,
            "missing_field": fields[index],  # -1 picks the trailing ""
            "missing_actual": result.missing_actual[keep],
        }
    )


@dataclass
class MatchOutcome:
    policies: int = 0
    firms: int = 0
    meets: int = 0
    nearly: int = 0
    load_s: float = 0.0
    evaluate_s: float = 0.0
    write_s: float = 0.0


def compute(frame: pd.DataFrame, policies: list[Policy], run_id: int) -> pd.DataFrame:
    parts = [match_rows(frame, policy.pk, policy.conditions or [], run_id) for policy in policies]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return pd.DataFrame(columns=list(MATCH_COLUMNS))
    return pd.concat(parts, ignore_index=True)


def write_matches(rows: pd.DataFrame) -> None:
    """Insert the rows: COPY on PostgreSQL, bulk_create elsewhere. Runs inside the caller's transaction."""
    if rows.empty:
        return
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        rows[list(MATCH_COLUMNS)].to_csv(buffer, header=False, index=False)
        statement = (
            f"COPY {PolicyMatch._meta.db_table} ({', '.join(MATCH_COLUMNS)}) FROM STDIN "
            "WITH (FORMAT csv, FORCE_NOT_NULL (missing_field))"
        )
        with connection.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(buffer.getvalue())
        return
    records = rows[list(MATCH_COLUMNS)].astype(object).where(rows.notna(), None).to_dict(orient="records")
    PolicyMatch.objects.bulk_create((PolicyMatch(**record) for record in records), batch_size=2000)


def _rematch(*, run: ScoringRun, policies: list[Policy], frame: pd.DataFrame | None = None) -> MatchOutcome:
    """Replace the matches of `policies` (rows locked by the caller) with those of `run`."""
    outcome = MatchOutcome(policies=len(policies))
    started = time.perf_counter()
    if frame is None:
        frame = matching_frame(run)
    outcome.firms = len(frame)
    loaded = time.perf_counter()
    rows = compute(frame, policies, run.pk) if len(frame) else pd.DataFrame(columns=list(MATCH_COLUMNS))
    evaluated = time.perf_counter()
    PolicyMatch.objects.filter(policy__in=[policy.pk for policy in policies]).delete()
    write_matches(rows)
    Policy.objects.filter(pk__in=[policy.pk for policy in policies]).update(matched_at=timezone.now(), matched_run=run)
    outcome.write_s = time.perf_counter() - evaluated
    outcome.load_s, outcome.evaluate_s = loaded - started, evaluated - loaded
    counts = rows["status"].value_counts() if len(rows) else {}
    outcome.meets = int(counts.get(MatchStatus.MEETS, 0))
    outcome.nearly = int(counts.get(MatchStatus.NEARLY, 0))
    return outcome


def match_from_run(*, run: ScoringRun) -> MatchOutcome:
    """Every active policy against `run` (called by publish_run inside its transaction). Matches of inactive
    policies are dropped. The policy rows are locked so that a concurrent single-policy rematch waits."""
    with transaction.atomic():
        policies = list(Policy.objects.select_for_update().order_by("pk"))
        active = [policy for policy in policies if policy.active]
        PolicyMatch.objects.filter(policy__active=False).delete()
        outcome = _rematch(run=run, policies=active)
    logger.info("Policies matched against run %s: %s", run.pk, outcome)
    return outcome


def match_policy(*, policy_id: int) -> MatchOutcome | None:
    """One policy against the newest published run (after staff save it). Idempotent."""
    from scoring.selectors import current_run

    run = current_run()
    with transaction.atomic():
        policy = Policy.objects.select_for_update().filter(pk=policy_id).first()
        if policy is None:
            return None
        if run is None or not policy.active:
            PolicyMatch.objects.filter(policy=policy).delete()
            return MatchOutcome()
        return _rematch(run=run, policies=[policy])
