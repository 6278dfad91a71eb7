"""Benchmark of the departments' lists on PostgreSQL: a statistics list (above-scale firms with the 107-1 R&D
survey, money in 千元) and a registration extract of N rows each, every row naming a firm of the registry, through
the importer's whole service path: upload and check (the preview), then commit (Celery eager, as embedded).

Target (issue 20): a 200,000-row department list previews and commits at >= 10,000 rows/s each.

    .venv/bin/python bench/department_bench.py [--rows 200000] [--kinds statistics,registration] [--format csv]
                                               [--database-url URL] [--keep-data]

Also writes the statistics list as xlsx and csv and reports their sizes beside the upload limits, IMPORT_MAX_FILE_MB
(xlsx) and IMPORT_MAX_CSV_MB (csv) (the upload form refuses a larger file; the bench calls the service, so it
measures beyond the limits too). The bench database
(default portal_department_bench) is created and migrated when missing, and dropped at the end unless --keep-data,
and only when this run created it; its registry is REPLACED: never point it at real data. Human-readable progress
goes to stdout; the last line is one JSON object.
"""

import argparse
import datetime
import io
import json
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from list_bench import drop_database, ensure_database, log, manage

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_department_bench"
TARGET_ROWS_PER_S = 10_000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--kinds", default="statistics,registration")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv", help="the format uploaded")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--keep-data", action="store_true")
    parser.add_argument("--profile", action="store_true", help="print the slowest functions of each step")
    return parser.parse_args(argv)


def setup(database_url: str, work_dir: Path) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="false",
        DATABASE_URL=database_url,
        REDIS_URL="",
        PRIVATE_MEDIA_ROOT=str(work_dir / "private"),
        MEDIA_ROOT=str(work_dir / "media"),
        LOG_LEVEL="WARNING",
    )
    manage("migrate", "--noinput", env=os.environ.copy())
    import django

    django.setup()


def seed_registry(rows: int) -> list[str]:
    """Replace the registry with `rows` firms (COPY), spread over the city's counties; their credit codes."""
    from django.db import connection

    from enterprises.models import County, DepartmentMatch, Enterprise, SourceValue
    from tests.departments.samples import credit_code

    counties = list(County.objects.values_list("id", "code"))
    with connection.cursor() as cursor:
        for model in (DepartmentMatch, SourceValue, Enterprise):
            cursor.execute(f'TRUNCATE "{model._meta.db_table}" CASCADE')
    codes, lines = [], io.StringIO()
    now = datetime.datetime.now(datetime.UTC).isoformat()
    for number in range(rows):
        county_id, county_code = counties[number % len(counties)]
        code = credit_code(number, county_code)
        codes.append(code)
        lines.write(
            f"{code}\t平顶山测试{number:06d}有限公司\t{county_id}\t3411\t通用设备制造业\tt\t\t\t\t\t{now}\t{now}\n"
        )
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {Enterprise._meta.db_table} (credit_code, name, county_id, industry_code, industry_name, "
            "credit_code_checked, high_tech_field, address, contact_person, contact_phone, created_at, updated_at) "
            "FROM STDIN"
        ) as copy:
            copy.write(lines.getvalue())
        cursor.execute(f"VACUUM ANALYZE {Enterprise._meta.db_table}")
    return codes


def statistics_rows(codes: list[str], rng: random.Random) -> list[dict]:
    rows = []
    for number, code in enumerate(codes):
        revenue = rng.randint(20_000, 2_000_000)  # 千元
        rows.append({
            "code": code, "name": f"平顶山测试{number:06d}有限公司", "year": "2025",
            "employees": str(rng.randint(20, 2000)), "revenue": f"{revenue}.{rng.randint(0, 9)}",
            "main_revenue": str(int(revenue * 0.9)), "assets": str(rng.randint(10_000, 3_000_000)),
            "liabilities": str(rng.randint(1_000, 900_000)), "rd_staff": str(rng.randint(0, 200)),
            "rd": f"{rng.randint(0, 90_000)}.{rng.randint(0, 99):02d}", "rd_internal": str(rng.randint(0, 90_000)),
            "patents": str(rng.randint(0, 30)),
        })  # fmt: skip
    return rows


def registration_rows(codes: list[str], rng: random.Random) -> list[dict]:
    """One firm in a hundred renamed, 2 % closed, every row with its founding date, address and capital."""
    statuses = ["存续"] * 97 + ["在业", "注销", "吊销"]
    return [
        {"code": code, "name": f"平顶山测试{number:06d}{'股份' if number % 100 == 0 else ''}有限公司",
         "founded": f"20{rng.randint(0, 24):02d}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
         "status": rng.choice(statuses), "address": f"平顶山市某路{number}号", "legal": "张三",
         "capital": str(rng.randint(50, 50_000)), "industry": "3411", "authority": "平顶山市新华区市场监督管理局"}
        for number, code in enumerate(codes)
    ]  # fmt: skip


PROFILE = False


def _timed(function, **kwargs):
    if not PROFILE:
        return function(**kwargs)
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    result = profiler.runcall(function, **kwargs)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return result


def run_list(kind: str, content: bytes, file_name: str, user) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from enterprises.importing.services import import_job_create, import_job_request_commit
    from enterprises.models import ImportJob

    started = time.perf_counter()
    job = _timed(
        import_job_create,
        kind=kind,
        uploaded_file=SimpleUploadedFile(file_name, content),
        actor=user,
        as_of=datetime.date(2025, 12, 31),
    )
    preview_s = time.perf_counter() - started
    job.refresh_from_db()
    outcome = {"rows": job.row_count, "preview_s": round(preview_s, 2), "warnings": job.warning_count,
               "peak_mb_after_preview": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}  # fmt: skip
    if job.status != ImportJob.Status.READY:
        outcome["error"] = f"check ended {job.status}: {job.message} {job.issues_preview[:3]}"
        return outcome
    started = time.perf_counter()
    _timed(import_job_request_commit, job=job, actor=user)
    commit_s = time.perf_counter() - started
    job.refresh_from_db()
    if job.status != ImportJob.Status.COMMITTED:
        outcome["error"] = f"commit ended {job.status}: {job.message}"
    outcome.update(
        commit_s=round(commit_s, 2),
        preview_rows_per_s=round(job.row_count / preview_s),
        commit_rows_per_s=round(job.row_count / commit_s),
    )
    return outcome


def main(argv=None) -> int:
    args = parse_args(argv)
    global PROFILE
    PROFILE = args.profile
    created = ensure_database(args.database_url)
    result = {"config": {"rows": args.rows, "format": args.format, "kinds": args.kinds}}
    try:
        with tempfile.TemporaryDirectory() as work:
            setup(args.database_url, Path(work))
            import secrets

            from django.conf import settings

            from accounts.models import Role, User
            from enterprises.models import ImportJob
            from tests.departments import samples

            rng = random.Random(args.seed)
            started = time.perf_counter()
            codes = seed_registry(args.rows)
            log(f"registry of {len(codes)} firms in {time.perf_counter() - started:.1f} s")
            user = User.objects.filter(username="department-bench").first() or User.objects.create_user(
                username="department-bench", password=secrets.token_urlsafe(24), role=Role.CITY_STAFF
            )
            stats = statistics_rows(codes, rng)
            sizes = {}
            for fmt in ("csv", "xlsx"):
                started = time.perf_counter()
                content = samples.statistics_list(stats, fmt=fmt)
                sizes[fmt] = round(len(content) / 2**20, 1)
                log(f"statistics list as {fmt}: {sizes[fmt]} MB (written in {time.perf_counter() - started:.1f} s)")
                if fmt == args.format:
                    stats_file = content
            result["statistics_file_mb"] = sizes
            result["upload_limit_mb"] = {"xlsx": settings.IMPORT_MAX_FILE_MB, "csv": settings.IMPORT_MAX_CSV_MB}
            for kind in args.kinds.split(","):
                if kind == "statistics":
                    content, key = stats_file, ImportJob.Kind.DEPT_STATISTICS
                elif kind == "registration":
                    content = samples.registration_extract(registration_rows(codes, rng), fmt=args.format)
                    key = ImportJob.Kind.DEPT_REGISTRATION
                else:
                    raise SystemExit(f"unknown kind {kind}")
                log(f"{kind}: {len(content) / 2**20:.1f} MB of {args.format}")
                outcome = run_list(key, content, f"{kind}.{args.format}", user)
                log(f"{kind}: {outcome}")
                result[kind] = outcome
    finally:
        if created and not args.keep_data:
            drop_database(args.database_url)
    rates = [
        v[k]
        for v in result.values()
        if isinstance(v, dict)
        for k in ("preview_rows_per_s", "commit_rows_per_s")
        if k in v
    ]
    result["target_rows_per_s"] = TARGET_ROWS_PER_S
    result["meets_target"] = bool(rates) and min(rates) >= TARGET_ROWS_PER_S
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
