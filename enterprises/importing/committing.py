"""Compare validated rows with the registry (what is new, what changes, what stays) and write the difference.

`plan_*` only reads; it gives the preview's counts and, run again inside the commit's transaction, the exact
writes. Writing only what differs is what makes committing the same file twice a no-op the second time.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
from django.db import connection
from django.utils import timezone

from core.sql import name_literal
from enterprises.importing.columns import FIRM_DETAIL_COLUMNS, INDICATOR_COLUMNS, CellType
from enterprises.importing.validation import registry_rows
from enterprises.models import (
    FIRM_SOURCE_FIELDS,
    INDICATOR_FIELDS,
    AnnualIndicator,
    Enterprise,
    ImportJob,
    Qualification,
    SourceKind,
    SourceValue,
)

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
FIRM_FIELDS = ("name", "county_id", "credit_code_checked", *(c.key for c in FIRM_DETAIL_COLUMNS))
BATCH_SIZE = 2000

Progress = Callable[[float], None]


@dataclass
class Plan:
    counts: dict[str, int]
    firms_to_create: pd.DataFrame = field(default_factory=pd.DataFrame)
    firms_to_update: pd.DataFrame = field(default_factory=pd.DataFrame)
    firm_fields_to_update: list[str] = field(default_factory=list)
    rows_to_write: pd.DataFrame = field(default_factory=pd.DataFrame)
    fields_to_write: list[str] = field(default_factory=list)
    # Firm fields the file carries whose values are sources' observations (the founding date).
    observed_firm_fields: list[str] = field(default_factory=list)
    # Set by the commit: the import the written values are observations of (a staff spreadsheet).
    job: ImportJob | None = None


def _counts(status: pd.Series, new_firms: int) -> dict[str, int]:
    return {
        "row_count": len(status),
        "new_firms": new_firms,
        "new_rows": int(status.eq(NEW).sum()),
        "updated_rows": int(status.eq(UPDATED).sum()),
        "unchanged_rows": int(status.eq(UNCHANGED).sum()),
    }


def _blank(series: pd.Series) -> pd.Series:
    return series.isna() | series.astype(str).eq("")


def plan_enterprises(frame: pd.DataFrame, present: list[str]) -> Plan:
    detail_fields = [f for f in FIRM_FIELDS if f in ("name", "county_id", "credit_code_checked") or f in present]
    existing = registry_rows(frame["credit_code"].tolist(), FIRM_FIELDS).set_index("credit_code")
    existing["founded_on"] = existing["founded_on"].map(lambda d: d.isoformat() if d else "")

    # A firm's details come from its last row in the file; an empty cell keeps what the registry has.
    firms = frame.drop_duplicates("credit_code", keep="last").set_index("credit_code")
    firms = firms.rename(columns={"county": "county_in_file"})
    known = firms.index.isin(existing.index)
    merged = pd.DataFrame(index=firms.index)
    for name in FIRM_FIELDS:
        registry_value = existing[name].reindex(firms.index)
        if name in detail_fields:
            file_value = firms[name]
            merged[name] = file_value.where(~_blank(file_value), registry_value)
        else:
            merged[name] = registry_value
        merged[name] = merged[name].where(~_blank(merged[name]) | (name == "county_id"), "")
    merged["credit_code_checked"] = merged["credit_code_checked"].astype(bool)
    merged["county_id"] = merged["county_id"].astype("Int64")

    compare = merged.loc[known, list(FIRM_FIELDS)]
    before = existing.loc[compare.index, list(FIRM_FIELDS)]
    changed_cells = compare.astype(str).ne(before.astype(str))
    changed = changed_cells.any(axis=1)
    firm_status = pd.Series(UNCHANGED, index=firms.index)
    firm_status[~known] = NEW
    firm_status[changed[changed].index] = UPDATED

    # Yearly figures: one row per (firm, year); rows without a year only carry firm details.
    figure_keys = [c.key for c in INDICATOR_COLUMNS if c.key in present]
    with_year = frame[frame["year"].notna()]
    status = frame["credit_code"].map(firm_status).where(lambda s: s.ne(UNCHANGED), UNCHANGED)
    rows_to_write = pd.DataFrame()
    if len(with_year) and figure_keys:
        ids = existing["enterprise_id"].reindex(with_year["credit_code"]).to_numpy()
        current = _indicator_rows(
            pd.Series(ids).dropna().astype(int).unique().tolist(),
            sorted(int(y) for y in with_year["year"].unique()),
            figure_keys,
        )
        keyed = with_year.assign(enterprise_id=pd.array(ids, dtype="Int64"))
        joined = keyed.merge(current, on=["enterprise_id", "year"], how="left", suffixes=("", "__db"), indicator=True)
        joined.index = with_year.index
        missing = joined["_merge"].eq("left_only")
        differs = pd.Series(False, index=joined.index)
        for key in figure_keys:
            stored = joined[f"{key}__db"]
            if key not in MONEY_FIELDS:
                # Rows missing from the registry turn the column into floats: 10 would read "10.0".
                stored = stored.astype("Int64")
            differs |= joined[key].astype(str).ne(stored.astype(str))
        row_status = pd.Series(UNCHANGED, index=joined.index)
        row_status[differs] = UPDATED
        row_status[missing] = NEW
        status.loc[row_status.index] = row_status.where(row_status.ne(UNCHANGED), status.loc[row_status.index])
        rows_to_write = with_year.loc[row_status.ne(UNCHANGED), ["credit_code", "year", *figure_keys]]
    else:
        status.loc[with_year.index] = status.loc[with_year.index]
    # A row of a new firm is new; of a changed firm, updated (unless its figures are new).
    firm_of_row = frame["credit_code"].map(firm_status)
    status[firm_of_row.eq(NEW)] = NEW
    status[firm_of_row.eq(UPDATED) & status.eq(UNCHANGED)] = UPDATED

    return Plan(
        counts=_counts(status, int((~known).sum())),
        firms_to_create=merged.loc[~known].reset_index(),
        firms_to_update=merged.loc[changed[changed].index].reset_index(),
        firm_fields_to_update=[f for f in FIRM_FIELDS if changed_cells[f].any()] if len(changed_cells) else [],
        rows_to_write=rows_to_write,
        fields_to_write=figure_keys,
        observed_firm_fields=[f for f in FIRM_SOURCE_FIELDS if f in detail_fields],
    )


def _indicator_rows(enterprise_ids: list[int], years: list[int], keys: list[str]) -> pd.DataFrame:
    chunks = []
    for start in range(0, len(enterprise_ids), 5000):
        part = enterprise_ids[start : start + 5000]
        chunks.extend(
            AnnualIndicator.objects.filter(enterprise_id__in=part, year__in=years).values_list(
                "enterprise_id", "year", *keys
            )
        )
    current = pd.DataFrame(chunks, columns=["enterprise_id", "year", *[f"{k}__db" for k in keys]])
    current["enterprise_id"] = current["enterprise_id"].astype("Int64")
    current["year"] = current["year"].astype("Int64")
    money = {c.key for c in INDICATOR_COLUMNS if c.cell_type is CellType.MONEY_WAN}
    for key in keys:
        if key in money:
            current[f"{key}__db"] = current[f"{key}__db"].map(lambda v: f"{v:.2f}")
    return current


def apply_enterprises(plan: Plan, *, progress: Progress) -> None:
    """Write the plan. The caller holds the transaction: any failure rolls everything back."""
    if uses_postgresql():
        _copy_enterprises(plan, progress=progress)
        return
    creates = [
        Enterprise(credit_code=row.credit_code, **_firm_values(row)) for row in plan.firms_to_create.itertuples()
    ]
    Enterprise.objects.bulk_create(creates, batch_size=BATCH_SIZE)
    progress(0.2)
    if len(plan.firms_to_update):
        updates = [
            Enterprise(credit_code=row.credit_code, **_firm_values(row)) for row in plan.firms_to_update.itertuples()
        ]
        Enterprise.objects.bulk_create(
            updates,
            batch_size=BATCH_SIZE,
            update_conflicts=True,
            unique_fields=["credit_code"],
            update_fields=[*(f.removesuffix("_id") for f in plan.firm_fields_to_update), "updated_at"],
        )
    progress(0.3)
    _observe_firms_orm(plan)
    rows = plan.rows_to_write
    if not len(rows):
        progress(1.0)
        return
    ids = registry_rows(rows["credit_code"].unique().tolist(), ()).set_index("credit_code")["enterprise_id"]
    enterprise_ids = rows["credit_code"].map(ids).astype(int).tolist()
    years = rows["year"].astype(int).tolist()
    values = {key: rows[key].tolist() for key in plan.fields_to_write}
    total = len(rows)
    for start in range(0, total, BATCH_SIZE):
        stop = min(start + BATCH_SIZE, total)
        batch = [
            AnnualIndicator(
                enterprise_id=enterprise_ids[i], year=years[i], **{k: values[k][i] for k in plan.fields_to_write}
            )
            for i in range(start, stop)
        ]
        AnnualIndicator.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["enterprise", "year"],
            update_fields=plan.fields_to_write,
        )
        progress(0.3 + 0.7 * stop / total)
    stamp = _stamp(plan)
    if stamp is not None:
        current = _sheet_current(set(enterprise_ids), plan.fields_to_write)
        SourceValue.objects.bulk_create(
            (
                SourceValue(enterprise_id=enterprise_ids[i], year=years[i], field=k, value=values[k][i], **stamp)
                for i in range(total)
                for k in plan.fields_to_write
                if not _same(current.get((enterprise_ids[i], years[i], k)), values[k][i])
            ),
            batch_size=BATCH_SIZE,
        )


def _stamp(plan: Plan) -> dict | None:
    """Where a committed import's values come from (None: a plan written outside an import, e.g. by a test)."""
    job = plan.job
    if job is None:
        return None
    return {
        "source_kind": SourceKind.SPREADSHEET,
        "source_name": job.file_name[:200],
        "import_job": job,
        "document": job.file_name[:200],
        "as_of": timezone.localdate(),
        "actor": job.committed_by or job.created_by,
    }


def _observe_firms_orm(plan: Plan) -> None:
    stamp = _stamp(plan)
    if stamp is None or not plan.observed_firm_fields:
        return
    firms = pd.concat([plan.firms_to_create, plan.firms_to_update], ignore_index=True)
    if not len(firms):
        return
    ids = registry_rows(firms["credit_code"].tolist(), ()).set_index("credit_code")["enterprise_id"]
    current = _sheet_current({int(i) for i in ids}, plan.observed_firm_fields)
    SourceValue.objects.bulk_create(
        SourceValue(enterprise_id=int(ids[row["credit_code"]]), field=name, value_date=row[name], **stamp)
        for row in firms.to_dict("records")
        for name in plan.observed_firm_fields
        if row[name] and not _same(current.get((int(ids[row["credit_code"]]), None, name)), row[name])
    )


def _sheet_current(enterprise_ids: set[int], fields: list[str]) -> dict[tuple, object]:
    """The staff spreadsheets' current observation of each (firm, year, figure) of these firms (the ORM path's
    _SHEET_CURRENT): a cell is recorded only where it differs."""
    current = {}
    ordered = sorted(enterprise_ids)
    for start in range(0, len(ordered), 5000):
        rows = SourceValue.objects.filter(
            enterprise_id__in=ordered[start : start + 5000], field__in=fields, source_kind=SourceKind.SPREADSHEET
        ).order_by("enterprise_id", "year", "field", "as_of", "id")
        for firm, year, name, value, value_date in rows.values_list(
            "enterprise_id", "year", "field", "value", "value_date"
        ):
            current[(firm, year, name)] = value if value is not None else value_date
    return current


def _same(current, value) -> bool:
    if current is None or value is None or value == "":
        return False
    if isinstance(current, datetime.date):
        return current.isoformat() == str(value)[:10]
    return current == Decimal(str(value))


def _firm_values(row) -> dict:
    values = {}
    for name in FIRM_FIELDS:
        value = getattr(row, name)
        if name == "founded_on":
            value = value or None
        elif name == "county_id":
            value = int(value)
        values[name] = value
    return values


def plan_qualifications(frame: pd.DataFrame) -> Plan:
    ids = frame["enterprise_id"].astype(int).tolist()
    chunks = []
    unique_ids = sorted(set(ids))
    for start in range(0, len(unique_ids), 5000):
        chunks.extend(
            Qualification.objects.filter(enterprise_id__in=unique_ids[start : start + 5000]).values_list(
                "enterprise_id", "kind", "valid_from", "number", "valid_to"
            )
        )
    current = pd.DataFrame(chunks, columns=["enterprise_id", "kind", "valid_from", "number__db", "valid_to__db"])
    for name in ("valid_from", "valid_to__db"):
        current[name] = current[name].map(lambda d: d.isoformat())
    current["enterprise_id"] = current["enterprise_id"].astype("Int64")
    joined = frame.merge(current, on=["enterprise_id", "kind", "valid_from"], how="left", indicator=True)
    joined.index = frame.index
    status = pd.Series(UNCHANGED, index=frame.index)
    status[joined["number"].ne(joined["number__db"]) | joined["valid_to"].ne(joined["valid_to__db"])] = UPDATED
    status[joined["_merge"].eq("left_only")] = NEW
    return Plan(
        counts=_counts(status, 0),
        rows_to_write=frame.loc[status.ne(UNCHANGED), ["enterprise_id", "kind", "number", "valid_from", "valid_to"]],
    )


def apply_qualifications(plan: Plan, *, progress: Progress) -> None:
    rows = plan.rows_to_write
    total = len(rows)
    records = rows.to_dict("records")
    for start in range(0, total, BATCH_SIZE):
        batch = [
            Qualification(
                enterprise_id=int(r["enterprise_id"]),
                kind=r["kind"],
                number=r["number"],
                valid_from=r["valid_from"],
                valid_to=r["valid_to"],
            )
            for r in records[start : start + BATCH_SIZE]
        ]
        Qualification.objects.bulk_create(
            batch,
            update_conflicts=True,
            unique_fields=["enterprise", "kind", "valid_from"],
            update_fields=["number", "valid_to"],
        )
        progress(min(start + BATCH_SIZE, total) / total)
    progress(1.0)


def uses_postgresql() -> bool:
    return connection.vendor == "postgresql"


# PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT per table. Django's bulk_create spends
# most of its time preparing each value in Python; COPY hands PostgreSQL the rows as text.
COPY_CHUNK_ROWS = 10_000
TEXT_FIRM_FIELDS = [f for f in FIRM_FIELDS if f not in ("county_id", "credit_code_checked", "founded_on")]
MONEY_FIELDS = {c.key for c in INDICATOR_COLUMNS if c.cell_type is CellType.MONEY_WAN}


OBSERVED = "enterprise_id, year, source_kind, source_name, import_job_id, document, as_of, actor_id, recorded_at"
STAMPS = "%s, %s, %s, %s, %s, %s, now()"


# The staff spreadsheets' current observation of a figure (the reconciliation's: latest by as-of day, then the one
# recorded last), read off sourcevalue_current_idx. An import records a cell only where it differs: the same value
# again would change no effective value (the sheets' current value stays the same), only add a row and turn its
# conflicts over. Correlated to `e` (the firm), `t` (the file's row) and, for figures, `f` (the figure).
_SHEET_CURRENT = (
    f"SELECT s.{{column}} FROM {SourceValue._meta.db_table} s WHERE s.enterprise_id = e.id AND {{year}} "
    f"AND s.field = {{field}} AND s.source_kind = {name_literal(SourceKind.SPREADSHEET)} "
    "ORDER BY s.as_of DESC, s.id DESC LIMIT 1"
)
_SHEET_CURRENT_VALUE = _SHEET_CURRENT.format(column="value", year="s.year = t.year", field="f.field")
_SHEET_CURRENT_DATE = _SHEET_CURRENT.format(column="value_date", year="s.year IS NULL", field="%s")


def _stamp_params(stamp: dict) -> list:
    return [
        stamp["source_kind"],
        stamp["source_name"],
        stamp["import_job"].pk,
        stamp["document"],
        stamp["as_of"],
        stamp["actor"].pk if stamp["actor"] else None,
    ]


def _copy_rows(cursor, table: str, columns: list[str], frame: pd.DataFrame, *, not_null: list[str], progress) -> None:
    column_list = ", ".join(columns)
    options = "FORMAT csv"
    if not_null:
        options += f", FORCE_NOT_NULL ({', '.join(not_null)})"
    with cursor.cursor.copy(f"COPY {table} ({column_list}) FROM STDIN WITH ({options})") as copy:
        for start in range(0, len(frame), COPY_CHUNK_ROWS):
            chunk = frame.iloc[start : start + COPY_CHUNK_ROWS]
            copy.write(chunk.to_csv(index=False, header=False, columns=columns))
            progress(min(start + COPY_CHUNK_ROWS, len(frame)) / len(frame))


def _copy_enterprises(plan: Plan, *, progress: Progress) -> None:
    firms = pd.concat([plan.firms_to_create, plan.firms_to_update], ignore_index=True)
    firm_table = Enterprise._meta.db_table
    indicator_table = AnnualIndicator._meta.db_table
    firm_columns = ["credit_code", *FIRM_FIELDS]
    with connection.cursor() as cursor:
        # Firms above this id are created by this commit: no observation of theirs to compare with.
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {firm_table}")
        newest = cursor.fetchone()[0]
        if len(firms):
            cursor.execute(
                "CREATE TEMP TABLE import_firms (credit_code text, name text, county_id bigint, "
                "credit_code_checked boolean, industry_code text, industry_name text, high_tech_field text, "
                "founded_on date, address text, contact_person text, contact_phone text) ON COMMIT DROP"
            )
            _copy_rows(
                cursor,
                "import_firms",
                firm_columns,
                firms.assign(credit_code_checked=firms["credit_code_checked"].map({True: "t", False: "f"})),
                not_null=TEXT_FIRM_FIELDS,
                progress=lambda fraction: progress(0.3 * fraction),
            )
            updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in FIRM_FIELDS)
            cursor.execute(
                f"INSERT INTO {firm_table} ({', '.join(firm_columns)}, created_at, updated_at) "
                f"SELECT {', '.join(firm_columns)}, now(), now() FROM import_firms "
                f"ON CONFLICT (credit_code) DO UPDATE SET {updates}, updated_at = EXCLUDED.updated_at"
            )
            stamp = _stamp(plan)
            for name in plan.observed_firm_fields if stamp is not None else ():
                cursor.execute(
                    f"INSERT INTO {SourceValue._meta.db_table} ({OBSERVED}, field, value_date) "
                    f"SELECT e.id, NULL, {STAMPS}, %s, t.{name} FROM import_firms t "
                    f"JOIN {firm_table} e ON e.credit_code = t.credit_code WHERE t.{name} IS NOT NULL "
                    f"AND CASE WHEN e.id > %s THEN true ELSE t.{name} IS DISTINCT FROM ({_SHEET_CURRENT_DATE}) END",
                    [*_stamp_params(stamp), name, newest, name],
                )
            cursor.execute("DROP TABLE import_firms")
        progress(0.4)
        rows = plan.rows_to_write
        if not len(rows):
            progress(1.0)
            return
        # A new row needs every figure; a column the file leaves out is 0 there and untouched on existing rows.
        rows = rows.assign(**{k: ("0.00" if k in MONEY_FIELDS else 0) for k in INDICATOR_FIELDS if k not in rows})
        types = ", ".join(f"{k} {'numeric' if k in MONEY_FIELDS else 'integer'}" for k in INDICATOR_FIELDS)
        cursor.execute(f"CREATE TEMP TABLE import_indicators (credit_code text, year smallint, {types}) ON COMMIT DROP")
        _copy_rows(
            cursor,
            "import_indicators",
            ["credit_code", "year", *INDICATOR_FIELDS],
            rows,
            not_null=[],
            progress=lambda fraction: progress(0.4 + 0.4 * fraction),
        )
        fields = ", ".join(INDICATOR_FIELDS)
        updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in plan.fields_to_write)
        cursor.execute(
            f"INSERT INTO {indicator_table} (enterprise_id, year, {fields}) "
            f"SELECT e.id, t.year, {', '.join(f't.{name}' for name in INDICATOR_FIELDS)} "
            f"FROM import_indicators t JOIN {firm_table} e ON e.credit_code = t.credit_code "
            f"ON CONFLICT (enterprise_id, year) DO UPDATE SET {updates}"
        )
        written = cursor.rowcount
        stamp = _stamp(plan)
        if stamp is not None and plan.fields_to_write:
            # Each written figure is an observation of the staff spreadsheet, in the same statement set, unless the
            # sheets' current observation of it already says the same (a new firm has none to look up).
            figures = ", ".join(f"({name_literal(name)}, t.{name}::numeric)" for name in sorted(plan.fields_to_write))
            cursor.execute(
                f"INSERT INTO {SourceValue._meta.db_table} ({OBSERVED}, field, value) "
                f"SELECT e.id, t.year, {STAMPS}, f.field, f.value FROM import_indicators t "
                f"JOIN {firm_table} e ON e.credit_code = t.credit_code "
                f"CROSS JOIN LATERAL (VALUES {figures}) f(field, value) "
                f"WHERE CASE WHEN e.id > %s THEN true ELSE f.value IS DISTINCT FROM ({_SHEET_CURRENT_VALUE}) END",
                [*_stamp_params(stamp), newest],
            )
        cursor.execute("DROP TABLE import_indicators")
    if written != len(rows):
        raise AssertionError(f"{len(rows)} indicator rows to write, {written} written")
    progress(1.0)
