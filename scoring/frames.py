"""Reading the registry into the frames the rules take: a few set-based queries per chunk of firms, no ORM objects.

On PostgreSQL the rows stream out with COPY into pandas' C parser; elsewhere a plain cursor. Money leaves the
database as integer cents (exact), see scoring.rules.
"""

import datetime
import io
from collections.abc import Callable

import numpy as np
import pandas as pd
from django.db import connection

from enterprises.models import (
    INDICATOR_FIELDS,
    LEFT_POOL_STATUSES,
    Achievement,
    AnnualIndicator,
    Enterprise,
    Qualification,
    QualificationKind,
)
from scoring.rules import ACHIEVEMENT_COLUMNS

# Years of data the rules use (the latest three); older rows than this many years before the run are ignored.
YEARS = 3
MAX_DATA_AGE_YEARS = 6

MONEY_FIELDS = tuple(
    name for name in INDICATOR_FIELDS if AnnualIndicator._meta.get_field(name).get_internal_type() == "DecimalField"
)
QUALIFICATION_KINDS = tuple(QualificationKind.values)
FIRM_COLUMNS = ("id", "county_id", "industry_code", "high_tech_field", "founded_on", "registration_status")


def _indicator_sql(fields: tuple[str, ...] = INDICATOR_FIELDS, *, latest_only: bool = False) -> str:
    columns = ", ".join(
        f"CAST(ROUND({name} * 100) AS BIGINT) AS {name}" if name in MONEY_FIELDS else name for name in fields
    )
    rows = (
        f"{AnnualIndicator._meta.db_table} "
        "WHERE enterprise_id BETWEEN {first} AND {last} AND year < {year} AND year >= {oldest}"
    )
    if latest_only:  # PostgreSQL: each firm's latest year of those the rows above would give
        return (
            f"SELECT DISTINCT ON (enterprise_id) enterprise_id, year, {columns} FROM {rows} "
            "ORDER BY enterprise_id, year DESC"
        )
    return f"SELECT enterprise_id, year, {columns} FROM {rows}"


def _firm_sql() -> str:
    return f"SELECT {', '.join(FIRM_COLUMNS)} FROM {Enterprise._meta.db_table} WHERE id BETWEEN {{first}} AND {{last}}"


def _qualification_sql() -> str:
    return (
        f"SELECT enterprise_id, kind, valid_to FROM {Qualification._meta.db_table} "
        "WHERE enterprise_id BETWEEN {first} AND {last} AND valid_from <= '{on}' AND valid_to >= '{on}'"
    )


# Where the firms that keep a patent register take their IP counts from is the register's app's knowledge: it
# registers here (ip/apps.py) a function returning the SQL template of its counts, so that this module reads them
# without importing an app above it. The template has {first}, {last} (firm ids) and {on} (ISO date) and yields
# REGISTER_COLUMNS, one row per firm with a register. Without a registered source no register is read and every
# firm's IP counts come from its indicators.
_ip_counts_sql: Callable[[], str] | None = None


def register_ip_counts(sql_template: Callable[[], str]) -> None:
    """`sql_template()`: the query of the register-based IP counts, read once per chunk beside the indicators."""
    global _ip_counts_sql
    _ip_counts_sql = sql_template


def _read(template: str, columns: list[str], **params) -> pd.DataFrame:
    # Parameters are ints and an ISO date, formatted here because COPY takes no bind parameters.
    query = template.format(**{key: _literal(value) for key, value in params.items()})
    if connection.vendor == "postgresql":
        buffer = io.BytesIO()
        with connection.cursor() as cursor, cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv)") as copy:
            for block in copy:
                buffer.write(block)
        buffer.seek(0)
        if not buffer.getbuffer().nbytes:
            return pd.DataFrame(columns=columns)
        return pd.read_csv(buffer, header=None, names=columns, keep_default_na=False, na_values=[""])
    with connection.cursor() as cursor:
        cursor.execute(query)
        return pd.DataFrame(cursor.fetchall(), columns=columns)


def _literal(value) -> str:
    if isinstance(value, bool) or not isinstance(value, int | datetime.date):
        raise TypeError(f"unexpected SQL parameter {value!r}")
    return value.isoformat() if isinstance(value, datetime.date) else str(int(value))


def load_frame(
    *,
    first_id: int,
    last_id: int,
    on: datetime.date,
    fields: tuple[str, ...] = INDICATOR_FIELDS,
    latest_only: bool = False,
) -> pd.DataFrame:
    """The frame of every firm with first_id <= id <= last_id, as of `on`: four queries (three without `fields`,
    one fewer without a registered source of IP counts).

    For callers that use less than the rules (policy matching), whose reading is mostly the indicator rows and
    their pivot: `fields` narrows the indicators read to those the caller derives its figures from, and
    `latest_only` reads each firm's latest year alone (its `<field>_3`; `_1` and `_2` stay empty and `n_years` is
    at most 1). Which years count stays build_frame's."""
    unknown = set(fields) - set(INDICATOR_FIELDS)
    if unknown:
        raise ValueError(f"unknown indicator fields {sorted(unknown)}")
    fields = tuple(name for name in INDICATOR_FIELDS if name in fields)
    bounds = {"first": first_id, "last": last_id}
    firms = _read(_firm_sql(), list(FIRM_COLUMNS), **bounds)
    columns = ["enterprise_id", "year", *fields]
    if fields:
        in_sql = latest_only and connection.vendor == "postgresql"
        query = _indicator_sql(fields, latest_only=in_sql)
        indicators = _read(query, columns, year=on.year, oldest=on.year - MAX_DATA_AGE_YEARS, **bounds)
        if latest_only and not in_sql:
            indicators = indicators[indicators["year"] == indicators.groupby("enterprise_id")["year"].transform("max")]
    else:
        indicators = pd.DataFrame(columns=columns)
    qualifications = _read(_qualification_sql(), ["enterprise_id", "kind", "valid_to"], on=on, **bounds)
    register = None
    if _ip_counts_sql is not None:
        register = _read(_ip_counts_sql(), list(REGISTER_COLUMNS), on=on, **bounds)
    return build_frame(firms, indicators, qualifications, register, fields=fields)


def _achievement_sql() -> str:
    return (
        "SELECT enterprise_id, kind, level, role, rank, CAST(ROUND(amount * 100) AS BIGINT), grade, achieved_on, "
        f"valid_to FROM {Achievement._meta.db_table} "
        "WHERE enterprise_id BETWEEN {first} AND {last} AND achieved_on <= '{on}'"
    )


def load_achievements(*, first_id: int, last_id: int, on: datetime.date) -> pd.DataFrame:
    """The achievements of the firms first_id..last_id achieved by `on`, one row each (scoring.rules.
    ACHIEVEMENT_COLUMNS; amounts in cents): one query. The rules derive the routes' flags and sums from them."""
    rows = _read(_achievement_sql(), list(ACHIEVEMENT_COLUMNS), first=first_id, last=last_id, on=on)
    for name in ("achieved_on", "valid_to"):
        rows[name] = pd.to_datetime(rows[name])
    for name in ("kind", "level", "role"):
        rows[name] = rows[name].astype("string").fillna("").astype(str)
    return rows


# Per firm with a patent register: its valid, held Class I and Class II rights on the run's date (the registered
# source of IP counts, see register_ip_counts).
REGISTER_COLUMNS = ("enterprise_id", "ip_register_class1", "ip_register_class2")


def build_frame(
    firms: pd.DataFrame,
    indicators: pd.DataFrame,
    qualifications: pd.DataFrame,
    register: pd.DataFrame | None = None,
    *,
    fields: tuple[str, ...] = INDICATOR_FIELDS,
) -> pd.DataFrame:
    """One row per firm (index: firm id): its attributes, `<field>_1.._3` for its latest three years of `fields`
    (every indicator unless narrowed), `left_pool` (closed or moved out), `n_years`, `latest_year`, `q_<kind>`
    flags of valid qualifications, `q_any` and `high_tech_valid_to`; and, from the patent register,
    `ip_from_register` (the firm has register rows) with `ip_register_class1` / `_class2`. `n_years` and
    `latest_year` count the indicator rows given (none: 0)."""
    frame = firms.set_index("id")
    frame.index.name = "enterprise_id"
    frame["county_id"] = frame["county_id"].astype("int64")
    frame["industry_code"] = frame["industry_code"].astype("string").fillna("").astype(str)
    frame["industry_division"] = frame["industry_code"].str[:2]
    frame["high_tech_field"] = frame["high_tech_field"].astype("string").fillna("").astype(str)
    frame["founded_on"] = pd.to_datetime(frame["founded_on"], errors="coerce")
    # Closed (吊销/注销) or moved out of the city (迁出): outside the pool whatever its figures (rules.tier).
    status = frame["registration_status"] if "registration_status" in frame else pd.Series("", index=frame.index)
    frame["left_pool"] = status.isin([str(s) for s in LEFT_POOL_STATUSES]).to_numpy(dtype=bool)
    frame = frame.drop(columns=["registration_status"], errors="ignore")

    indicators = indicators.astype({"enterprise_id": "int64", "year": "int64"})
    latest = indicators.groupby("enterprise_id")["year"].transform("max")
    position = YEARS - (latest - indicators["year"])
    recent = indicators.assign(position=position)[position >= 1]
    wide = recent.pivot(index="enterprise_id", columns="position", values=list(fields))
    wide = wide.reindex(columns=pd.MultiIndex.from_product([fields, range(1, YEARS + 1)]), fill_value=np.nan).astype(
        float
    )
    wide.columns = [f"{name}_{year}" for name, year in wide.columns]
    frame = frame.join(wide)
    counts = recent.groupby("enterprise_id").agg(n_years=("year", "size"), latest_year=("year", "max"))
    frame = frame.join(counts)
    frame["n_years"] = frame["n_years"].fillna(0).astype("int64")

    kinds = qualifications.assign(valid_to=pd.to_datetime(qualifications["valid_to"]))
    # Membership per kind: a crosstab of firms by kinds aggregates group by group in Python, a tenth of a second at
    # 200,000 firms.
    for kind in QUALIFICATION_KINDS:
        frame[f"q_{kind}"] = frame.index.isin(kinds.loc[kinds["kind"] == kind, "enterprise_id"])
    frame["q_any"] = frame[[f"q_{kind}" for kind in QUALIFICATION_KINDS]].any(axis=1).to_numpy(dtype=bool)
    high_tech_ends = kinds[kinds["kind"] == QualificationKind.HIGH_TECH].groupby("enterprise_id")["valid_to"].max()
    frame["high_tech_valid_to"] = pd.to_datetime(high_tech_ends.reindex(frame.index))

    if register is None:
        register = pd.DataFrame(columns=list(REGISTER_COLUMNS))
    counts = register.astype("int64").set_index("enterprise_id").reindex(frame.index)
    frame["ip_from_register"] = counts["ip_register_class1"].notna().to_numpy(dtype=bool)
    frame["ip_register_class1"] = counts["ip_register_class1"].astype(float)
    frame["ip_register_class2"] = counts["ip_register_class2"].astype(float)
    return frame


def empty_frame_for(firm_ids) -> pd.DataFrame:
    """A frame with the given firms and no data (for tests and edge cases)."""
    firms = pd.DataFrame({"id": list(firm_ids), "county_id": 0, "industry_code": "", "high_tech_field": "",
                          "founded_on": None})  # fmt: skip
    return build_frame(
        firms,
        pd.DataFrame(columns=["enterprise_id", "year", *INDICATOR_FIELDS]),
        pd.DataFrame(columns=["enterprise_id", "kind", "valid_to"]),
    )
