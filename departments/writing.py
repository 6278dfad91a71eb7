"""The writes of the departments' lists. On PostgreSQL, set-based: each list's rows go in by COPY into a temporary
table, then one statement per table (nothing loops over rows in Python). On another database (SQLite: `make run`),
the same results through the ORM, in batches of bulk_create / bulk_update (the choice is the importer's:
committing.uses_postgresql). Either way the caller (the importer's commit) holds the transaction: any failure
writes nothing."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from django.db import connection
from django.utils import timezone

from core.sql import name_literal
from departments.selectors import profile_for
from enterprises.importing import committing
from enterprises.importing.columns import INDICATOR_COLUMNS, CellType
from enterprises.models import DepartmentMatch, Enterprise, Qualification, SourceKind, SourceValue

MONEY_FIELDS = {c.key for c in INDICATOR_COLUMNS if c.cell_type is CellType.MONEY_WAN}
COPY_CHUNK_ROWS = 20_000
SV = SourceValue._meta.db_table
FIRMS = Enterprise._meta.db_table
OBSERVED = "enterprise_id, year, source_kind, source_name, import_job_id, document, as_of, actor_id, recorded_at"


BATCH_SIZE = 2000
CENT = Decimal("0.01")


def _on_postgresql() -> bool:
    return committing.uses_postgresql()


def _stamp(plan) -> dict:
    """Where the list's values come from: the department's list, this import, as of the list's day."""

    job = plan.job
    return {
        "job_id": job.pk if job else None,
        "source_name": profile_for(plan.department_list).source_name[:200],
        "document": job.file_name[:200] if job else "",
        "as_of": (job.as_of if job and job.as_of else None) or timezone.localdate(),
        "actor_id": (job.committed_by_id or job.created_by_id) if job else None,
    }


def _stamps_sql(stamp: dict) -> tuple[str, list]:
    return "%s, %s, %s, %s, %s, %s, now()", [
        SourceKind.DEPARTMENT,
        stamp["source_name"],
        stamp["job_id"],
        stamp["document"],
        stamp["as_of"],
        stamp["actor_id"],
    ]


def _copy(cursor, table: str, definition: str, frame: pd.DataFrame, columns: list[str], *, progress) -> None:
    cursor.execute(f"CREATE TEMP TABLE {table} ({definition}) ON COMMIT DROP")
    total = max(len(frame), 1)
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)") as copy:
        for start in range(0, len(frame), COPY_CHUNK_ROWS):
            chunk = frame.iloc[start : start + COPY_CHUNK_ROWS]
            copy.write(chunk.to_csv(index=False, header=False, columns=columns))
            progress(min(start + COPY_CHUNK_ROWS, len(frame)) / total)


def _match_sql(cursor, plan, stamp: dict, source: str) -> None:
    """Upsert one DepartmentMatch per firm `source` (a query giving enterprise_id) names."""
    cursor.execute(
        f"INSERT INTO {DepartmentMatch._meta.db_table} (enterprise_id, department_list, as_of, import_job_id, "
        f"matched_at) SELECT DISTINCT m.enterprise_id, %s, %s::date, %s::bigint, now() FROM ({source}) m "
        "ON CONFLICT (enterprise_id, department_list) DO UPDATE SET as_of = EXCLUDED.as_of, "
        "import_job_id = EXCLUDED.import_job_id, matched_at = EXCLUDED.matched_at",
        [plan.department_list, stamp["as_of"], stamp["job_id"]],
    )


def record_matches(plan, enterprise_ids: list[int]) -> None:
    stamp = _stamp(plan)
    if not _on_postgresql():
        _match_orm(plan, stamp, enterprise_ids)
        return
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE dept_matched (enterprise_id bigint) ON COMMIT DROP")
        with cursor.cursor.copy("COPY dept_matched (enterprise_id) FROM STDIN") as copy:
            copy.write("".join(f"{i}\n" for i in enterprise_ids))
        _match_sql(cursor, plan, stamp, "SELECT enterprise_id FROM dept_matched")
        cursor.execute("DROP TABLE dept_matched")


def effective_figures(enterprise_ids: list[int], years: list[int], fields: list[str]) -> pd.DataFrame:
    """The registry's effective figures of these firms and years, as text (money with its two decimals), in one
    query (the firms as one array: no IN list of thousands of parameters)."""
    from enterprises.models import AnnualIndicator

    if not _on_postgresql():
        return _effective_figures_orm(enterprise_ids, years, fields)
    columns = ", ".join(f"a.{name}::text" for name in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT a.enterprise_id, a.year, {columns} FROM {AnnualIndicator._meta.db_table} a "
            "JOIN unnest(%s::bigint[]) AS f(id) ON a.enterprise_id = f.id WHERE a.year = ANY(%s::smallint[])",
            [enterprise_ids, years],
        )
        rows = cursor.fetchall()
    current = pd.DataFrame(rows, columns=["enterprise_id", "year", *[f"{name}__db" for name in fields]])
    current["enterprise_id"] = current["enterprise_id"].astype("Int64")
    current["year"] = current["year"].astype("Int64")
    return current


def record_figures(plan, *, progress) -> None:
    """Each figure of each matched row, an observation of the department (empty cells: none)."""
    if not _on_postgresql():
        _record_figures_orm(plan, progress=progress)
        return
    rows, fields = plan.rows_to_write, plan.fields_to_write
    stamp = _stamp(plan)
    stamps, params = _stamps_sql(stamp)
    with connection.cursor() as cursor:
        types = "".join(f", {k} {'numeric' if k in MONEY_FIELDS else 'bigint'}" for k in fields)
        _copy(
            cursor,
            "dept_figures",
            f"enterprise_id bigint, year smallint{types}",
            rows,
            ["enterprise_id", "year", *fields],
            progress=lambda fraction: progress(0.5 * fraction),
        )
        if fields:
            values = ", ".join(f"({name_literal(name)}, t.{name}::numeric)" for name in fields)
            cursor.execute(
                f"INSERT INTO {SV} ({OBSERVED}, field, value) "
                f"SELECT t.enterprise_id, t.year, {stamps}, f.field, f.value FROM dept_figures t "
                f"CROSS JOIN LATERAL (VALUES {values}) f(field, value) WHERE f.value IS NOT NULL",
                params,
            )
        progress(0.9)
        _match_sql(cursor, plan, stamp, "SELECT enterprise_id FROM dept_figures")
        cursor.execute("DROP TABLE dept_figures")
    progress(1.0)


REGISTRATION_COLUMNS = ["credit_code", "is_new", "credit_code_checked", "name", "county_id", "industry_code",
                        "industry_name", "address", "legal_representative", "registered_capital",
                        "registration_status", "founded_on"]  # fmt: skip


def write_registrations(plan, *, progress) -> None:
    """Create the new industrial firms, update the register details of the others (an empty cell keeps the
    registry's value), set each firm's registration status as of the extract's day, and record each founding date
    as an observation of the department."""
    rows = plan.rows_to_write
    for name in REGISTRATION_COLUMNS:
        if name not in rows:
            rows = rows.assign(**{name: ""})
    rows = rows.assign(
        is_new=rows["is_new"].map({True: "t", False: "f"}),
        credit_code_checked=rows["credit_code_checked"].map({True: "t", False: "f"}).fillna("t"),
    )
    if not _on_postgresql():
        _write_registrations_orm(plan, rows, progress=progress)
        return
    stamp = _stamp(plan)
    stamps, params = _stamps_sql(stamp)
    with connection.cursor() as cursor:
        _copy(
            cursor,
            "dept_registrations",
            "credit_code text, is_new boolean, credit_code_checked boolean, name text, county_id bigint, "
            "industry_code text, industry_name text, address text, legal_representative text, "
            "registered_capital numeric, registration_status text, founded_on date",
            rows,
            REGISTRATION_COLUMNS,
            progress=lambda fraction: progress(0.4 * fraction),
        )
        cursor.execute(
            f"INSERT INTO {FIRMS} (credit_code, name, county_id, credit_code_checked, industry_code, industry_name, "
            "high_tech_field, address, contact_person, contact_phone, legal_representative, registered_capital, "
            "registration_status, status_as_of, created_at, updated_at) "
            "SELECT credit_code, name, county_id, credit_code_checked, coalesce(industry_code, ''), "
            "coalesce(industry_name, ''), '', coalesce(address, ''), '', '', coalesce(legal_representative, ''), "
            "registered_capital, coalesce(registration_status, 'active'), %s, now(), now() "
            "FROM dept_registrations WHERE is_new",
            [stamp["as_of"]],
        )
        progress(0.55)
        cursor.execute(
            f"UPDATE {FIRMS} e SET name = coalesce(t.name, e.name), address = coalesce(t.address, e.address), "
            "legal_representative = coalesce(t.legal_representative, e.legal_representative), "
            "registered_capital = coalesce(t.registered_capital, e.registered_capital), "
            "industry_code = coalesce(t.industry_code, e.industry_code), "
            "industry_name = CASE WHEN t.industry_code IS NULL THEN e.industry_name "
            "ELSE coalesce(t.industry_name, e.industry_name) END, "
            "registration_status = coalesce(t.registration_status, e.registration_status), "
            "status_as_of = CASE WHEN t.registration_status IS NULL THEN e.status_as_of ELSE %s END, "
            "updated_at = now() FROM dept_registrations t WHERE NOT t.is_new AND e.credit_code = t.credit_code",
            [stamp["as_of"]],
        )
        progress(0.75)
        cursor.execute(
            f"INSERT INTO {SV} ({OBSERVED}, field, value_date) "
            f"SELECT e.id, NULL, {stamps}, 'founded_on', t.founded_on FROM dept_registrations t "
            f"JOIN {FIRMS} e ON e.credit_code = t.credit_code WHERE t.founded_on IS NOT NULL",
            params,
        )
        progress(0.9)
        _match_sql(
            cursor,
            plan,
            stamp,
            f"SELECT e.id AS enterprise_id FROM dept_registrations t JOIN {FIRMS} e ON e.credit_code = t.credit_code",
        )
        cursor.execute("DROP TABLE dept_registrations")
    progress(1.0)


def write_qualifications(plan, *, progress) -> None:
    """Each matched row's qualification, with where it came from (an existing one of the same start is updated)."""
    if not _on_postgresql():
        _write_qualifications_orm(plan, progress=progress)
        return
    rows = plan.rows_to_write
    stamp = _stamp(plan)
    with connection.cursor() as cursor:
        _copy(
            cursor,
            "dept_qualifications",
            "enterprise_id bigint, kind text, number text, valid_from date, valid_to date",
            rows,
            ["enterprise_id", "kind", "number", "valid_from", "valid_to"],
            progress=lambda fraction: progress(0.5 * fraction),
        )
        cursor.execute(
            f"INSERT INTO {Qualification._meta.db_table} (enterprise_id, kind, number, valid_from, valid_to, "
            "source_kind, source_list, source_job_id, source_as_of) "
            "SELECT enterprise_id, kind, coalesce(number, ''), valid_from, valid_to, %s, %s, %s, %s "
            "FROM dept_qualifications "
            "ON CONFLICT (enterprise_id, kind, valid_from) DO UPDATE SET number = EXCLUDED.number, "
            "valid_to = EXCLUDED.valid_to, source_kind = EXCLUDED.source_kind, source_list = EXCLUDED.source_list, "
            "source_job_id = EXCLUDED.source_job_id, source_as_of = EXCLUDED.source_as_of",
            [SourceKind.DEPARTMENT, plan.department_list, stamp["job_id"], stamp["as_of"]],
        )
        progress(0.9)
        _match_sql(cursor, plan, stamp, "SELECT enterprise_id FROM dept_qualifications")
        cursor.execute("DROP TABLE dept_qualifications")
    progress(1.0)


# ---------------------------------------------------------------------------------------------------------------
# Another database (SQLite): the same writes through the ORM, in batches. A cell the COPY path reads as NULL (an
# empty text, a missing value) is None here, and a money value is rounded to the cent as PostgreSQL's numeric does.


def _value(value):
    """A cell as the database would take it from the COPY's csv: empty → None."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value) or value == "":
        return None
    return value


def _money(value) -> Decimal | None:
    value = _value(value)
    return None if value is None else Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _day(value) -> dt.date | None:
    value = _value(value)
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _observation_stamp(stamp: dict) -> dict:
    return {
        "source_kind": SourceKind.DEPARTMENT,
        "source_name": stamp["source_name"],
        "import_job_id": stamp["job_id"],
        "document": stamp["document"],
        "as_of": stamp["as_of"],
        "actor_id": stamp["actor_id"],
    }


def _firm_ids(codes: list[str]) -> dict[str, int]:
    from enterprises.importing.validation import registry_rows

    found = registry_rows(codes, ())
    return dict(zip(found["credit_code"].tolist(), found["enterprise_id"].astype(int).tolist(), strict=True))


def _match_orm(plan, stamp: dict, enterprise_ids) -> None:
    """One DepartmentMatch per firm named (an existing one of the list takes this list's day and import)."""
    ids = sorted({int(i) for i in enterprise_ids})
    DepartmentMatch.objects.bulk_create(
        (
            DepartmentMatch(
                enterprise_id=i,
                department_list=plan.department_list,
                as_of=stamp["as_of"],
                import_job_id=stamp["job_id"],
            )
            for i in ids
        ),
        batch_size=BATCH_SIZE,
        update_conflicts=True,
        unique_fields=["enterprise", "department_list"],
        update_fields=["as_of", "import_job", "matched_at"],
    )


def _effective_figures_orm(enterprise_ids: list[int], years: list[int], fields: list[str]) -> pd.DataFrame:
    from enterprises.models import AnnualIndicator

    rows = []
    for start in range(0, len(enterprise_ids), 5000):
        part = enterprise_ids[start : start + 5000]
        rows.extend(
            AnnualIndicator.objects.filter(enterprise_id__in=part, year__in=years).values_list(
                "enterprise_id", "year", *fields
            )
        )
    current = pd.DataFrame(rows, columns=["enterprise_id", "year", *[f"{name}__db" for name in fields]], dtype=object)
    for name in fields:  # as PostgreSQL's ::text writes them: money with its two decimals
        text = (lambda v: f"{v:.2f}") if name in MONEY_FIELDS else str
        current[f"{name}__db"] = current[f"{name}__db"].map(lambda v, text=text: None if v is None else text(v))
    current["enterprise_id"] = current["enterprise_id"].astype("Int64")
    current["year"] = current["year"].astype("Int64")
    return current


def _record_figures_orm(plan, *, progress) -> None:
    rows, fields = plan.rows_to_write, plan.fields_to_write
    stamp = _stamp(plan)
    observed = _observation_stamp(stamp)
    ids = rows["enterprise_id"].astype(int).tolist()
    years = rows["year"].astype(int).tolist()
    values = {name: [_money(v) for v in rows[name].tolist()] for name in fields}
    total = max(len(rows), 1)
    for start in range(0, len(rows), BATCH_SIZE):
        stop = min(start + BATCH_SIZE, len(rows))
        SourceValue.objects.bulk_create(
            [
                SourceValue(enterprise_id=ids[i], year=years[i], field=name, value=values[name][i], **observed)
                for i in range(start, stop)
                for name in fields
                if values[name][i] is not None
            ],
            batch_size=BATCH_SIZE,
        )
        progress(0.9 * stop / total)
    _match_orm(plan, stamp, ids)
    progress(1.0)


def _write_registrations_orm(plan, rows: pd.DataFrame, *, progress) -> None:
    stamp = _stamp(plan)
    as_of = stamp["as_of"]
    records = rows.to_dict("records")
    new = [r for r in records if r["is_new"] == "t"]
    Enterprise.objects.bulk_create(
        (
            Enterprise(
                credit_code=r["credit_code"],
                name=r["name"],
                county_id=int(r["county_id"]),
                credit_code_checked=r["credit_code_checked"] != "f",
                industry_code=_value(r["industry_code"]) or "",
                industry_name=_value(r["industry_name"]) or "",
                high_tech_field="",
                address=_value(r["address"]) or "",
                contact_person="",
                contact_phone="",
                legal_representative=_value(r["legal_representative"]) or "",
                registered_capital=_money(r["registered_capital"]),
                registration_status=_value(r["registration_status"]) or "active",
                status_as_of=as_of,
            )
            for r in new
        ),
        batch_size=BATCH_SIZE,
    )
    progress(0.4)
    # The others: each cell given replaces the registry's value, an empty one keeps it.
    given = {r["credit_code"]: r for r in records if r["is_new"] != "t"}
    codes = sorted(given)
    now = timezone.now()
    written = ["name", "address", "legal_representative", "registered_capital", "industry_code", "industry_name",
               "registration_status", "status_as_of", "updated_at"]  # fmt: skip
    for start in range(0, len(codes), BATCH_SIZE):
        part = codes[start : start + BATCH_SIZE]
        firms = list(Enterprise.objects.filter(credit_code__in=part).only("credit_code", *written))
        for firm in firms:
            row = given[firm.credit_code]
            for name in ("name", "address", "legal_representative", "industry_code", "registration_status"):
                if _value(row[name]) is not None:
                    setattr(firm, name, row[name])
            if _value(row["registered_capital"]) is not None:
                firm.registered_capital = _money(row["registered_capital"])
            if _value(row["industry_code"]) is not None and _value(row["industry_name"]) is not None:
                firm.industry_name = row["industry_name"]
            if _value(row["registration_status"]) is not None:
                firm.status_as_of = as_of
            firm.updated_at = now
        Enterprise.objects.bulk_update(firms, written, batch_size=500)
    progress(0.75)
    ids = _firm_ids([r["credit_code"] for r in records])
    observed = _observation_stamp(stamp)
    SourceValue.objects.bulk_create(
        (
            SourceValue(
                enterprise_id=ids[r["credit_code"]], field="founded_on", value_date=_day(r["founded_on"]), **observed
            )
            for r in records
            if r["credit_code"] in ids and _value(r["founded_on"]) is not None
        ),
        batch_size=BATCH_SIZE,
    )
    progress(0.9)
    _match_orm(plan, stamp, ids.values())
    progress(1.0)


def _write_qualifications_orm(plan, *, progress) -> None:
    rows = plan.rows_to_write
    stamp = _stamp(plan)
    records = rows.to_dict("records")
    total = max(len(records), 1)
    for start in range(0, len(records), BATCH_SIZE):
        batch = records[start : start + BATCH_SIZE]
        Qualification.objects.bulk_create(
            [
                Qualification(
                    enterprise_id=int(r["enterprise_id"]),
                    kind=r["kind"],
                    number=_value(r["number"]) or "",
                    valid_from=_day(r["valid_from"]),
                    valid_to=_day(r["valid_to"]),
                    source_kind=SourceKind.DEPARTMENT,
                    source_list=plan.department_list,
                    source_job_id=stamp["job_id"],
                    source_as_of=stamp["as_of"],
                )
                for r in batch
            ],
            update_conflicts=True,
            unique_fields=["enterprise", "kind", "valid_from"],
            update_fields=["number", "valid_to", "source_kind", "source_list", "source_job", "source_as_of"],
        )
        progress(0.9 * min(start + BATCH_SIZE, len(records)) / total)
    _match_orm(plan, stamp, [int(i) for i in rows["enterprise_id"].tolist()])
    progress(1.0)
