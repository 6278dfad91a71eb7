"""Matching every active policy against every firm, set-based: one frame, numpy comparisons, only the changes
written.

The matching frame has one row per firm of a published run: the portrait's columns (tier, verdicts, scores) beside
quantities derived from the scoring frame itself (scoring.frames.load_frame: the very inputs the rules scored,
money in exact cents) with scoring.rules' own helpers, so a condition says the same thing as the rule it names.
(Aggregating the inputs in SQL instead was tried: no faster at 200,000 firms, and a second copy of the frame's
rules of which years count.) Matches follow the nightly run (scoring.services.publish_run calls `match_from_run`
inside its publishing transaction), and one policy when staff save it (`match_policy`, a task after commit).
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
from policies.conditions import MEETS, evaluate
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
MATCH_COLUMNS = ("policy_id", "enterprise_id", "county_id", "status", "missing_index", "missing_field",
                 "missing_actual")  # fmt: skip
KEY_COLUMNS = ("policy_id", "enterprise_id")
VALUE_COLUMNS = ("county_id", "status", "missing_index", "missing_field", "missing_actual")


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


def match_rows(frame: pd.DataFrame, policy_id: int, conditions: list[dict]) -> pd.DataFrame:
    """The PolicyMatch rows of one policy: its meets and nearly-meets, vectorised."""
    result = evaluate(frame, conditions)
    keep = result.status > 0
    index = result.missing_index[keep]
    fields = np.array([c["field"] for c in conditions] + [""], dtype=object)
    return pd.DataFrame(
        {
            "policy_id": policy_id,
            "enterprise_id": frame.index.to_numpy()[keep],
            "county_id": frame["county_id"].to_numpy()[keep],
            "status": np.where(result.status[keep] == MEETS, MatchStatus.MEETS.value, MatchStatus.NEARLY.value),
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
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    load_s: float = 0.0
    evaluate_s: float = 0.0
    write_s: float = 0.0


def compute(frame: pd.DataFrame, policies: list[Policy]) -> pd.DataFrame:
    parts = [match_rows(frame, policy.pk, policy.conditions or []) for policy in policies]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return pd.DataFrame(columns=list(MATCH_COLUMNS))
    return pd.concat(parts, ignore_index=True)


# ---------------------------------------------------------------------------------------------------------------
# Writing: only what changed since the previous matching


def existing_matches(policy_ids: list[int]) -> pd.DataFrame:
    ids = ", ".join(str(int(pk)) for pk in policy_ids)
    query = f"SELECT id, {', '.join(MATCH_COLUMNS)} FROM {PolicyMatch._meta.db_table} WHERE policy_id IN ({ids})"
    old = _read(query, ["id", *MATCH_COLUMNS])
    old["missing_field"] = old["missing_field"].astype("string").fillna("").astype(str)
    return old.astype({"id": "int64", "policy_id": "int64", "enterprise_id": "int64", "county_id": "int64"})


def _same(new: pd.Series, old: pd.Series, *, numeric: bool = False) -> np.ndarray:
    if numeric:
        a, b = new.astype(float).to_numpy(), old.astype(float).to_numpy()
        return (a == b) | (np.isnan(a) & np.isnan(b))
    return new.astype(str).to_numpy() == old.astype(str).to_numpy()


def diff(new: pd.DataFrame, old: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """(rows to insert, rows to update with their id, ids to delete), compared on (policy, firm)."""
    new = new.astype({"policy_id": "int64", "enterprise_id": "int64"})
    merged = new.merge(old, on=list(KEY_COLUMNS), how="outer", suffixes=("", "_old"), indicator=True)
    side = merged["_merge"].to_numpy()
    inserts = merged.loc[side == "left_only", list(MATCH_COLUMNS)]
    deletes = merged.loc[side == "right_only", "id"].astype("int64").tolist()
    both = merged.loc[side == "both"]
    same = np.ones(len(both), dtype=bool)
    for column in VALUE_COLUMNS:
        numeric = column in ("county_id", "missing_index", "missing_actual")
        same &= _same(both[column], both[f"{column}_old"], numeric=numeric)
    updates = both.loc[~same, ["id", *VALUE_COLUMNS]]
    casts = {"county_id": "int64", "missing_index": "Int64"}
    return inserts.astype(casts), updates.astype({"id": "int64", **casts}), deletes


def _copy_in(table: str, rows: pd.DataFrame) -> None:
    buffer = io.StringIO()
    rows.to_csv(buffer, header=False, index=False)
    statement = f"COPY {table} ({', '.join(rows.columns)}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (missing_field))"
    with connection.cursor() as cursor, cursor.copy(statement) as copy:
        copy.write(buffer.getvalue())


def sync_matches(rows: pd.DataFrame, policy_ids: list[int]) -> tuple[int, int, int]:
    """Make the stored matches of `policy_ids` equal `rows`, inside the caller's transaction; returns (inserted,
    updated, deleted). PostgreSQL: COPY and one statement per kind of change. Elsewhere (the embedded demo):
    delete and bulk insert."""
    if not policy_ids:
        return 0, 0, 0
    rows = rows[list(MATCH_COLUMNS)]
    if connection.vendor != "postgresql":
        deleted, _ = PolicyMatch.objects.filter(policy_id__in=policy_ids).delete()
        records = rows.astype(object).where(rows.notna(), None).to_dict(orient="records")
        PolicyMatch.objects.bulk_create((PolicyMatch(**record) for record in records), batch_size=2000)
        return len(records), 0, deleted
    inserts, updates, deletes = diff(rows, existing_matches(policy_ids))
    table = PolicyMatch._meta.db_table
    with connection.cursor() as cursor:
        if deletes:
            cursor.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [deletes])
        if len(updates):
            cursor.execute("DROP TABLE IF EXISTS policy_match_changes")
            cursor.execute(
                "CREATE TEMPORARY TABLE policy_match_changes (id bigint PRIMARY KEY, county_id bigint, "
                "status varchar(6), missing_index smallint, missing_field varchar(40), "
                "missing_actual double precision) ON COMMIT DROP"
            )
            _copy_in("policy_match_changes", updates)
            assignments = ", ".join(f"{column} = c.{column}" for column in VALUE_COLUMNS)
            cursor.execute(f"UPDATE {table} m SET {assignments} FROM policy_match_changes c WHERE m.id = c.id")
    if len(inserts):
        _copy_in(table, inserts)
    return len(inserts), len(updates), len(deletes)


def _rematch(*, run: ScoringRun, policies: list[Policy], frame: pd.DataFrame | None = None) -> MatchOutcome:
    """Replace the matches of `policies` (rows locked by the caller) with those of `run`."""
    outcome = MatchOutcome(policies=len(policies))
    if not policies:
        return outcome
    started = time.perf_counter()
    if frame is None:
        frame = matching_frame(run)
    outcome.firms = len(frame)
    loaded = time.perf_counter()
    rows = compute(frame, policies) if len(frame) else pd.DataFrame(columns=list(MATCH_COLUMNS))
    evaluated = time.perf_counter()
    ids = [policy.pk for policy in policies]
    outcome.inserted, outcome.updated, outcome.deleted = sync_matches(rows, ids)
    Policy.objects.filter(pk__in=ids).update(matched_at=timezone.now(), matched_run=run)
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
        PolicyMatch.objects.filter(policy_id__in=[p.pk for p in policies if not p.active]).delete()
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
