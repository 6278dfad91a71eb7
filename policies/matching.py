"""Matching every active policy against every firm, set-based: one frame, numpy comparisons, only the changes
written.

The matching frame has one row per firm of a published run: the portrait's columns (tier, verdicts, scores) beside
quantities derived from the scoring frame itself (scoring.frames.load_frame: the very inputs the rules scored,
money in exact cents) with scoring.rules' own helpers, so a condition says the same thing as the rule it names.
(Aggregating the inputs in SQL instead was tried: no faster at 200,000 firms, and a second copy of the frame's
rules of which years count.) Only the columns that the policies' conditions use are read: the registry's
indicators are most of the reading, and few conditions need more than a handful of them. Matches follow the
nightly run (`match_from_run` is a step of its publication, inside the publishing transaction: pipeline/nightly.py),
and one policy when staff save it (`match_policy`, a task after commit).

Writing (PostgreSQL): binary COPY (core.bulk). When the table is empty (the first matching, or after a reset)
a large load goes into it with its indexes built afterwards; otherwise only the differences from the stored
matches are written, so that an unchanged match is not rewritten every night.
"""

import datetime
import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.utils import timezone

from core import bulk
from enterprises.models import County
from policies.conditions import FIELDS, NEARLY, evaluate
from policies.models import MatchStatus, Policy, PolicyMatch
from scoring import rules
from scoring.frames import _read, load_frame
from scoring.models import Portrait, ScoringRun

logger = logging.getLogger(__name__)

PORTRAIT_COLUMNS = ("enterprise_id", "county_id", "industry_division", "tier", "readiness", "sme_score",
                    "sme_eligible", "sme_passes", "capability_estimate", "conditions_met", "innovative_sme_score",
                    "innovative_sme_passes", "gazelle_candidate", "srdi_candidate", "size_class", "above_scale",
                    "innovative", "revenue_growth")  # fmt: skip
BOOLEAN_COLUMNS = (
    "sme_eligible",
    "sme_passes",
    "innovative_sme_passes",
    "gazelle_candidate",
    "srdi_candidate",
    "above_scale",
    "innovative",
)
STRING_COLUMNS = ("industry_division", "size_class")
MATCH_COLUMNS = ("policy_id", "enterprise_id", "county_id", "status", "missing_index", "missing_field",
                 "missing_actual")  # fmt: skip
KEY_COLUMNS = ("policy_id", "enterprise_id")
VALUE_COLUMNS = ("county_id", "status", "missing_index", "missing_field", "missing_actual")
# The rows' text columns as Categoricals of fixed categories, so that codes compare across nights and the binary
# COPY writes each text once per group. A stored field that is no longer in the registry has no code: it differs.
STATUSES = (MatchStatus.MEETS.value, MatchStatus.NEARLY.value)
MISSING_FIELDS = ("", *FIELDS)
COPY_COLUMNS = [
    bulk.Column("policy_id", bulk.INT8),
    bulk.Column("enterprise_id", bulk.INT8),
    bulk.Column("county_id", bulk.INT8),
    bulk.Column("status", bulk.TEXT),
    bulk.Column("missing_index", bulk.INT2),
    bulk.Column("missing_field", bulk.TEXT),
    bulk.Column("missing_actual", bulk.FLOAT8),
]
UPDATE_COLUMNS = [bulk.Column("id", bulk.INT8), *(c for c in COPY_COLUMNS if c.name in VALUE_COLUMNS)]
# Below this many rows an empty table is filled with its indexes in place: rebuilding them would not pay for
# taking the table (ACCESS EXCLUSIVE) from its readers until the publishing transaction commits.
BULK_LOAD_MIN_ROWS = 20_000


# ---------------------------------------------------------------------------------------------------------------
# The frame


def _portrait_sql(columns: Iterable[str]) -> str:
    return f"SELECT {', '.join(columns)} FROM {Portrait._meta.db_table} WHERE run_id = {{run}}"


def portrait_frame(run: ScoringRun, columns: Iterable[str] = PORTRAIT_COLUMNS) -> pd.DataFrame:
    """The run's portrait `columns` (always with the firm and its county), one row per firm (COPY on PostgreSQL,
    through scoring.frames' reader)."""
    wanted = set(columns) | {"enterprise_id", "county_id"}
    names = [name for name in PORTRAIT_COLUMNS if name in wanted]
    frame = _read(_portrait_sql(names), names, run=run.pk)
    for column in BOOLEAN_COLUMNS:
        if column in frame:
            # COPY's csv writes booleans as t/f; a cursor returns bools.
            frame[column] = frame[column].isin([True, "t", "true", "True"])
    for column in STRING_COLUMNS:
        if column in frame:
            frame[column] = frame[column].astype("string").fillna("").astype(str)
    return frame.astype({"enterprise_id": "int64", "county_id": "int64"}).set_index("enterprise_id")


@dataclass(frozen=True)
class Quantity:
    """A frame column derived from the scoring frame: the indicator fields it needs, how (inputs, run date), and
    whether the latest year is all it reads of them."""

    fields: tuple[str, ...]
    derive: Callable[[pd.DataFrame, datetime.date], pd.Series]
    latest_only: bool = True


def _latest(name: str) -> Quantity:
    return Quantity((name,), lambda inputs, on: inputs[f"{name}_3"])


def _latest_ratio(numerator: str, denominator: str) -> Quantity:
    return Quantity(
        (numerator, denominator), lambda inputs, on: rules.ratio(inputs[f"{numerator}_3"], inputs[f"{denominator}_3"])
    )


def _flag(column: str) -> Quantity:
    return Quantity((), lambda inputs, on: inputs[column])


def _rd_ratio_3y(inputs: pd.DataFrame, on: datetime.date) -> pd.Series:
    rd, revenue = (inputs[[f"{name}_{y}" for y in (1, 2, 3)]].sum(axis=1, min_count=1)
                   for name in ("rd_expense", "revenue"))  # fmt: skip
    return rules.ratio(rd, revenue)


def _years_since_founded(inputs: pd.DataFrame, on: datetime.date) -> pd.Series:
    # The one definition of "N years since" (core.dates), as every scoring rule counts it.
    return rules.full_years_since(inputs["founded_on"], on)


# The condition vocabulary's figures from the scoring frame: latest year, in the rules' units (money in cents).
QUANTITIES: dict[str, Quantity] = {
    "q_tech_sme": _flag("q_tech_sme"),
    "q_high_tech": _flag("q_high_tech"),
    "q_gazelle": _flag("q_gazelle"),
    "q_srdi": Quantity((), lambda inputs, on: inputs["q_srdi_provincial"] | inputs["q_srdi_national"]),
    "q_rd_platform": _flag("q_rd_platform"),
    "high_tech_field": _flag("high_tech_field"),
    "revenue": _latest("revenue"),
    "total_assets": _latest("total_assets"),
    "rd_expense": _latest("rd_expense"),
    "employees": _latest("employees"),
    "rd_ratio": _latest_ratio("rd_expense", "revenue"),
    "rd_ratio_3y": Quantity(("rd_expense", "revenue"), _rd_ratio_3y, latest_only=False),
    "st_ratio": _latest_ratio("st_personnel", "employees"),
    "high_tech_share": _latest_ratio("high_tech_revenue", "revenue"),
    "invention_patents": _latest("invention_patents"),
    "class1_ip": Quantity(rules.IP_CLASS1_FIELDS, lambda inputs, on: rules.ip_count(inputs, 1)),
    "class2_ip": Quantity(rules.IP_CLASS2_FIELDS, lambda inputs, on: rules.ip_count(inputs, 2)),
    "years_since_founded": Quantity((), _years_since_founded),
}
FRAME_COLUMNS = (*PORTRAIT_COLUMNS[1:], "county", *QUANTITIES)


def quantities(inputs: pd.DataFrame, on: datetime.date, columns: Iterable[str] = tuple(QUANTITIES)) -> pd.DataFrame:
    """The derived `columns` (QUANTITIES) of a scoring frame."""
    return pd.DataFrame({name: QUANTITIES[name].derive(inputs, on) for name in columns}, index=inputs.index)


def frame_columns(policies: Iterable[Policy]) -> set[str]:
    """The frame columns that the policies' conditions read."""
    return {FIELDS[condition["field"]].column for policy in policies for condition in policy.conditions or []}


def matching_frame(run: ScoringRun, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per firm scored by `run`, with `county_id` and the frame `columns` (default: every column of the
    condition vocabulary): portrait columns, county codes and the quantities, in a handful of queries; the registry
    is read only for the quantities asked: the indicator fields they derive from, of the latest year alone unless a
    quantity spans three."""
    wanted = set(FRAME_COLUMNS if columns is None else columns)
    unknown = wanted - set(FRAME_COLUMNS)
    if unknown:
        raise ValueError(f"unknown frame columns {sorted(unknown)}")
    portraits = portrait_frame(run, wanted & set(PORTRAIT_COLUMNS))
    if portraits.empty:
        return portraits
    if "county" in wanted:
        codes = dict(County.objects.values_list("pk", "code"))
        portraits["county"] = portraits["county_id"].map(codes)
    derived = [name for name in QUANTITIES if name in wanted]
    if not derived:
        return portraits
    inputs = load_frame(
        first_id=int(portraits.index.min()),
        last_id=int(portraits.index.max()),
        on=run.run_date,
        fields=tuple({field for name in derived for field in QUANTITIES[name].fields}),
        latest_only=all(QUANTITIES[name].latest_only for name in derived),
    )
    return portraits.join(quantities(inputs, run.run_date, derived), how="left")


# ---------------------------------------------------------------------------------------------------------------
# Evaluating


def rows_frame(
    policy_id, enterprise_id, county_id, status_code, missing_index, field_code, missing_actual
) -> pd.DataFrame:
    """Match rows from arrays: status and missing field as codes into STATUSES and MISSING_FIELDS, missing_index
    -1 for none, missing_actual NaN for none."""
    return pd.DataFrame(
        {
            "policy_id": np.asarray(policy_id, dtype=np.int64),
            "enterprise_id": np.asarray(enterprise_id, dtype=np.int64),
            "county_id": np.asarray(county_id, dtype=np.int64),
            "status": pd.Categorical.from_codes(np.asarray(status_code, dtype=np.int8), categories=STATUSES),
            "missing_index": pd.arrays.IntegerArray(
                np.asarray(missing_index, dtype=np.int16), np.asarray(missing_index) < 0
            ),
            "missing_field": pd.Categorical.from_codes(np.asarray(field_code, dtype=np.int16), MISSING_FIELDS),
            "missing_actual": np.asarray(missing_actual, dtype=np.float64),
        },
        copy=False,  # fresh arrays: no need to copy them into consolidated blocks
    )


def empty_rows() -> pd.DataFrame:
    return rows_frame(*([],) * len(MATCH_COLUMNS))


def compute(frame: pd.DataFrame, policies: list[Policy]) -> pd.DataFrame:
    """The PolicyMatch rows of `policies` (MATCH_COLUMNS, see rows_frame): each policy's meets and nearly-meets,
    vectorised; arrays joined once at the end (a frame per policy cost as much as the evaluation)."""
    if not len(frame):
        return empty_rows()
    firms = frame.index.to_numpy(dtype=np.int64)
    counties = frame["county_id"].to_numpy(dtype=np.int64)
    field_codes = {name: code for code, name in enumerate(MISSING_FIELDS)}
    county_limit = int(counties.max()) if len(counties) else 0
    if county_limit >= 2**40:  # the sort key below must fit in int64
        raise ValueError("county ids beyond the sort key")
    parts = []
    for policy in policies:
        conditions = policy.conditions or []
        result = evaluate(frame, conditions)
        keep = np.flatnonzero(result.status > 0)
        nearly = result.status[keep] == NEARLY
        index = result.missing_index[keep]
        codes = np.array([field_codes[condition["field"]] for condition in conditions] + [0])[index]  # -1: ""
        actual = result.missing_actual[keep]
        # In the order of the list index (policy, status, county), with the rows laid out alike next to each
        # other: a load's heap is then sorted for that index, and its binary COPY goes in long runs. One int64
        # key (county ids and field codes are small) sorts several times faster than a lexsort of five.
        key = ((nearly * (county_limit + 1) + counties[keep]) * len(MISSING_FIELDS) + codes) * 2 + np.isnan(actual)
        order = np.argsort(key, kind="stable")
        keep, nearly, index, codes, actual = keep[order], nearly[order], index[order], codes[order], actual[order]
        parts.append((np.full(len(keep), policy.pk), firms[keep], counties[keep], nearly, index, codes, actual))
    if not parts:
        return empty_rows()
    return rows_frame(*(np.concatenate(column) for column in zip(*parts, strict=True)))


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


# ---------------------------------------------------------------------------------------------------------------
# Writing: only what changed since the previous matching


def _codes_sql(column: str, categories: tuple[str, ...]) -> str:
    """The column's text as its position in `categories` (0-based; NULL when absent), so that the stored rows come
    back as numbers only: the csv parses several times faster without text columns."""
    if not all(text.replace("_", "").isalnum() and text.isascii() for text in categories if text):
        raise ValueError("categories must be plain identifiers")  # they are inlined: COPY takes no parameters
    items = ", ".join(f"'{text}'" for text in categories)
    return f"array_position(ARRAY[{items}]::text[], {column}::text) - 1"


def existing_matches(policy_ids: list[int]) -> pd.DataFrame:
    """The stored matches of `policy_ids`: `id` and MATCH_COLUMNS, typed as `compute` types them."""
    ids = ", ".join(str(int(pk)) for pk in policy_ids)
    query = (
        f"SELECT id, policy_id, enterprise_id, county_id, {_codes_sql('status', STATUSES)}, missing_index, "
        f"{_codes_sql('missing_field', MISSING_FIELDS)}, missing_actual "
        f"FROM {PolicyMatch._meta.db_table} WHERE policy_id IN ({ids})"
    )
    old = _read(query, ["id", *MATCH_COLUMNS])

    def codes(name):  # NULL (a text outside the categories): -1, which never equals a computed row's code
        return old[name].astype(float).fillna(-1).to_numpy(dtype=np.int16)

    return pd.DataFrame(
        {
            "id": old["id"].to_numpy(dtype=np.int64),
            **{name: old[name].to_numpy(dtype=np.int64) for name in ("policy_id", "enterprise_id", "county_id")},
            "status": pd.Categorical.from_codes(codes("status"), categories=STATUSES),
            "missing_index": old["missing_index"].astype(float).astype("Int16"),
            "missing_field": pd.Categorical.from_codes(codes("missing_field"), categories=MISSING_FIELDS),
            "missing_actual": old["missing_actual"].to_numpy(dtype=np.float64),
        }
    )


def _keys(frame: pd.DataFrame, policies: np.ndarray, width: int) -> np.ndarray:
    """(policy, firm) as one int64: ravel_multi_index raises rather than overflow."""
    position = np.searchsorted(policies, frame["policy_id"].to_numpy())
    return np.ravel_multi_index((position, frame["enterprise_id"].to_numpy()), (len(policies), width))


def _same_values(new: pd.DataFrame, old: pd.DataFrame) -> np.ndarray:
    same = new["county_id"].to_numpy() == old["county_id"].to_numpy()
    for column in ("status", "missing_field"):  # same categories on both sides: compare codes
        same &= new[column].cat.codes.to_numpy() == old[column].cat.codes.to_numpy()
    same &= new["missing_index"].to_numpy(dtype=np.int64, na_value=-1) == old["missing_index"].to_numpy(
        dtype=np.int64, na_value=-1
    )
    a, b = new["missing_actual"].to_numpy(), old["missing_actual"].to_numpy()
    return same & ((a == b) | (np.isnan(a) & np.isnan(b)))


def diff(new: pd.DataFrame, old: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, list[int]]:
    """(rows to insert, rows to update with their id, ids to delete), compared on (policy, firm), in numpy: a
    sorted search of one side's keys in the other's."""
    policies = np.union1d(new["policy_id"].to_numpy(), old["policy_id"].to_numpy())
    width = int(max(new["enterprise_id"].max() if len(new) else 0, old["enterprise_id"].max() if len(old) else 0)) + 1
    new_keys, old_keys = _keys(new, policies, width), _keys(old, policies, width)
    old_order = np.argsort(old_keys)
    sorted_old = old_keys[old_order]
    position = np.minimum(np.searchsorted(sorted_old, new_keys), max(len(sorted_old) - 1, 0))
    found = sorted_old[position] == new_keys if len(sorted_old) else np.zeros(len(new_keys), dtype=bool)
    old_of_new = old_order[position[found]]  # the stored row of each new row that exists
    kept = np.zeros(len(old), dtype=bool)
    kept[old_of_new] = True
    deletes = old["id"].to_numpy()[~kept].tolist()
    both_new = new.iloc[np.flatnonzero(found)].reset_index(drop=True)
    both_old = old.iloc[old_of_new].reset_index(drop=True)
    changed = ~_same_values(both_new, both_old)
    updates = both_new.loc[changed, list(VALUE_COLUMNS)]
    updates.insert(0, "id", both_old["id"].to_numpy()[changed])
    return new.iloc[np.flatnonzero(~found)], updates, deletes


def _load(rows: pd.DataFrame) -> None:
    """Insert every row into a table holding none of these policies' matches: when the whole table is empty and
    the load is large, its indexes are built once afterwards (core.bulk: a third of the cost of keeping them
    up to date row by row); else one COPY with the indexes in place."""
    table = PolicyMatch._meta.db_table
    if len(rows) >= BULK_LOAD_MIN_ROWS and bulk.lock_if_empty(table):
        ids = bulk.reserve_ids(table, "id", len(rows))
        with bulk.indexes_deferred(table):
            bulk.copy_binary(table, [bulk.Column("id", bulk.INT8), *COPY_COLUMNS], rows.assign(id=ids))
        return
    bulk.copy_binary(table, COPY_COLUMNS, rows)


def sync_matches(rows: pd.DataFrame, policy_ids: list[int]) -> tuple[int, int, int]:
    """Make the stored matches of `policy_ids` equal `rows`, inside the caller's transaction; returns (inserted,
    updated, deleted). PostgreSQL: a load when none is stored, else the differences (binary COPY and one statement
    per kind of change). Elsewhere (the embedded demo): delete and bulk insert."""
    if not policy_ids:
        return 0, 0, 0
    rows = rows[list(MATCH_COLUMNS)]
    if connection.vendor != "postgresql":
        deleted, _ = PolicyMatch.objects.filter(policy_id__in=policy_ids).delete()
        records = rows.astype(object).where(rows.notna(), None).to_dict(orient="records")
        PolicyMatch.objects.bulk_create((PolicyMatch(**record) for record in records), batch_size=2000)
        return len(records), 0, deleted
    table = PolicyMatch._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table} WHERE policy_id = ANY(%s))", [list(policy_ids)])
        stored = cursor.fetchone()[0]
    if not stored:
        if len(rows):
            _load(rows)
        return len(rows), 0, 0
    inserts, updates, deletes = diff(rows, existing_matches(policy_ids))
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
            bulk.copy_binary("policy_match_changes", UPDATE_COLUMNS, updates)
            assignments = ", ".join(f"{column} = c.{column}" for column in VALUE_COLUMNS)
            cursor.execute(f"UPDATE {table} m SET {assignments} FROM policy_match_changes c WHERE m.id = c.id")
    if len(inserts):
        bulk.copy_binary(table, COPY_COLUMNS, inserts)
    return len(inserts), len(updates), len(deletes)


def _rematch(*, run: ScoringRun, policies: list[Policy], frame: pd.DataFrame | None = None) -> MatchOutcome:
    """Replace the matches of `policies` (rows locked by the caller) with those of `run`."""
    outcome = MatchOutcome(policies=len(policies))
    if not policies:
        return outcome
    started = time.perf_counter()
    if frame is None:
        frame = matching_frame(run, frame_columns(policies))
    outcome.firms = len(frame)
    loaded = time.perf_counter()
    rows = compute(frame, policies)
    evaluated = time.perf_counter()
    ids = [policy.pk for policy in policies]
    outcome.inserted, outcome.updated, outcome.deleted = sync_matches(rows, ids)
    Policy.objects.filter(pk__in=ids).update(matched_at=timezone.now(), matched_run=run)
    outcome.write_s = time.perf_counter() - evaluated
    outcome.load_s, outcome.evaluate_s = loaded - started, evaluated - loaded
    counts = rows["status"].value_counts()
    outcome.meets = int(counts.get(MatchStatus.MEETS, 0))
    outcome.nearly = int(counts.get(MatchStatus.NEARLY, 0))
    return outcome


def match_from_run(*, run: ScoringRun) -> MatchOutcome:
    """Every active policy against `run` (a step of the run's publication, inside its transaction). Matches of
    inactive policies are dropped. The policy rows are locked so that a concurrent single-policy rematch waits."""
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
