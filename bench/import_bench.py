"""Benchmark of the bulk enterprise import on PostgreSQL, beside a default django-import-export ModelResource.

Generates an xlsx (default 11,000 firms) and a GB18030 csv (default 100,000 firms, the hardest case: every row a
new firm) in the enterprise template's format, then times the whole service path, upload and check (the preview)
and commit, with Celery eager as in the embedded default. Also commits the same xlsx a second time (every row must
come out unchanged), the csv again with every row's revenue changed (`csv_100k_changed_*`: one figure per row
differs; with the observations each commit recorded) and imports the same firms and figures through plain
`ModelResource`s with default settings.
Each case runs in a fresh subprocess, so its peak RSS is its own; each starts from an empty registry, except the
repeated xlsx and the changed csv, which start from the import before them.

Targets: 11,000-row xlsx end to end under 3 s, 100,000-row csv under 20 s, peak memory under 500 MB, at least
10 times faster than the default resource.

    .venv/bin/python bench/import_bench.py [--xlsx-rows 11000] [--csv-rows 100000] [--default-rows N]
                                           [--seed 2026] [--database-url URL] [--keep-data] [--profile]

With --hostile, it measures the hostile uploads instead (tests/data/make_corpus.py builds them): a 1 MB xlsx
holding 1 GiB of XML (a zip bomb), a 2 KB sheet with one stray cell at AA1048576, a dense sheet of 1,048,575 rows,
each refused by the check's reading in a fresh process (time and that process's peak RSS), and a file at the row
limit (300,000 rows of every template column), read and validated. Then the worst cases, each checked (read and
validated) in a fresh process: an xlsx as Excel saves it (every text in the shared strings table) and a GB18030 csv,
every row of both its own (names, codes, addresses, contacts, dates, figures), filled up to the configured upload
limit, IMPORT_MAX_FILE_MB for the xlsx and IMPORT_MAX_CSV_MB for the csv (or IMPORT_MAX_ROWS rows, whichever comes
first). Targets: bomb and sparse sheet refused in
under 2 s below 300 MB, the million rows refused in seconds, the worst cases under 600 MB. The last line then holds
`zip_bomb_peak_mb`, `zip_bomb_s`, `sparse_peak_mb`, `sparse_s`, `max_rows_reject_s`, `max_rows_peak_mb`,
`limit_check_s`, `limit_peak_mb`, `worst_xlsx_peak_mb`, `worst_xlsx_mb`, `worst_xlsx_rows`, `worst_csv_peak_mb`,
`worst_csv_mb`, `worst_csv_rows`, `max_file_mb`, `max_csv_mb` (run with IMPORT_MAX_FILE_MB=N or IMPORT_MAX_CSV_MB=N
in the environment to measure another limit).

    .venv/bin/python bench/import_bench.py --hostile [--bomb-mb 1024] [--dense-rows 1048575] [--limit-rows 300000]

Human-readable progress goes to stdout; the last line is one JSON object with the results. Its keys keep the names
of the target sizes (`xlsx_11k_s`, `csv_100k_s`, ...) whatever the sizes given; `config` holds the sizes used.
The bench database (default $DATABASE_URL, else portal_import_bench) is created and migrated when missing, and
dropped at the end unless --keep-data, and only when this run created it. Its registry (firms, indicators,
qualifications, and enterprise accounts tied to firms) is deleted before every case: never point --database-url at a
database whose registry you keep. The csv is GB18030 (no BOM), as WPS/Excel on Chinese Windows save it.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from list_bench import database_name, drop_database, ensure_database, log, manage

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_import_bench"
USERNAME = "import-bench"
RESULT_MARKER = "BENCH_RESULT "
XLSX_BLOCK, CSV_BLOCK = 1, 2  # keep the two files' credit codes apart
TARGETS = {"xlsx_11k_s": 3.0, "csv_100k_s": 20.0, "peak_mb": 500.0, "speedup": 10.0}
TARGET_SIZES = {"xlsx_rows": 11000, "csv_rows": 100000}
PROFILE_LINES = 15


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--xlsx-rows", type=int, default=11000, help="firms in the xlsx (default 11000)")
    parser.add_argument("--csv-rows", type=int, default=100000, help="firms in the csv (default 100000)")
    parser.add_argument(
        "--default-rows", type=int, default=None, help="firms for the default ModelResource (default: --xlsx-rows)"
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of the generated data (default 2026)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL URL of the bench database (default $DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--keep-data", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--profile",
        action="store_true",
        help=f"also profile the csv case: stage timings, then cProfile of check and commit (top {PROFILE_LINES})",
    )
    parser.add_argument("--hostile", action="store_true", help="measure the hostile uploads instead (see above)")
    parser.add_argument("--bomb-mb", type=int, default=1024, help="XML packed into the zip bomb, MB (default 1024)")
    parser.add_argument("--dense-rows", type=int, default=1_048_575, help="rows of the too-long sheet")
    parser.add_argument(
        "--limit-rows",
        type=int,
        default=300_000,
        help="rows of the file at the row limit, read and validated (0: skip)",
    )
    # Internal: run one case in this (fresh) process and print its result; used by the parent run.
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--work-dir", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.default_rows is None:
        args.default_rows = args.xlsx_rows
    if min(args.xlsx_rows, args.csv_rows, args.default_rows) < 1:
        parser.error("--xlsx-rows, --csv-rows and --default-rows must be positive")
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        parser.error("--database-url must be a PostgreSQL URL")
    return args


# ---------------------------------------------------------------------------------------------------------------
# Database (parent)


# ---------------------------------------------------------------------------------------------------------------
# Processes (parent)


def django_env(database_url: str, work_dir: Path) -> dict:
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="false",  # no query log eating memory
        DATABASE_URL=database_url,
        REDIS_URL="",  # set but empty, so a .env cannot bring a broker back: Celery runs tasks inline (eager)
        PRIVATE_MEDIA_ROOT=str(work_dir / "private"),
        MEDIA_ROOT=str(work_dir / "media"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_case(case: str, args, work_dir: Path) -> dict:
    """Run one case in a fresh interpreter, echo its progress, and return the result it printed last."""
    command = [
        PYTHON, str(Path(__file__).resolve()), "--case", case, "--work-dir", str(work_dir),
        "--database-url", args.database_url, "--seed", str(args.seed),
        "--xlsx-rows", str(args.xlsx_rows), "--csv-rows", str(args.csv_rows), "--default-rows", str(args.default_rows),
        "--bomb-mb", str(args.bomb_mb), "--dense-rows", str(args.dense_rows), "--limit-rows", str(args.limit_rows),
    ]  # fmt: skip
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=BASE_DIR, env=django_env(args.database_url, work_dir), stdout=subprocess.PIPE, text=True
    )
    result = None
    for line in process.stdout:
        if line.startswith(RESULT_MARKER):
            result = json.loads(line[len(RESULT_MARKER) :])
        else:
            log("  " + line.rstrip("\n"))
    process.wait()
    if result is None:
        result = {"error": f"case {case} exited with {process.returncode} and printed no result"}
    result["wall_s"] = round(time.monotonic() - started, 2)
    if result.get("error"):
        log(f"  case {case} FAILED: {result['error']}")
    return result


# ---------------------------------------------------------------------------------------------------------------
# Data (child)


def setup_django() -> None:
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()


def firm_table(rows: int, *, seed: int, block: int) -> dict:
    """`rows` firms with one year of figures each, as a statistics extract would carry them (money in 万元).

    Deterministic in (rows, seed, block). Every credit code is valid and unique (the organisation part is a
    bijection of the row index), every name unique; S&T personnel never exceed employees, domestic R&D never
    exceeds R&D.
    """
    import datetime as dt

    import numpy as np

    from demo.common import GIVEN_NAMES, SURNAMES
    from demo.firms import (
        BRAND_CHARACTERS,
        COUNTY_WEIGHTS,
        FIELD_BY_DIVISION,
        INDUSTRY_WEIGHTS,
        INDUSTRY_WORD,
        NAME_PREFIX,
        STREETS,
    )
    from enterprises.credit_codes import ALPHABET, make_credit_code
    from enterprises.importing.columns import HIGH_TECH_FIELD_NAMES
    from enterprises.industries import INDUSTRY_DIVISIONS
    from enterprises.models import County, HighTechField

    rng = np.random.default_rng([seed, block])
    today = dt.date.today()
    counties = dict(County.objects.values_list("code", "name"))
    county_codes = [code for code in COUNTY_WEIGHTS if code in counties]
    if not county_codes:
        raise RuntimeError("no county of demo.firms.COUNTY_WEIGHTS in the database; is it migrated?")
    weights = np.array([COUNTY_WEIGHTS[code] for code in county_codes])
    county_of = rng.choice(np.array(county_codes), size=rows, p=weights / weights.sum()).tolist()
    divisions = np.array(list(INDUSTRY_WEIGHTS))
    division_weights = np.array(list(INDUSTRY_WEIGHTS.values()), dtype=float)
    division_of = rng.choice(divisions, size=rows, p=division_weights / division_weights.sum()).tolist()
    sub_class = rng.integers(10, 100, rows)

    # Money in 万元, two decimals. Most firms do no R&D at all.
    revenue = np.clip(800 * rng.lognormal(0, 1.1, rows), 20, 500_000)
    has_rd = rng.random(rows) < 0.35
    rd = np.where(has_rd, revenue * rng.uniform(0.005, 0.08, rows), 0.0)
    money = {
        "revenue": revenue,
        "main_business_revenue": revenue * rng.uniform(0.85, 1.0, rows),
        "total_costs": revenue * rng.uniform(0.85, 1.02, rows),
        "rd_expense": rd,
        "rd_expense_domestic": rd * rng.uniform(0.85, 1.0, rows),
        "high_tech_revenue": np.where(rng.random(rows) < 0.15, revenue * rng.uniform(0.2, 0.9, rows), 0.0),
    }
    money["total_assets"] = revenue * rng.uniform(0.6, 1.6, rows)
    money["total_liabilities"] = money["total_assets"] * rng.uniform(0.2, 0.75, rows)
    money = {key: np.round(values, 2) for key, values in money.items()}
    money["rd_expense_domestic"] = np.minimum(money["rd_expense_domestic"], money["rd_expense"])
    employees = np.clip(np.round(revenue * 1e4 / rng.lognormal(np.log(4e5), 0.4, rows)), 5, 3000).astype(int)
    st_share = np.where(has_rd, rng.uniform(0.05, 0.4, rows), rng.uniform(0.0, 0.05, rows))
    counts = {
        "employees": employees,
        "st_personnel": np.minimum(np.round(employees * st_share).astype(int), employees),
        "invention_patents": rng.poisson(np.where(has_rd, 2.0, 0.05)),
        "other_class1_ip": rng.poisson(np.where(has_rd, 0.05, 0.0)),
        "utility_models": rng.poisson(np.where(has_rd, 6.0, 0.3)),
        "designs": rng.poisson(np.where(has_rd, 0.6, 0.05)),
        "software_copyrights": rng.poisson(np.where(has_rd, 1.5, 0.1)),
        "results_converted": rng.poisson(np.where(has_rd, 1.0, 0.0)),
    }
    high_tech = rng.random(rows) < 0.2
    blank_industry_name = rng.random(rows) < 0.3  # the importer fills it from the code
    ages = 200 + rng.integers(0, 25 * 365, rows)
    chinese_date = rng.random(rows) < 0.2  # csv only: 2015年3月18日 beside ISO dates

    brand_characters = "".join(dict.fromkeys(BRAND_CHARACTERS))  # the demo's list repeats a character
    brands = len(brand_characters)
    brand_length = 3
    while brands**brand_length < rows:
        brand_length += 1
    modulus = len(ALPHABET) ** 8
    offset = block * 10_000_000
    codes, names = [], []
    for index in range(rows):
        # Organisation part: 8 characters, a bijection of the index (the multiplier is coprime to 31**8), then a digit.
        value = ((index + offset) * 2_654_435_761) % modulus
        organisation = ""
        for _position in range(8):
            value, remainder = divmod(value, len(ALPHABET))
            organisation += ALPHABET[remainder]
        codes.append(make_credit_code("91" + county_of[index] + organisation + str(index % 10)))
        brand = "".join(brand_characters[(index // brands**digit) % brands] for digit in range(brand_length))
        suffix = ("有限公司", "有限公司", "股份有限公司", "有限责任公司")[index % 4]
        names.append(f"{NAME_PREFIX.get(county_of[index], '平顶山')}{brand}{INDUSTRY_WORD[division_of[index]]}{suffix}")
    if len(set(codes)) != rows or len(set(names)) != rows:
        raise AssertionError("generated credit codes or names are not unique")

    founded = [today - dt.timedelta(days=int(age)) for age in ages]
    field_values = [
        FIELD_BY_DIVISION.get(division, HighTechField.ADVANCED_MANUFACTURING) if high else ""
        for division, high in zip(division_of, high_tech, strict=True)
    ]
    return {
        "rows": rows,
        "year": today.year - 1,
        "credit_code": codes,
        "name": names,
        "county_code": county_of,
        "county_name": [counties[code] for code in county_of],
        "industry_code": [f"{division}{sub}" for division, sub in zip(division_of, sub_class.tolist(), strict=True)],
        "industry_name": [
            "" if blank else INDUSTRY_DIVISIONS[division]
            for division, blank in zip(division_of, blank_industry_name, strict=True)
        ],
        "industry_name_filled": [INDUSTRY_DIVISIONS[division] for division in division_of],
        "high_tech_field": field_values,
        "high_tech_field_name": [HIGH_TECH_FIELD_NAMES[value] if value else "" for value in field_values],
        "founded_on": founded,
        "founded_text": [
            f"{day.year}年{day.month}月{day.day}日" if chinese else day.isoformat()
            for day, chinese in zip(founded, chinese_date, strict=True)
        ],
        "address": [f"{counties[code]}{STREETS[i % len(STREETS)]}{i % 300 + 1}号" for i, code in enumerate(county_of)],
        "contact_person": [SURNAMES[i % len(SURNAMES)] + GIVEN_NAMES[(i * 7) % len(GIVEN_NAMES)] for i in range(rows)],
        "contact_phone": [f"1{3 + i % 6}{(i * 7919) % 10**9:09d}" for i in range(rows)],
        "money_wan": money,  # float arrays, already rounded to 2 decimals
        "counts": counts,  # int arrays
    }


def expected_totals(table: dict) -> dict:
    """What the registry must hold after importing `table`: firm and row counts, money sums in whole yuan."""
    import numpy as np

    totals = {"firms": table["rows"], "indicators": table["rows"]}
    for key, values in table["money_wan"].items():
        hundreds_of_yuan = np.rint(values * 100).astype(np.int64)  # 0.01 万元 = 100 yuan
        totals[key] = int(hundreds_of_yuan.sum()) * 100
    for key, values in table["counts"].items():
        totals[key] = int(values.sum())
    return totals


def file_values(table: dict, index: int, key: str, *, csv_file: bool):
    """The cell of row `index` for template column `key`, as the file carries it."""
    if key in table["money_wan"]:
        value = float(table["money_wan"][key][index])
        return f"{value:.2f}" if csv_file else value
    if key in table["counts"]:
        value = int(table["counts"][key][index])
        if csv_file and key == "other_class1_ip" and value == 0:
            return ""  # statistics tables leave zeros blank; an empty figure counts as zero
        return value
    if key == "county":
        return table["county_name"][index]
    if key == "high_tech_field":
        return table["high_tech_field_name"][index]
    if key == "founded_on":
        return table["founded_text"][index] if csv_file else table["founded_on"][index]
    if key == "year":
        return table["year"]
    return table[key][index]


def write_xlsx(table: dict, path: Path) -> None:
    import datetime as dt

    import xlsxwriter

    from enterprises.importing.columns import ENTERPRISE_COLUMNS, CellType

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    money_format = workbook.add_format({"num_format": "0.00"})
    sheet = workbook.add_worksheet("企业年度数据")
    for position, column in enumerate(ENTERPRISE_COLUMNS):
        sheet.write_string(0, position, column.header, bold)
    for index in range(table["rows"]):
        row = index + 1
        for position, column in enumerate(ENTERPRISE_COLUMNS):
            value = file_values(table, index, column.key, csv_file=False)
            if value == "":
                continue
            if isinstance(value, dt.date):
                sheet.write_datetime(row, position, dt.datetime.combine(value, dt.time()), date_format)
            elif column.cell_type is CellType.MONEY_WAN:
                sheet.write_number(row, position, value, money_format)
            elif isinstance(value, int):
                sheet.write_number(row, position, value)
            else:
                sheet.write_string(row, position, value)  # credit codes and phone numbers stay text
    workbook.close()


def write_csv(table: dict, path: Path) -> None:
    """GB18030 without BOM, as WPS and Excel on a Chinese Windows save "CSV" by default."""
    import csv
    import io

    from enterprises.importing.columns import ENTERPRISE_COLUMNS

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([column.header for column in ENTERPRISE_COLUMNS])
    for index in range(table["rows"]):
        writer.writerow([file_values(table, index, column.key, csv_file=True) for column in ENTERPRISE_COLUMNS])
    path.write_bytes(buffer.getvalue().encode("gb18030"))


def reset_registry() -> None:
    """Empty the registry (outside any timing) and tidy the tables, so every case starts from the same state."""
    from django.db import connection

    from accounts.models import User
    from enterprises.models import AnnualIndicator, Conflict, Enterprise, Qualification, SourceValue

    User.objects.filter(enterprise__isnull=False).delete()
    tables = [model._meta.db_table for model in (Conflict, SourceValue, AnnualIndicator, Qualification, Enterprise)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'DELETE FROM "{table}"')
        for table in tables:
            cursor.execute(f'VACUUM ANALYZE "{table}"')


def registry_totals() -> dict:
    from django.db.models import Sum

    from enterprises.importing.columns import INDICATOR_COLUMNS
    from enterprises.models import AnnualIndicator, Enterprise

    sums = AnnualIndicator.objects.aggregate(**{c.key: Sum(c.key) for c in INDICATOR_COLUMNS})
    totals = {"firms": Enterprise.objects.count(), "indicators": AnnualIndicator.objects.count()}
    totals.update({key: int(value or 0) for key, value in sums.items()})
    return totals


def rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


# ---------------------------------------------------------------------------------------------------------------
# Cases (child)


def tables_for(args) -> dict[str, dict]:
    return {
        "xlsx": firm_table(args.xlsx_rows, seed=args.seed, block=XLSX_BLOCK),
        "csv": firm_table(args.csv_rows, seed=args.seed, block=CSV_BLOCK),
    }


def case_setup(args, work_dir: Path) -> dict:
    import secrets

    from accounts.models import Role, User
    from accounts.services import user_create

    if not User.objects.filter(username=USERNAME).exists():
        user_create(username=USERNAME, password=secrets.token_urlsafe(24), role=Role.CITY_STAFF)
    reset_registry()
    started = time.perf_counter()
    tables = tables_for(args)
    write_xlsx(tables["xlsx"], work_dir / "xlsx_file")
    write_csv(tables["csv"], work_dir / "csv_file")
    # The same csv with every row's revenue 1 万元 higher: a re-import changing one figure of every row.
    revenue = tables["csv"]["money_wan"]["revenue"]
    changed = {**tables["csv"], "money_wan": {**tables["csv"]["money_wan"], "revenue": (revenue + 1).round(2)}}
    write_csv(changed, work_dir / "csv_changed_file")
    expected = {kind: expected_totals(table) for kind, table in tables.items()}
    (work_dir / "expected.json").write_text(json.dumps(expected))
    sizes = {kind: (work_dir / f"{kind}_file").stat().st_size for kind in tables}
    log(
        f"generated {args.xlsx_rows} xlsx rows ({sizes['xlsx'] / 2**20:.1f} MB) and {args.csv_rows} csv rows "
        f"(GB18030, {sizes['csv'] / 2**20:.1f} MB) in {time.perf_counter() - started:.1f} s"
    )
    return {"file_mb": {kind: round(size / 2**20, 2) for kind, size in sizes.items()}}


def import_file(content: bytes, file_name: str, user, *, profile: dict | None = None) -> dict:
    """Upload + check (the preview), then commit, through the services; both run inline (eager Celery)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises.importing.services import import_job_create, import_job_request_commit
    from enterprises.models import ImportJob

    def run(label, function, **kwargs):
        if profile is None:
            return function(**kwargs)
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(function, **kwargs)
        profile[label] = profiler
        return result

    started = time.perf_counter()
    job = run(
        "check",
        import_job_create,
        kind=ImportJob.Kind.ENTERPRISES,
        uploaded_file=SimpleUploadedFile(file_name, content),
        actor=user,
    )
    checked = time.perf_counter()
    job.refresh_from_db()
    counts = {
        name: getattr(job, name)
        for name in ("row_count", "new_firms", "new_rows", "updated_rows", "unchanged_rows", "warning_count")
    }
    outcome = {"preview_s": round(checked - started, 3), "check_ms": job.check_ms, "counts": counts}
    if job.status != ImportJob.Status.READY:
        outcome["error"] = f"check ended {job.status} ({job.error_count} errors): {job.message}"
        outcome["issues"] = job.issues_preview[:5]
        return outcome
    log(f"preview in {outcome['preview_s']:.2f} s (check_ms {job.check_ms}): {counts}")
    if job.warning_count:
        log(f"  warnings, first: {job.issues_preview[:3]}")
    started = time.perf_counter()
    run("commit", import_job_request_commit, job=job, actor=user)
    committed = time.perf_counter()
    job.refresh_from_db()
    outcome.update(commit_s=round(committed - started, 3), commit_ms=job.commit_ms)
    from enterprises.models import SourceValue

    outcome["observations"] = SourceValue.objects.filter(import_job=job).count()  # recorded by this commit
    outcome["total_s"] = round(outcome["preview_s"] + outcome["commit_s"], 3)
    if job.status != ImportJob.Status.COMMITTED:
        outcome["error"] = f"commit ended {job.status}: {job.message}"
        return outcome
    log(f"commit in {outcome['commit_s']:.2f} s (commit_ms {job.commit_ms}); total {outcome['total_s']:.2f} s")
    return outcome


def verify(kind: str, work_dir: Path) -> str | None:
    expected = json.loads((work_dir / "expected.json").read_text())[kind]
    actual = registry_totals()
    wrong = {key: (value, actual.get(key)) for key, value in expected.items() if actual.get(key) != value}
    if wrong:
        return f"registry after the import differs from the file (expected, found): {wrong}"
    log(f"registry checked: {actual['firms']} firms, {actual['indicators']} indicator rows, all sums match the file")
    return None


def case_import(args, work_dir: Path, kind: str, *, repeat: bool = False) -> dict:
    from accounts.models import User

    if not repeat and kind != "csv_changed":
        reset_registry()
    user = User.objects.get(username=USERNAME)
    content = (work_dir / f"{kind}_file").read_bytes()
    rows = args.xlsx_rows if kind == "xlsx" else args.csv_rows
    baseline = rss_mb()
    outcome = import_file(content, f"enterprises-{rows}.{kind.removesuffix('_changed')}", user)
    outcome.update(rss_baseline_mb=round(baseline, 1), peak_mb=round(peak_rss_mb(), 1))
    if outcome.get("error"):
        return outcome
    if repeat:
        counts = outcome["counts"]
        if counts["new_rows"] or counts["updated_rows"] or counts["new_firms"] or counts["unchanged_rows"] != rows:
            outcome["error"] = f"the same file again should leave every row unchanged, the preview says {counts}"
            return outcome
    if kind == "csv_changed":
        if outcome["counts"]["updated_rows"] != rows:
            outcome["error"] = f"every row's revenue changed, the preview says {outcome['counts']}"
        log(f"{outcome['observations']} observations recorded; peak RSS {outcome['peak_mb']:.0f} MB")
        return outcome
    outcome["error"] = verify(kind, work_dir)
    log(f"peak RSS {outcome['peak_mb']:.0f} MB (after Django setup {baseline:.0f} MB)")
    return outcome


def case_default_resource(args, work_dir: Path) -> dict:
    """The same firms and figures through plain ModelResources, as django-import-export's admin would run them.

    Default settings: no bulk mode, import_id_fields ["id"] (the dataset has no id, so every row is an insert
    and no instance is looked up: the cheapest default case), a savepoint and a diff per row, transactions on.
    Only `import_data(dry_run=False)` is timed; the admin also runs a dry run for its preview first, which would
    double the figure. Building the datasets (万元 to yuan, county and firm ids) is left out of the timing.
    """
    import numpy as np
    import tablib
    from import_export import resources

    from enterprises.importing.columns import FIRM_DETAIL_COLUMNS, INDICATOR_COLUMNS
    from enterprises.models import AnnualIndicator, County, Enterprise

    class EnterpriseResource(resources.ModelResource):
        class Meta:
            model = Enterprise

    class AnnualIndicatorResource(resources.ModelResource):
        class Meta:
            model = AnnualIndicator

    reset_registry()
    table = firm_table(args.default_rows, seed=args.seed, block=XLSX_BLOCK)
    if args.default_rows == args.xlsx_rows:
        expected = json.loads((work_dir / "expected.json").read_text())["xlsx"]
    else:
        expected = expected_totals(table)
    county_ids = dict(County.objects.values_list("code", "id"))
    detail_keys = [c.key for c in FIRM_DETAIL_COLUMNS]
    firms = tablib.Dataset(headers=["credit_code", "name", "county", *detail_keys])
    for index in range(table["rows"]):
        firms.append(
            [
                table["credit_code"][index],
                table["name"][index],
                county_ids[table["county_code"][index]],
                table["industry_code"][index],
                table["industry_name_filled"][index],
                table["high_tech_field"][index],
                table["founded_on"][index].isoformat(),
                table["address"][index],
                table["contact_person"][index],
                table["contact_phone"][index],
            ]
        )
    figure_keys = [c.key for c in INDICATOR_COLUMNS]
    yuan = {key: np.rint(values * 100).astype(np.int64) * 100 for key, values in table["money_wan"].items()}

    baseline = rss_mb()
    started = time.perf_counter()
    firm_result = EnterpriseResource().import_data(firms, dry_run=False)
    firms_s = time.perf_counter() - started

    ids = dict(Enterprise.objects.values_list("credit_code", "id"))
    indicators = tablib.Dataset(headers=["enterprise", "year", *figure_keys])
    for index in range(table["rows"]):
        values = [f"{yuan[key][index]}.00" if key in yuan else int(table["counts"][key][index]) for key in figure_keys]
        indicators.append([ids[table["credit_code"][index]], table["year"], *values])

    started = time.perf_counter()
    indicator_result = AnnualIndicatorResource().import_data(indicators, dry_run=False)
    indicators_s = time.perf_counter() - started
    outcome = {
        "firms_s": round(firms_s, 3),
        "indicators_s": round(indicators_s, 3),
        "total_s": round(firms_s + indicators_s, 3),
        "rss_baseline_mb": round(baseline, 1),
        "peak_mb": round(peak_rss_mb(), 1),
        "totals": {"firms": firm_result.totals, "indicators": indicator_result.totals},
    }
    log(
        f"default resources: firms {firms_s:.2f} s, indicators {indicators_s:.2f} s, "
        f"total {outcome['total_s']:.2f} s; peak RSS {outcome['peak_mb']:.0f} MB"
    )
    for label, result in (("firms", firm_result), ("indicators", indicator_result)):
        if result.has_errors() or result.has_validation_errors():
            first = (result.invalid_rows or result.row_errors() or [None])[0]
            outcome["error"] = f"default {label} resource reported errors, first: {first!r}"[:1000]
            return outcome
    actual = registry_totals()
    wrong = {key: (value, actual.get(key)) for key, value in expected.items() if actual.get(key) != value}
    outcome["error"] = f"registry differs from the file (expected, found): {wrong}" if wrong else None
    return outcome


WRAPPER_FRAMES = re.compile(r"/(celery|kombu|vine)/|transaction\.py.*__exit__|set_autocommit|commit_hooks|<lambda>")


def profile_lines(stats, sort: str, limit: int) -> list[str]:
    """The `limit` heaviest functions by `sort`, one line each, without the frames that only wrap the task."""
    key = 3 if sort == "cumulative" else 2  # stats.stats values: (primitive calls, calls, tottime, cumtime, callers)
    ordered = sorted(stats.stats.items(), key=lambda item: item[1][key], reverse=True)
    lines = [f"by {sort}:   cumtime  tottime    ncalls  function"]
    for (file_name, line, function), (_primitive, calls, tottime, cumtime, _callers) in ordered:
        where = f"{file_name}:{line}({function})"
        if WRAPPER_FRAMES.search(where):
            continue
        short = re.sub(r"^.*/(site-packages|lib/python3\.\d+|work/main)/", "", where)
        lines.append(f"  {cumtime:8.3f} {tottime:8.3f} {calls:9d}  {short}")
        if len(lines) > limit:
            break
    return lines


def case_profile(args, work_dir: Path) -> dict:
    """Where the csv case spends its time: the check's stages timed directly, then cProfile of check and commit."""
    import io
    import pstats
    from types import SimpleNamespace

    from django.core.files.base import ContentFile
    from django.db import transaction

    from accounts.models import User
    from enterprises.importing import committing, services
    from enterprises.importing.columns import ENTERPRISE_COLUMNS
    from enterprises.importing.reading import read_table
    from enterprises.importing.validation import validate
    from enterprises.models import ImportJob

    reset_registry()
    user = User.objects.get(username=USERNAME)
    content = (work_dir / "csv_file").read_bytes()
    stages = {}
    started = time.perf_counter()
    raw = read_table(content, file_name="enterprises.csv", columns=ENTERPRISE_COLUMNS)
    stages["read_table"] = time.perf_counter() - started
    started = time.perf_counter()
    checked = validate(raw, kind=ImportJob.Kind.ENTERPRISES, context=services.import_context_for(user))
    stages["validate"] = time.perf_counter() - started
    started = time.perf_counter()
    plan = services._plan(ImportJob.Kind.ENTERPRISES, checked.frame, checked.present)
    stages["plan (empty registry)"] = time.perf_counter() - started
    started = time.perf_counter()
    buffer = io.StringIO()
    checked.frame.to_csv(buffer, index=False)
    stages["clean csv"] = time.perf_counter() - started
    log(
        "check stages, unprofiled: "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stages.items())
        + f" ({plan.counts['new_rows']} new rows, {checked.error_count} errors)"
    )
    # The commit's stages, written and rolled back: reload the clean csv, plan again, write.
    clean = SimpleNamespace(clean_file=ContentFile(buffer.getvalue().encode()), kind=ImportJob.Kind.ENTERPRISES)
    present = checked.present
    del raw, checked, plan, buffer
    commit_stages = {}
    started = time.perf_counter()
    frame = services.load_clean_frame(clean)
    commit_stages["load clean csv"] = time.perf_counter() - started
    with transaction.atomic():
        started = time.perf_counter()
        plan = services._plan(ImportJob.Kind.ENTERPRISES, frame, present)
        commit_stages["plan"] = time.perf_counter() - started
        started = time.perf_counter()
        committing.apply_enterprises(plan, progress=lambda _fraction: None)
        commit_stages["write"] = time.perf_counter() - started
        transaction.set_rollback(True)
    log(
        "commit stages, unprofiled (rolled back): "
        + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in commit_stages.items())
    )
    stages.update({f"commit: {name}": seconds for name, seconds in commit_stages.items()})
    del frame, plan, clean
    reset_registry()

    profilers: dict = {}
    outcome = import_file(content, f"enterprises-{args.csv_rows}.csv", user, profile=profilers)
    outcome["stages_s"] = {name: round(seconds, 3) for name, seconds in stages.items()}
    outcome["profile"] = {}
    for label, profiler in profilers.items():
        stats = pstats.Stats(profiler)
        log(f"cProfile of the {label}: {stats.total_tt:.2f} s under the profiler (Celery/on_commit wrappers left out)")
        lines = profile_lines(stats, "cumulative", PROFILE_LINES) + profile_lines(stats, "tottime", 10)
        for line in lines:
            log("    " + line)
        outcome["profile"][label] = lines
    return outcome


# ---------------------------------------------------------------------------------------------------------------
# Hostile uploads (child)

HOSTILE_FILES = {
    "zip_bomb": "bomb.xlsx",
    "sparse": "sparse.xlsx",
    "max_rows": "dense.xlsx",
    "limit": "limit.xlsx",
    "worst_xlsx": "worst.xlsx",
    "worst_csv": "worst.csv",
}
REFUSED_CASES = ("zip_bomb", "sparse", "max_rows")
WORST_CASES = ("worst_xlsx", "worst_csv")
HOSTILE_TARGETS = {
    "zip_bomb_s": 2.0,
    "zip_bomb_peak_mb": 300.0,
    "sparse_s": 2.0,
    "sparse_peak_mb": 300.0,
    "worst_xlsx_peak_mb": 600.0,
    "worst_csv_peak_mb": 600.0,
}


def case_hostile_setup(args, work_dir: Path) -> dict:
    from django.conf import settings

    from tests.data import make_corpus

    started = time.perf_counter()
    builders = {
        "zip_bomb": lambda: make_corpus.zip_bomb_bytes(args.bomb_mb),
        "sparse": make_corpus.sparse_sheet_bytes,
        "max_rows": lambda: make_corpus.dense_sheet_bytes(args.dense_rows),
    }
    if args.limit_rows:
        builders["limit"] = lambda: make_corpus.dense_sheet_bytes(args.limit_rows, full=True)
    # The worst cases: every cell its own, filled up to the upload limit (or the row limit) as configured.
    max_bytes, max_rows = settings.IMPORT_MAX_FILE_MB * 2**20, settings.IMPORT_MAX_ROWS
    builders["worst_xlsx"] = lambda: make_corpus.distinct_xlsx_bytes(max_bytes, max_rows)
    builders["worst_csv"] = lambda: make_corpus.distinct_csv_bytes(settings.IMPORT_MAX_CSV_MB * 2**20, max_rows)
    sizes, rows = {}, {}
    for case, build in builders.items():
        content = build()
        if isinstance(content, tuple):
            content, rows[case] = content
        path = work_dir / HOSTILE_FILES[case]
        path.write_bytes(content)
        sizes[case] = round(path.stat().st_size / 2**20, 3)
    log(f"generated the hostile files in {time.perf_counter() - started:.1f} s: {sizes} MB, rows {rows}")
    return {
        "file_mb": sizes,
        "rows": rows,
        "max_file_mb": settings.IMPORT_MAX_FILE_MB,
        "max_csv_mb": settings.IMPORT_MAX_CSV_MB,
        "max_rows": max_rows,
    }


def case_hostile(args, work_dir: Path, case: str) -> dict:
    """Read (and for the file at the limit, validate) one file as the import's check does, in this fresh process."""
    from django.utils import translation

    from enterprises.importing.columns import ENTERPRISE_COLUMNS
    from enterprises.importing.reading import ImportFileError, read_table
    from enterprises.importing.validation import ImportContext, validate

    translation.activate("en")
    content = (work_dir / HOSTILE_FILES[case]).read_bytes()
    baseline = rss_mb()
    started = time.perf_counter()
    outcome: dict = {"file_mb": round(len(content) / 2**20, 3)}
    try:
        raw = read_table(content, file_name=HOSTILE_FILES[case], columns=ENTERPRISE_COLUMNS)
    except ImportFileError as refused:
        outcome.update(refused=True, message=refused.message)
    else:
        outcome.update(refused=False, rows=len(raw.row_numbers), read_s=round(time.perf_counter() - started, 2))
        del content
        if case == "limit" or case in WORST_CASES:
            checked = validate(raw, kind="enterprises", context=ImportContext(None, None))
            outcome.update(errors=checked.error_count, warnings=checked.warning_count)
    outcome.update(
        seconds=round(time.perf_counter() - started, 3),
        peak_mb=round(peak_rss_mb(), 1),
        rss_baseline_mb=round(baseline, 1),
    )
    log(
        f"{case}: {'refused' if outcome['refused'] else 'read'} in {outcome['seconds']} s, peak {outcome['peak_mb']} MB"
    )
    if outcome.get("message"):
        log(f"  {outcome['message'][:200]}")
    expected_refusal = case in REFUSED_CASES
    if outcome["refused"] != expected_refusal:
        outcome["error"] = f"{case} was {'refused' if outcome['refused'] else 'accepted'}: {outcome.get('message')}"
    return outcome


def hostile_result_json(args, results: dict[str, dict], error: str | None) -> dict:
    def figure(case: str, key: str):
        run = results.get(case) or {}
        return None if run.get("error") else run.get(key)

    out = {
        "zip_bomb_s": figure("zip_bomb", "seconds"),
        "zip_bomb_peak_mb": figure("zip_bomb", "peak_mb"),
        "sparse_s": figure("sparse", "seconds"),
        "sparse_peak_mb": figure("sparse", "peak_mb"),
        "max_rows_reject_s": figure("max_rows", "seconds"),
        "max_rows_peak_mb": figure("max_rows", "peak_mb"),
        "limit_check_s": figure("limit", "seconds"),
        "limit_read_s": figure("limit", "read_s"),
        "limit_peak_mb": figure("limit", "peak_mb"),
        "worst_xlsx_peak_mb": figure("worst_xlsx", "peak_mb"),
        "worst_xlsx_s": figure("worst_xlsx", "seconds"),
        "worst_xlsx_mb": figure("worst_xlsx", "file_mb"),
        "worst_xlsx_rows": figure("worst_xlsx", "rows"),
        "worst_csv_peak_mb": figure("worst_csv", "peak_mb"),
        "worst_csv_s": figure("worst_csv", "seconds"),
        "worst_csv_mb": figure("worst_csv", "file_mb"),
        "worst_csv_rows": figure("worst_csv", "rows"),
        "max_file_mb": (results.get("hostile_setup") or {}).get("max_file_mb"),
        "max_csv_mb": (results.get("hostile_setup") or {}).get("max_csv_mb"),
        "rss_after_django_mb": figure("sparse", "rss_baseline_mb"),
        "file_mb": (results.get("hostile_setup") or {}).get("file_mb"),
        "targets": HOSTILE_TARGETS,
    }
    out["targets_met"] = {key: None if out[key] is None else out[key] < t for key, t in HOSTILE_TARGETS.items()}
    out["config"] = {
        "bomb_mb": args.bomb_mb,
        "dense_rows": args.dense_rows,
        "limit_rows": args.limit_rows,
        "database": database_name(args.database_url),
    }
    out["case_errors"] = {case: run["error"] for case, run in results.items() if run.get("error")}
    out["error"] = error
    return out


def run_child(args) -> int:
    import traceback

    work_dir = Path(args.work_dir)
    setup_django()
    try:
        if args.case == "setup":
            outcome = case_setup(args, work_dir)
        elif args.case in ("xlsx", "csv"):
            outcome = case_import(args, work_dir, args.case)
        elif args.case == "xlsx_repeat":
            outcome = case_import(args, work_dir, "xlsx", repeat=True)
        elif args.case == "csv_changed":
            outcome = case_import(args, work_dir, "csv_changed", repeat=False)
        elif args.case == "default_resource":
            outcome = case_default_resource(args, work_dir)
        elif args.case == "profile":
            outcome = case_profile(args, work_dir)
        elif args.case == "hostile_setup":
            outcome = case_hostile_setup(args, work_dir)
        elif args.case in HOSTILE_FILES:
            outcome = case_hostile(args, work_dir, args.case)
        else:
            raise SystemExit(f"unknown case {args.case!r}")
    except Exception as failure:
        log(traceback.format_exc())
        outcome = {"error": f"{type(failure).__name__}: {failure}"[:2000], "peak_mb": round(peak_rss_mb(), 1)}
    if outcome.get("issues"):
        log(f"first issues: {json.dumps(outcome['issues'], ensure_ascii=False)}")
    print(RESULT_MARKER + json.dumps(outcome, ensure_ascii=False, default=str), flush=True)
    return 1 if outcome.get("error") else 0


# ---------------------------------------------------------------------------------------------------------------
# Parent


def result_json(args, results: dict[str, dict], error: str | None) -> dict:
    def figure(case: str, key: str):
        run = results.get(case) or {}
        return None if run.get("error") else run.get(key)

    out: dict = {
        "xlsx_11k_s": figure("xlsx", "total_s"),
        "csv_100k_s": figure("csv", "total_s"),
        "peak_mb": None,
        "default_resource_11k_s": figure("default_resource", "total_s"),
        "speedup": None,
        "xlsx_11k_preview_s": figure("xlsx", "preview_s"),
        "xlsx_11k_commit_s": figure("xlsx", "commit_s"),
        "xlsx_11k_repeat_s": figure("xlsx_repeat", "total_s"),
        "xlsx_11k_repeat_preview_s": figure("xlsx_repeat", "preview_s"),
        "xlsx_11k_repeat_commit_s": figure("xlsx_repeat", "commit_s"),
        "csv_100k_preview_s": figure("csv", "preview_s"),
        "csv_100k_commit_s": figure("csv", "commit_s"),
        "csv_100k_rows_per_s": None,
        "csv_100k_observations": figure("csv", "observations"),
        "csv_100k_changed_preview_s": figure("csv_changed", "preview_s"),
        "csv_100k_changed_commit_s": figure("csv_changed", "commit_s"),
        "csv_100k_changed_observations": figure("csv_changed", "observations"),
        "load": " ".join(f"{value:.2f}" for value in os.getloadavg()),
        "default_resource_11k_firms_s": figure("default_resource", "firms_s"),
        "default_resource_11k_indicators_s": figure("default_resource", "indicators_s"),
        "default_resource_peak_mb": (results.get("default_resource") or {}).get("peak_mb"),
    }
    if out["csv_100k_s"]:
        out["csv_100k_rows_per_s"] = {
            "preview": round(args.csv_rows / out["csv_100k_preview_s"]),
            "commit": round(args.csv_rows / out["csv_100k_commit_s"]),
        }
    ours = {case: results[case].get("peak_mb") for case in ("xlsx", "xlsx_repeat", "csv") if case in results}
    measured = [value for value in ours.values() if value is not None]
    out["peak_mb"] = max(measured) if measured else None
    out["peak_mb_by_case"] = ours
    if out["default_resource_11k_s"] and out["xlsx_11k_s"]:
        out["speedup"] = round(out["default_resource_11k_s"] / out["xlsx_11k_s"], 1)
    out["service_ms"] = {
        case: {"check_ms": results[case].get("check_ms"), "commit_ms": results[case].get("commit_ms")}
        for case in ("xlsx", "xlsx_repeat", "csv")
        if case in results
    }
    out["counts"] = {case: results[case].get("counts") for case in ("xlsx", "xlsx_repeat", "csv") if case in results}
    if "profile" in results:
        out["csv_profile_stages_s"] = results["profile"].get("stages_s")
    out["targets"] = TARGETS
    at_target_sizes = args.xlsx_rows == TARGET_SIZES["xlsx_rows"] and args.csv_rows == TARGET_SIZES["csv_rows"]
    out["targets_met"] = {
        key: (out[key] >= target if key == "speedup" else out[key] < target) if out[key] is not None else None
        for key, target in TARGETS.items()
    }
    out["config"] = {
        "xlsx_rows": args.xlsx_rows,
        "csv_rows": args.csv_rows,
        "default_rows": args.default_rows,
        "at_target_sizes": at_target_sizes,
        "csv_encoding": "GB18030",
        "seed": args.seed,
        "database": database_name(args.database_url),
        "celery": "eager (REDIS_URL empty)",
    }
    out["case_errors"] = {case: run["error"] for case, run in results.items() if run.get("error")}
    out["error"] = error
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.case:
        return run_child(args)
    log(
        f"Enterprise import benchmark: xlsx {args.xlsx_rows} rows, csv {args.csv_rows} rows, default resource "
        f"{args.default_rows} rows, database {database_name(args.database_url)}"
    )
    created = ensure_database(args.database_url)
    log(f"  database {'created' if created else 'exists'}")
    results: dict[str, dict] = {}
    error = None
    try:
        with tempfile.TemporaryDirectory(prefix="import_bench_") as tmp:
            work_dir = Path(tmp)
            started = time.monotonic()
            manage("migrate", "--noinput", env=django_env(args.database_url, work_dir))
            log(f"  migrated in {time.monotonic() - started:.1f} s")
            cases = [
                ("setup", "== generate the files"),
                ("xlsx", f"== xlsx, {args.xlsx_rows} new firms: upload + check, then commit"),
                ("xlsx_repeat", "== the same xlsx again: every row must be unchanged"),
                ("csv", f"== csv (GB18030), {args.csv_rows} new firms: upload + check, then commit"),
                ("csv_changed", "== the same csv with every row's revenue changed: upload + check, then commit"),
                ("default_resource", f"== default django-import-export ModelResources, {args.default_rows} firms"),
            ]
            if args.profile:
                cases.append(("profile", f"== profile of the csv case ({args.csv_rows} rows)"))
            if args.hostile:
                cases = [
                    ("hostile_setup", "== generate the hostile files"),
                    ("zip_bomb", f"== zip bomb: {args.bomb_mb} MB of XML, refused unread"),
                    ("sparse", "== 2 KB sheet with a stray cell at AA1048576"),
                    ("max_rows", f"== dense sheet of {args.dense_rows} rows, above the row limit"),
                ]
                if args.limit_rows:
                    cases.append(("limit", f"== {args.limit_rows} rows of every column: read and validated"))
                cases += [
                    ("worst_xlsx", "== xlsx as Excel saves it, every cell its own, at the upload limit: checked"),
                    ("worst_csv", "== GB18030 csv, every row its own, at the upload limit: checked"),
                ]
            for case, title in cases:
                if case == "xlsx_repeat" and (results.get("xlsx") or {}).get("error"):
                    log(f"{title}: skipped, the first xlsx import failed")
                    continue
                if case == "csv_changed" and (results.get("csv") or {}).get("error"):
                    log(f"{title}: skipped, the csv import failed")
                    continue
                log(title)
                results[case] = run_case(case, args, work_dir)
                if case in ("setup", "hostile_setup") and results[case].get("error"):
                    raise RuntimeError(f"generating the files failed: {results[case]['error']}")
    except Exception as failure:
        error = f"{type(failure).__name__}: {failure}"
        log(f"FAILED: {error}")
    finally:
        if created and not args.keep_data:
            drop_database(args.database_url)
            log("  bench database dropped")
        elif args.keep_data:
            log(f"  bench database {database_name(args.database_url)} kept")
    if args.hostile:
        out = hostile_result_json(args, results, error)
        log(f"hostile: {out}")
        print(json.dumps(out, ensure_ascii=False), flush=True)
        return 1 if error or out["case_errors"] else 0
    out = result_json(args, results, error)
    log(
        f"xlsx {out['xlsx_11k_s']} s (repeat {out['xlsx_11k_repeat_s']} s), csv {out['csv_100k_s']} s, "
        f"default resource {out['default_resource_11k_s']} s, speedup {out['speedup']}, peak {out['peak_mb']} MB; "
        f"targets met: {out['targets_met']}"
    )
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 1 if error or out["case_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
