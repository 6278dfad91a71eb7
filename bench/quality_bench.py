"""Benchmark of the data-quality page (quality/) on PostgreSQL.

For each registry size: empty the registry of the bench database, generate the firms (2 % closed or moved out), their
tiers (a fifth in T1, 15 % in T2, 5 % in T3, the rest outside or never placed), department matches (four in five)
and, for every firm, one observation of every yearly figure for each of `--years` years and of its founding date
(4 % left out, 10 % reported long ago), and open conflicts for 1 % of the firms; VACUUM ANALYZE; then time:
- the nightly snapshot (quality.snapshots.quality_snapshot_compute), the part that grows with the observations;
- the page as city staff (the city with a row per county), as county staff (one county), and a firm list (the
  city's T1 candidates lacking data), each `--requests` times in this process through Django's test client after
  a few unmeasured ones, with the SQL queries of one request.

    .venv/bin/python bench/quality_bench.py [--firms 11000,200000] [--years 3] [--requests 20]
                                           [--database-url URL]

Runs against --database-url (default $DATABASE_URL, else portal_quality_bench), created and migrated when missing.
It REPLACES the registry of that database: never point it at real data. Progress goes to stdout; the last line is
one JSON object (`page_s_11k`, `page_s_200k`: the city page's median seconds; `snapshot_s_*`, per-size details).
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # this checkout's apps, whatever the venv points at

from list_bench import ensure_database, log, size_key

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_quality_bench"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", default="11000,200000", help="registry sizes, comma-separated")
    parser.add_argument("--years", type=int, default=3, help="years of observations per firm")
    parser.add_argument("--requests", type=int, default=20, help="measured requests per page")
    parser.add_argument(
        "--keep-data", action="store_true", help="measure the registry already in the database (one size: its own)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL URL of the bench database (default $DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    args = parser.parse_args(argv)
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        parser.error("--database-url must be a PostgreSQL URL")
    args.sizes = [int(size) for size in args.firms.split(",") if size]
    return args


def setup_django(database_url: str) -> None:
    os.environ.pop("REDIS_URL", None)
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=database_url, LOG_LEVEL="WARNING")
    import django

    django.setup()


def generate(*, firms: int, years: int) -> int:
    """The registry, its tiers, matches, observations and conflicts, set-based inside PostgreSQL; returns the number
    of observations."""
    from django.db import connection

    from cultivation.models import TierPlacement
    from enterprises.models import INDICATOR_FIELDS, Conflict, County, DepartmentMatch, Enterprise, SourceValue
    from quality.models import FirmCheck, QualitySnapshot, RungFigure

    county_ids = list(County.objects.values_list("pk", flat=True))
    enterprise, observations = Enterprise._meta.db_table, SourceValue._meta.db_table
    first_year = 2025 - years + 1
    fields = ", ".join(f"('{field}')" for field in INDICATOR_FIELDS)
    with connection.cursor() as cursor:
        tables = [enterprise, TierPlacement._meta.db_table, FirmCheck._meta.db_table, RungFigure._meta.db_table,
                  QualitySnapshot._meta.db_table]  # fmt: skip
        cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        cursor.execute(
            f"INSERT INTO {enterprise} (credit_code, credit_code_checked, name, county_id, industry_code, "
            "industry_name, high_tech_field, address, contact_person, contact_phone, founded_on, registration_status, "
            "legal_representative, created_at, updated_at) SELECT '9B' || lpad(i::text, 16, '0'), true, "
            "'Bench firm ' || i, (%s::bigint[])[1 + i %% %s], '', '', '', '', '', '', "
            "DATE '2008-01-01' + (i * 37) %% 6000, "
            "CASE i %% 50 WHEN 0 THEN 'moved_out' WHEN 1 THEN 'deregistered' ELSE 'active' END, '', now(), now() "
            "FROM generate_series(1, %s) i",
            [county_ids, len(county_ids), firms],
        )
        cursor.execute(
            f"INSERT INTO {TierPlacement._meta.db_table} (enterprise_id, tier, rules_tier, since, pinned, county_id, "
            "industry_division, readiness, tag_mask, updated_at) SELECT id, t, t, DATE '2026-01-01', false, "
            "county_id, '', 50, 0, now() FROM (SELECT id, county_id, CASE WHEN id % 20 BETWEEN 11 AND 14 THEN 't1' "
            "WHEN id % 20 BETWEEN 15 AND 17 THEN 't2' WHEN id % 20 = 18 THEN 't3' ELSE 'outside' END AS t "
            f"FROM {enterprise} WHERE id % 20 > 10) p"
        )
        cursor.execute(
            f"INSERT INTO {DepartmentMatch._meta.db_table} (enterprise_id, department_list, as_of, matched_at) "
            f"SELECT id, 'market_registration', DATE '2026-06-01', now() FROM {enterprise} WHERE id % 5 <> 0"
        )
        cursor.execute("DROP INDEX IF EXISTS sourcevalue_current_idx")
        # Every yearly figure of every year, and the founding date: 4 % left out, 10 % reported long ago.
        cursor.execute(
            f"INSERT INTO {observations} (enterprise_id, year, field, value, value_date, source_kind, source_name, "
            "document, as_of, recorded_at) "
            "SELECT e.id, y, f.field, CASE WHEN y IS NULL THEN NULL ELSE 1000 END, "
            "CASE WHEN y IS NULL THEN e.founded_on END, 'spreadsheet', 'Bench sheet', '', "
            "CASE WHEN h < 14 THEN DATE '2024-06-01' ELSE DATE '2026-03-01' END, now() "
            f"FROM {enterprise} e CROSS JOIN LATERAL ("
            f"  SELECT y, f.field FROM generate_series({first_year}, 2025) y CROSS JOIN (VALUES {fields}) f(field) "
            "  UNION ALL SELECT NULL, 'founded_on') f(y, field) "
            "CROSS JOIN LATERAL (SELECT abs(hashtext(e.id || f.field || coalesce(f.y, 0))) % 100 AS h) r "
            "WHERE h >= 4"
        )
        count = cursor.rowcount
        # 1 % of the firms: a department's revenue of the latest year in conflict with the spreadsheet's.
        cursor.execute(
            f"INSERT INTO {observations} (enterprise_id, year, field, value, source_kind, source_name, document, "
            "as_of, recorded_at) SELECT enterprise_id, year, field, 2000, 'department', 'Tax list', '', "
            f"DATE '2026-04-01', now() FROM {observations} WHERE year = 2025 AND field = 'revenue' "
            "AND enterprise_id % 100 = 7"
        )
        count += cursor.rowcount
        cursor.execute(
            f"INSERT INTO {Conflict._meta.db_table} (enterprise_id, year, field, winning_id, other_id, status, "
            "reason, created_at) SELECT d.enterprise_id, 2025, 'revenue', d.id, s.id, 'open', '', now() "
            f"FROM {observations} d JOIN {observations} s ON s.enterprise_id = d.enterprise_id AND s.year = 2025 "
            "AND s.field = 'revenue' AND s.source_kind = 'spreadsheet' "
            "WHERE d.source_kind = 'department' AND d.year = 2025 AND d.field = 'revenue'"
        )
        cursor.execute(
            f"CREATE INDEX sourcevalue_current_idx ON {observations} (enterprise_id, year, field, source_kind, "
            "as_of DESC, id DESC) INCLUDE (value, value_date)"
        )
        for table in (*tables[:2], DepartmentMatch._meta.db_table, observations, Conflict._meta.db_table):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return count


def users():
    from accounts.models import Role, User
    from enterprises.models import County

    city, _created = User.objects.get_or_create(username="bench-quality-city", defaults={"role": Role.CITY_STAFF})
    county, _created = User.objects.get_or_create(
        username="bench-quality-county",
        defaults={"role": Role.COUNTY_STAFF, "county": County.objects.get(code="410402")},
    )
    return city, county


def timed(client, url: str, requests: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url).status_code == 200, url
    seconds = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    seconds.sort()
    return {
        "median_s": round(statistics.median(seconds), 4),
        "p95_s": round(seconds[max(0, round(0.95 * len(seconds)) - 1)], 4),
        "queries": len(queries),
    }


def measure(size: int, args) -> dict:
    from django.test import Client
    from django.urls import reverse

    from quality.snapshots import quality_snapshot_compute

    log(f"{size} firms × {args.years} years of observations (load {load()})")
    started = time.monotonic()
    if args.keep_data:
        from enterprises.models import SourceValue

        observations = SourceValue.objects.count()
    else:
        observations = generate(firms=size, years=args.years)
    log(f"  generated {observations} observations in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    snapshot = quality_snapshot_compute()
    snapshot_s = round(time.monotonic() - started, 2)
    log(f"  snapshot of {snapshot.firms} firms in {snapshot_s} s (load {load()})")
    city, county = users()
    results = {"firms": size, "observations": observations, "snapshot_s": snapshot_s, "checked": snapshot.firms}
    client = Client(HTTP_HOST="localhost")
    client.force_login(city)
    overview = reverse("quality:overview")
    results["city_page"] = timed(client, overview, args.requests)
    results["firm_list"] = timed(client, reverse("quality:firms", args=["incomplete"]) + "?rung=t1", args.requests)
    results["unmatched_list"] = timed(client, reverse("quality:firms", args=["unmatched"]), args.requests)
    client = Client(HTTP_HOST="localhost")
    client.force_login(county)
    results["county_page"] = timed(client, overview, args.requests)
    log(f"  {json.dumps({k: v for k, v in results.items() if isinstance(v, dict)})} (load {load()})")
    results["load_after"] = load()
    return results


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv=None) -> int:
    args = parse_args(argv)
    if ensure_database(args.database_url):
        log(f"Created {args.database_url}")
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if args.keep_data:
        from enterprises.models import Enterprise

        args.sizes = [Enterprise.objects.count()]
    results = [measure(size, args) for size in args.sizes]
    figures = {f"page_s_{size_key(r['firms'])}": r["city_page"]["median_s"] for r in results}
    figures.update({f"snapshot_s_{size_key(r['firms'])}": r["snapshot_s"] for r in results})
    figures.update({"config": {"years": args.years, "requests": args.requests, "cpus": os.cpu_count()},
                    "sizes": results})  # fmt: skip
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
