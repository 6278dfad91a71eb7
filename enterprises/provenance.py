"""Sources of each registry value: recording observations, the precedence of sources, and the reconciliation that
turns observations into the effective values (the columns of Enterprise and AnnualIndicator the rules and every
page read). README "Sources of each value".

The reconciliation (`reconcile`, nightly step 0 in pipeline/nightly.py) is set-based and idempotent:
- for each firm, year and field, each source kind's current observation is its latest (by as-of day, then the
  one recorded last);
- the effective value is the current observation of the first kind in the field's order (FieldPrecedence, or
  DEFAULT_ORDER) that has one; a kind missing from the order is ignored;
- an effective column is written only where it differs, so a re-run with no new data writes nothing; a field with no
  observation keeps its column as it is (values from before sources were recorded are never erased);
- every other kind's current value differing from the effective one by more than the field's tolerance (absolute
  and relative) is an open Conflict (one per pair of observations: a re-run adds none); an open conflict whose pair
  is no longer current (newer data, a changed order) is superseded.
PostgreSQL: a few statements over temporary tables (one pass over the covering index, no sort; see
`_reconcile_sql`). Other databases (SQLite under `make run`): the same steps in pandas.

A staff spreadsheet's import records a cell only where it differs from the sheets' current observation of that
figure (enterprises.importing.committing): the same value again would leave every kind's current value, hence every
effective value and conflict, as it is.
"""

import datetime
import hashlib
import logging
from dataclasses import asdict, dataclass
from decimal import Decimal

import pandas as pd
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.sql import name_literal, name_literals
from enterprises.models import (
    FIRM_SOURCE_FIELDS,
    INDICATOR_FIELDS,
    INDICATOR_YEAR_MAX,
    INDICATOR_YEAR_MIN,
    SOURCE_FIELDS,
    AnnualIndicator,
    Conflict,
    Enterprise,
    FieldPrecedence,
    ReconcileMark,
    SourceKind,
    SourceValue,
)
from enterprises.permissions import can_resolve_conflicts
from enterprises.workflows import conflict_transition

logger = logging.getLogger(__name__)

# The default: a department's list, then the firm's confirmed report, then a staff spreadsheet, then an edit.
DEFAULT_ORDER = (SourceKind.DEPARTMENT, SourceKind.SELF_REPORT, SourceKind.SPREADSHEET, SourceKind.STAFF_EDIT)
MONEY_SOURCE_FIELDS = frozenset(
    f.name for f in AnnualIndicator._meta.get_fields() if f.get_internal_type() == "DecimalField"
)
COUNT_SOURCE_FIELDS = frozenset(INDICATOR_FIELDS) - MONEY_SOURCE_FIELDS
# Default tolerances: money may differ by rounding (100 yuan) and 1 %; counts and dates not at all.
DEFAULT_TOLERANCE = {
    **{f: (Decimal("100"), Decimal("0.01")) for f in MONEY_SOURCE_FIELDS},
    **{f: (Decimal("0"), Decimal("0")) for f in (*COUNT_SOURCE_FIELDS, *FIRM_SOURCE_FIELDS)},
}
MONEY_LIMIT = Decimal("1e14")  # AnnualIndicator's money columns hold 16 digits, 2 after the point
EPOCH = datetime.date(1970, 1, 1)


@dataclass(frozen=True)
class Rule:
    field: str
    order: tuple[str, ...]
    abs_tolerance: Decimal
    rel_tolerance: Decimal


def precedence_rules() -> dict[str, Rule]:
    """Every source field's order and tolerances: its FieldPrecedence row, or the defaults."""
    rules = {
        field: Rule(field, tuple(str(k) for k in DEFAULT_ORDER), *DEFAULT_TOLERANCE[field]) for field in SOURCE_FIELDS
    }
    for row in FieldPrecedence.objects.filter(field__in=SOURCE_FIELDS):
        order = tuple(k for k in row.order if k in SourceKind.values)
        rules[row.field] = Rule(row.field, order, row.abs_tolerance, row.rel_tolerance)
    return rules


def precedence_set(*, field: str, order: list[str], abs_tolerance=None, rel_tolerance=None, actor) -> FieldPrecedence:
    """Set a field's order of sources (and, when given, its tolerances); the next reconciliation applies it."""
    if field not in SOURCE_FIELDS:
        raise ValueError(f"unknown field {field}")
    unknown = [k for k in order if k not in SourceKind.values]
    if unknown or len(set(order)) != len(order):
        raise ValueError(f"bad order {order}")
    defaults = DEFAULT_TOLERANCE[field]
    row, _ = FieldPrecedence.objects.get_or_create(
        field=field, defaults={"abs_tolerance": defaults[0], "rel_tolerance": defaults[1]}
    )
    row.order = list(order)
    if abs_tolerance is not None:
        row.abs_tolerance = abs_tolerance
    if rel_tolerance is not None:
        row.rel_tolerance = rel_tolerance
    row.updated_by = actor
    row.save()
    return row


def source_values_record(
    *,
    enterprise: Enterprise,
    values: dict[str, object],
    year: int | None = None,
    source_kind: str,
    source_name: str = "",
    document: str = "",
    as_of: datetime.date | None = None,
    import_job=None,
    actor,
) -> list[SourceValue]:
    """Record observations of one firm's values (one year's figures, or with year None its own fields such as
    `founded_on`). Call in the transaction that writes them (a staff edit, a confirmed report)."""
    as_of = as_of or timezone.localdate()
    rows = []
    for field, value in values.items():
        if field not in SOURCE_FIELDS or value is None or value == "":
            continue
        is_date = field in FIRM_SOURCE_FIELDS
        rows.append(
            SourceValue(
                enterprise=enterprise,
                year=None if is_date else year,
                field=field,
                value=None if is_date else Decimal(str(value)),
                value_date=value if is_date else None,
                source_kind=source_kind,
                source_name=source_name,
                document=document,
                as_of=as_of,
                import_job=import_job,
                actor=actor,
            )
        )
    return SourceValue.objects.bulk_create(rows)


def staff_edit_record(*, instance: Enterprise | AnnualIndicator, changed, actor) -> list[SourceValue]:
    """A staff edit of a firm or of a year's figures (the admin site): its changed source fields, as observations.
    Call once the edit is saved, in its transaction. By default an edit ranks last: a department's list, a confirmed
    report or a spreadsheet observing the same figure outranks it at the next reconciliation."""
    fields = [f for f in changed if f in SOURCE_FIELDS]
    if not fields:
        return []
    is_firm = isinstance(instance, Enterprise)
    return source_values_record(
        enterprise=instance if is_firm else instance.enterprise,
        year=None if is_firm else instance.year,
        values={f: getattr(instance, f) for f in fields},
        source_kind=SourceKind.STAFF_EDIT,
        actor=actor,
    )


def conflict_resolve(*, conflict: Conflict, reason: str, actor) -> Conflict:
    """Resolve an open conflict (from a scoped selector: enterprises.selectors.conflict_get) with a reason, kept on
    the conflict and in its event. The values stay as the precedence sets them; change a source (a corrected
    list, an edit ranked first) or the order to change the figure."""
    if not can_resolve_conflicts(actor):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for resolving the conflict.")})
    with transaction.atomic():
        locked = Conflict.objects.select_for_update().get(pk=conflict.pk)
        conflict_transition(
            conflict=locked,
            to=Conflict.Status.RESOLVED,
            actor=actor,
            note=reason,
            reason=reason,
            resolved_by=actor,
            resolved_at=timezone.now(),
        )
    return locked


def registry_sources_backfill(*, source_name: str, as_of: datetime.date | None = None) -> int:
    """Give every registry value that has no observation at all one "staff spreadsheet" observation of the value
    it holds (`source_name`: e.g. "registry before sources were recorded"), so that its page shows a source and a
    department's differing value is listed as a conflict. Set-based; running it again adds nothing. The
    reconciliation does not need it: a figure without observations keeps its value."""
    as_of = as_of or timezone.localdate()
    added = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for field in INDICATOR_FIELDS:
            cursor.execute(
                f"INSERT INTO {SV} (enterprise_id, year, field, value, source_kind, source_name, document, as_of, "
                "recorded_at) "
                f"SELECT ai.enterprise_id, ai.year, %s, ai.{field}, %s, %s, '', %s, %s FROM {AI} ai "
                f"WHERE NOT EXISTS (SELECT 1 FROM {SV} s WHERE s.enterprise_id = ai.enterprise_id "
                "AND s.year = ai.year AND s.field = %s)",
                [field, SourceKind.SPREADSHEET, source_name, as_of, timezone.now(), field],
            )
            added += cursor.rowcount
        cursor.execute(
            f"INSERT INTO {SV} (enterprise_id, year, field, value_date, source_kind, source_name, document, as_of, "
            "recorded_at) "
            f"SELECT e.id, NULL, 'founded_on', e.founded_on, %s, %s, '', %s, %s FROM {FIRM} e "
            f"WHERE e.founded_on IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {SV} s WHERE s.enterprise_id = e.id "
            "AND s.year IS NULL AND s.field = 'founded_on')",
            [SourceKind.SPREADSHEET, source_name, as_of, timezone.now()],
        )
        added += cursor.rowcount
    return added


@dataclass
class Reconciliation:
    indicators_changed: int = 0
    indicators_created: int = 0
    firms_changed: int = 0
    conflicts_opened: int = 0
    conflicts_superseded: int = 0

    @property
    def changed_rows(self) -> int:
        return sum(asdict(self).values())

    def as_dict(self) -> dict:
        return {**asdict(self), "changed_rows": self.changed_rows}


def reconcile(*, run=None, full: bool = False) -> Reconciliation:
    """Set the effective values from the observations and list the conflicts (module docstring). Idempotent. `run`:
    the nightly run it belongs to, when called as a nightly step (unused: the observations are read as they are).

    PostgreSQL, incremental: only the figures (firm, year, field) observed since the last run are reconciled, unless
    `full`, the precedence changed since, no run happened yet, or more than a third of the observations are new
    (INCREMENTAL_MAX_SHARE); the result is the same as a full run's. The mark is read under a brief SHARE lock of
    the observations, so that no transaction still writing observations below it is missed (it waits for those to
    commit; new ones get higher ids)."""
    rules = precedence_rules()
    digest = _digest(rules)
    if connection.vendor != "postgresql":
        with transaction.atomic():
            result = _reconcile_frames(rules)
        logger.info("Sources reconciled: %s", result.as_dict())
        return result
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {SV} IN SHARE MODE")
        cursor.execute(
            f"SELECT coalesce(max(id), 0), (SELECT reltuples FROM pg_class WHERE oid = %s::regclass) FROM {SV}", [SV]
        )
        upto, estimated_total = cursor.fetchone()
    with transaction.atomic():
        mark = ReconcileMark.objects.select_for_update().filter(pk=1).first() or ReconcileMark(pk=1)
        since = None if (full or not mark.rules_digest or mark.rules_digest != digest) else mark.last_value_id
        # The ids since the mark bound the new observations' count; the planner's estimate of all of them (-1 before
        # the table's first ANALYZE: then the ids stand in) tells a night's few from a list of millions.
        total = estimated_total if estimated_total is not None and estimated_total >= 0 else upto
        if since is not None and upto - since > INCREMENTAL_MAX_SHARE * max(total, 1):
            since = None
        result = _reconcile_sql(rules, since=since, upto=upto)
        mark.last_value_id, mark.rules_digest = upto, digest
        mark.save()
    logger.info("Sources reconciled (%s): %s", "full" if since is None else "since the last run", result.as_dict())
    return result


# Above this share of new observations (of all observations) a full pass is the faster way to the same
# result: reading the new figures' observations through their keys costs about what the full pass costs once a third
# or more are new (bench/provenance_bench.py: every one of 12 million new took 62 s that way, a full pass 28 s).
INCREMENTAL_MAX_SHARE = 1 / 3


def _digest(rules: dict[str, Rule]) -> str:
    text = repr(sorted((r.field, r.order, str(r.abs_tolerance), str(r.rel_tolerance)) for r in rules.values()))
    return hashlib.sha256(text.encode()).hexdigest()


# PostgreSQL ---------------------------------------------------------------------------------------------------------

SV, AI, FIRM, CONFLICT = (
    SourceValue._meta.db_table,
    AnnualIndicator._meta.db_table,
    Enterprise._meta.db_table,
    Conflict._meta.db_table,
)


def _checks(prefix: str) -> str:
    """The AnnualIndicator constraints, on the new values (a mixture of sources breaking one is left for staff)."""
    parts = [f"{prefix}.st_personnel <= {prefix}.employees", f"{prefix}.rd_expense_domestic <= {prefix}.rd_expense"]
    parts += [f"{prefix}.{f} >= 0" for f in INDICATOR_FIELDS]
    parts += [f"{prefix}.{f} < {MONEY_LIMIT}" for f in MONEY_SOURCE_FIELDS]
    return " AND ".join(parts)


def _cast(field: str, expression: str) -> str:
    return f"round({expression})::integer" if field in COUNT_SOURCE_FIELDS else f"round({expression}, 2)"


# Held for the reconciliation's transaction: two runs never interleave (the mark's row lock only exists once a run
# has written it), so the conflicts can be inserted without ON CONFLICT's speculative insertion.
RECONCILE_LOCK = 0x50524F56  # "PROV"


def _reconcile_sql(rules: dict[str, Rule], *, since: int | None = None, upto: int | None = None) -> Reconciliation:
    """The PostgreSQL statements; `since`: only the figures with an observation of id in (since, upto].

    1. prov_current: per firm, year and field, each kind's latest observation side by side and the winner (one pass
       over sourcevalue_current_idx, in its order: no sort);
    2. prov_rows: the yearly rows whose values change (or are missing), each compared once with IS DISTINCT FROM;
       then one UPDATE by primary key and one INSERT;
    3. prov_conflicts: the pairs beyond tolerance, only on figures observed by more than one kind; existing pairs
       reopened, new ones inserted, pairs no longer current superseded.
    Every temporary table is dropped at commit and ANALYZEd before it is joined."""
    result = Reconciliation()
    kinds = list(SourceKind.values)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECONCILE_LOCK])
        # Sorts and hashes of a few hundred thousand rows stay in memory.
        cursor.execute("SET LOCAL work_mem = '256MB'")
        source = f"{SV} s"
        touched = "true"
        if since is not None:
            cursor.execute(
                "CREATE TEMP TABLE prov_keys ON COMMIT DROP AS SELECT DISTINCT enterprise_id, year, field "
                f"FROM {SV} WHERE id > %s AND id <= %s",
                [since, upto if upto is not None else 2**62],
            )
            cursor.execute("ANALYZE prov_keys")
            source = (
                f"(SELECT s.* FROM prov_keys k JOIN {SV} s ON s.enterprise_id = k.enterprise_id AND s.year = k.year "
                "AND s.field = k.field UNION ALL "
                f"SELECT s.* FROM prov_keys k JOIN {SV} s ON s.enterprise_id = k.enterprise_id AND s.year IS NULL "
                "AND k.year IS NULL AND s.field = k.field) s"
            )
            touched = (
                "EXISTS (SELECT 1 FROM prov_keys k WHERE k.enterprise_id = c.enterprise_id AND k.field = c.field "
                "AND k.year IS NOT DISTINCT FROM c.year)"
            )
        # Each kind's latest observation per firm, year and field (DISTINCT ON straight off sourcevalue_current_idx,
        # no sort), its kinds side by side (one row per firm, year and field), then the winner: the first kind of
        # the field's order that has one. Observations of a kind left out of a field's order are not read.
        columns = []
        for kind in kinds:
            fields = [field for field, rule in rules.items() if kind in rule.order]
            only = f" AND field IN ({name_literals(fields)})" if len(fields) < len(rules) else ""
            where = f"source_kind = {name_literal(kind)}{only}"
            columns += [
                f"max(id) FILTER (WHERE {where}) AS id_{kind}",
                f"max(num) FILTER (WHERE {where}) AS num_{kind}",
            ]
        cursor.execute(
            "CREATE TEMP TABLE prov_current ON COMMIT DROP AS "
            f"SELECT k.*, {_by_order('id', rules)} AS winner_id, {_by_order('num', rules)} AS winner_num FROM ("
            f"  SELECT enterprise_id, year, field, {', '.join(columns)} FROM ("
            "    SELECT DISTINCT ON (enterprise_id, year, field, source_kind) id, enterprise_id, year, field, "
            "      source_kind, COALESCE(value, (value_date - DATE '1970-01-01')::numeric) AS num "
            f"    FROM {source} WHERE field IN ({name_literals(rules)}) "
            "    ORDER BY enterprise_id, year, field, source_kind, as_of DESC, id DESC"
            "  ) latest GROUP BY enterprise_id, year, field"
            ") k"
        )
        cursor.execute("ANALYZE prov_current")
        pivot = ", ".join(f"max(winner_num) FILTER (WHERE field = {name_literal(f)}) AS {f}" for f in INDICATOR_FIELDS)
        cursor.execute(
            f"CREATE TEMP TABLE prov_pivot ON COMMIT DROP AS SELECT enterprise_id, year, {pivot} "
            "FROM prov_current WHERE winner_id IS NOT NULL AND year IS NOT NULL "
            f"AND field IN ({name_literals(INDICATOR_FIELDS)}) GROUP BY enterprise_id, year"
        )
        cursor.execute("ANALYZE prov_pivot")
        # The rows to write, compared once: an existing row whose values differ, or a missing row of a valid year
        # (its figures nobody observed are 0); either only when the new values keep the row's constraints.
        fields = ", ".join(INDICATOR_FIELDS)
        merged = ", ".join(f"COALESCE({_cast(f, f'p.{f}')}, ai.{f}, 0) AS {f}" for f in INDICATOR_FIELDS)
        cursor.execute(
            f"CREATE TEMP TABLE prov_rows ON COMMIT DROP AS SELECT n.id, n.enterprise_id, n.year, {fields} FROM ("
            f"  SELECT ai.id, p.enterprise_id, p.year, {merged}, ({', '.join(f'ai.{f}' for f in INDICATOR_FIELDS)}) "
            f"    AS stored FROM prov_pivot p LEFT JOIN {AI} ai ON ai.enterprise_id = p.enterprise_id "
            "    AND ai.year = p.year"
            f"  WHERE ai.id IS NOT NULL OR p.year BETWEEN {INDICATOR_YEAR_MIN} AND {INDICATOR_YEAR_MAX}"
            f") n WHERE n.stored IS DISTINCT FROM ({', '.join(f'n.{f}' for f in INDICATOR_FIELDS)}) "
            f"AND {_checks('n')}"
        )
        cursor.execute("ANALYZE prov_rows")
        cursor.execute(
            f"UPDATE {AI} ai SET {', '.join(f'{f} = n.{f}' for f in INDICATOR_FIELDS)} FROM prov_rows n "
            "WHERE n.id IS NOT NULL AND ai.id = n.id"
        )
        result.indicators_changed = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {AI} (enterprise_id, year, {fields}) SELECT enterprise_id, year, {fields} FROM prov_rows "
            "WHERE id IS NULL ORDER BY enterprise_id, year"
        )
        result.indicators_created = cursor.rowcount
        cursor.execute(
            f"UPDATE {FIRM} e SET founded_on = DATE '1970-01-01' + c.winner_num::integer, updated_at = now() "
            "FROM prov_current c WHERE c.field = 'founded_on' AND c.year IS NULL AND c.winner_id IS NOT NULL "
            "AND e.id = c.enterprise_id AND e.founded_on IS DISTINCT FROM DATE '1970-01-01' + c.winner_num::integer"
        )
        result.firms_changed = cursor.rowcount
        # Conflicts: only figures where some other kind's value differs from the winner's at all are looked at.
        others = ", ".join(f"(id_{k}, num_{k})" for k in kinds)
        differs = " OR ".join(f"num_{k} <> c.winner_num" for k in kinds)
        gap = "abs(o.num - c.winner_num)"
        cursor.execute(
            "CREATE TEMP TABLE prov_conflicts ON COMMIT DROP AS "
            "SELECT c.enterprise_id, c.year, c.field, c.winner_id AS winning_id, o.id AS other_id "
            f"FROM prov_current c CROSS JOIN LATERAL (VALUES {others}) o(id, num) "
            f"WHERE ({differs}) AND o.id <> c.winner_id AND o.num <> c.winner_num "
            f"AND {gap} > {_tolerance('abs', rules)} "
            f"AND {gap} > {_tolerance('rel', rules)} * greatest(abs(o.num), abs(c.winner_num))"
        )
        cursor.execute("ANALYZE prov_conflicts")
        cursor.execute(
            f"UPDATE {CONFLICT} c SET status = 'open' FROM prov_conflicts p WHERE c.status = 'superseded' "
            "AND c.winning_id = p.winning_id AND c.other_id = p.other_id"
        )
        result.conflicts_opened = cursor.rowcount
        # In the order of the observations they name: the deferred foreign-key checks at commit read them in order.
        cursor.execute(
            f"INSERT INTO {CONFLICT} (enterprise_id, year, field, winning_id, other_id, status, reason, created_at) "
            "SELECT enterprise_id, year, field, winning_id, other_id, 'open', '', now() FROM prov_conflicts p "
            f"WHERE NOT EXISTS (SELECT 1 FROM {CONFLICT} c WHERE c.winning_id = p.winning_id "
            "AND c.other_id = p.other_id) ORDER BY winning_id, other_id"
        )
        result.conflicts_opened += cursor.rowcount
        cursor.execute(
            f"UPDATE {CONFLICT} c SET status = 'superseded' WHERE c.status = 'open' AND {touched} AND NOT EXISTS ("
            "SELECT 1 FROM prov_conflicts p WHERE p.winning_id = c.winning_id AND p.other_id = c.other_id)"
        )
        result.conflicts_superseded = cursor.rowcount
        cursor.execute("DROP TABLE prov_current, prov_pivot, prov_rows, prov_conflicts")
        if since is not None:
            cursor.execute("DROP TABLE prov_keys")
    return result


def _by_order(column: str, rules: dict[str, Rule]) -> str:
    """The winner's `column`: the first kind of the field's order that has one (one CASE branch per distinct order;
    none when every field has the same)."""
    orders: dict[tuple[str, ...], list[str]] = {}
    for field, rule in rules.items():
        orders.setdefault(rule.order, []).append(field)
    if len(orders) == 1:
        return _first(column, next(iter(orders)))
    branches = " ".join(
        f"WHEN field IN ({name_literals(fields)}) THEN {_first(column, order)}" for order, fields in orders.items()
    )
    return f"CASE {branches} END"


def _tolerance(which: str, rules: dict[str, Rule]) -> str:
    """A field's absolute or relative tolerance as a literal (one CASE branch per distinct value)."""
    values: dict[Decimal, list[str]] = {}
    for field, rule in rules.items():
        values.setdefault(rule.abs_tolerance if which == "abs" else rule.rel_tolerance, []).append(field)
    if len(values) == 1:
        return f"'{Decimal(next(iter(values)))}'::numeric"
    branches = " ".join(
        f"WHEN field IN ({name_literals(fields)}) THEN '{Decimal(value)}'::numeric" for value, fields in values.items()
    )
    return f"CASE {branches} END"


def _first(column: str, order: tuple[str, ...]) -> str:
    return f"COALESCE({', '.join(f'{column}_{kind}' for kind in order)}, NULL)" if order else "NULL"


# Other databases (SQLite under `make run`): the same steps in pandas --------------------------------------------------


def _current_frame(rules: dict[str, Rule]) -> pd.DataFrame:
    ranks = pd.DataFrame(
        [
            (r.field, kind, rank, r.abs_tolerance, r.rel_tolerance)
            for r in rules.values()
            for rank, kind in enumerate(r.order)
        ],
        columns=["field", "source_kind", "rank", "abs_tol", "rel_tol"],
    )
    columns = ["id", "enterprise_id", "year", "field", "value", "value_date", "source_kind", "as_of", "recorded_at"]
    rows = pd.DataFrame(list(SourceValue.objects.values_list(*columns)), columns=columns)
    rows = rows.merge(ranks, on=["field", "source_kind"])
    rows["year"] = rows["year"].astype("Int64").fillna(-1)
    rows["num"] = [
        value if value is not None else Decimal((day - EPOCH).days)
        for value, day in zip(rows["value"], rows["value_date"], strict=True)
    ]
    keys = ["enterprise_id", "year", "field"]
    rows = rows.sort_values([*keys, "rank", "as_of", "id"], ascending=[True, True, True, True, False, False])
    current = rows.drop_duplicates([*keys, "rank"]).copy()
    winners = current.drop_duplicates(keys)[[*keys, "id", "num"]].rename(columns={"id": "winner_id", "num": "w_num"})
    return current.merge(winners, on=keys)


def _reconcile_frames(rules: dict[str, Rule]) -> Reconciliation:
    result = Reconciliation()
    current = _current_frame(rules)
    winners = current[current["id"].eq(current["winner_id"])]
    by_firm = winners[winners["field"].isin(INDICATOR_FIELDS) & winners["year"].ge(0)]
    wanted: dict[tuple[int, int], dict] = {}
    for firm, year, field, num in by_firm[["enterprise_id", "year", "field", "num"]].itertuples(index=False):
        value = int(num.to_integral_value()) if field in COUNT_SOURCE_FIELDS else num.quantize(Decimal("0.01"))
        wanted.setdefault((int(firm), int(year)), {})[field] = value
    existing = {
        (row.enterprise_id, row.year): row
        for row in AnnualIndicator.objects.filter(enterprise_id__in={k[0] for k in wanted})
        if (row.enterprise_id, row.year) in wanted
    }
    to_update, to_create = [], []
    for (firm, year), values in wanted.items():
        row = existing.get((firm, year))
        if row is None:
            if not INDICATOR_YEAR_MIN <= year <= INDICATOR_YEAR_MAX:
                continue
            row = AnnualIndicator(enterprise_id=firm, year=year)
            target = to_create
        elif all(getattr(row, f) == v for f, v in values.items()):
            continue
        else:
            target = to_update
        for field, value in values.items():
            setattr(row, field, value)
        if _consistent(row):
            target.append(row)
    AnnualIndicator.objects.bulk_update(to_update, list(INDICATOR_FIELDS), batch_size=500)
    AnnualIndicator.objects.bulk_create(to_create, batch_size=500)
    result.indicators_changed, result.indicators_created = len(to_update), len(to_create)
    founded = winners[winners["field"].eq("founded_on")]
    dates = dict(zip(founded["enterprise_id"], founded["value_date"], strict=True))
    changed = [firm for firm in Enterprise.objects.filter(pk__in=dates) if firm.founded_on != dates[firm.pk]]
    for firm in changed:
        firm.founded_on = dates[firm.pk]
    Enterprise.objects.bulk_update(changed, ["founded_on", "updated_at"], batch_size=500)
    result.firms_changed = len(changed)
    others = current[current["id"].ne(current["winner_id"])]
    pairs = {}
    for row in others.itertuples(index=False):
        gap = abs(row.num - row.w_num)
        if gap > row.abs_tol and gap > row.rel_tol * max(abs(row.num), abs(row.w_num)):
            pairs[(int(row.winner_id), int(row.id))] = row
    known = {(c.winning_id, c.other_id): c for c in Conflict.objects.filter(winning_id__in={p[0] for p in pairs})}
    reopened = [c for key, c in known.items() if key in pairs and c.status == Conflict.Status.SUPERSEDED]
    Conflict.objects.filter(pk__in=[c.pk for c in reopened]).update(status=Conflict.Status.OPEN)
    Conflict.objects.bulk_create(
        Conflict(
            enterprise_id=int(row.enterprise_id),
            year=None if row.year < 0 else int(row.year),
            field=row.field,
            winning_id=winning,
            other_id=other,
        )
        for (winning, other), row in pairs.items()
        if (winning, other) not in known
    )
    result.conflicts_opened = len(reopened) + sum(1 for key in pairs if key not in known)
    stale = [
        c.pk for c in Conflict.objects.filter(status=Conflict.Status.OPEN) if (c.winning_id, c.other_id) not in pairs
    ]
    result.conflicts_superseded = Conflict.objects.filter(pk__in=stale).update(status=Conflict.Status.SUPERSEDED)
    return result


def _consistent(row: AnnualIndicator) -> bool:
    values = [getattr(row, f) for f in INDICATOR_FIELDS]
    return (
        all(v >= 0 for v in values)
        and row.st_personnel <= row.employees
        and row.rd_expense_domestic <= row.rd_expense
        and all(getattr(row, f) < MONEY_LIMIT for f in MONEY_SOURCE_FIELDS)
    )
