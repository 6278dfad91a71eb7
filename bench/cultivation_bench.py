"""Benchmark of three-tier cultivation on PostgreSQL: the placement step and the tier board page.

For each registry size: create the bench database if missing, migrate, seed the demo city (`seed_demo --reset`),
score it once inline (`recompute_portraits --force --inline`, which also places it). Then, in one Django process,
time `place_from_run` alone twice: a first placement (placements, movements and logs cleared first) and a
second-run placement (a fresh published run whose portraits copy the first with one firm in twenty moved to another
tier, so that movements are written). Then count the SQL queries of one board page, and time the board over HTTP
(gunicorn, logged in as the city staff user): all counties and one county.

Targets: placement of 200,000 firms under 10 s; board p95 under 200 ms at 11,000 and 200,000 firms.

    .venv/bin/python bench/cultivation_bench.py [--sizes 11000,200000] [--requests 100] [--keep-data]

Runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_cultivation_bench). Human-readable
progress goes to stdout; the last line is one JSON object. The registry of the bench database is replaced.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from list_bench import (
    Server,
    analyze,
    database_name,
    django_env,
    log,
    login,
    manage,
    run_sizes,
    size_key,
    summary,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_cultivation_bench"
USERNAME = "city"
COUNTY = "410402"
TARGET_PLACEMENT_S = 10.0
TARGET_BOARD_P95_MS = 200.0
REQUEST_TIMEOUT_S = 30
BOARD_URLS = ["/cultivation/board/", f"/cultivation/board/?county={COUNTY}"]

PLACEMENT_SNIPPET = """
import json, time
from django.db import connection
from django.utils import timezone
from cultivation.models import PlacementLog, TierMovement, TierPlacement
from cultivation.services import place_from_run
from scoring.models import Portrait, ScoringRun

PORTRAIT = Portrait._meta.db_table
run = ScoringRun.objects.filter(status="published").order_by("-run_date", "-pk").first()
with connection.cursor() as cursor:
    cursor.execute("TRUNCATE " + ", ".join(m._meta.db_table for m in (TierPlacement, TierMovement, PlacementLog)))
started = time.perf_counter()
first = place_from_run(run=run)
first_s = time.perf_counter() - started

# A fresh published run: the same portraits, one firm in twenty moved one rung (up, or down from T3).
columns = ", ".join(f.column for f in Portrait._meta.concrete_fields if f.column not in ("id", "run_id", "tier"))
second_run = ScoringRun.objects.create(run_date=run.run_date, ruleset_year=run.ruleset_year, forced=True,
                                       detail_keys=run.detail_keys, status="published", finished_at=timezone.now())
with connection.cursor() as cursor:
    cursor.execute(
        f"INSERT INTO {PORTRAIT} (run_id, tier, {columns}) "
        "SELECT %s, CASE WHEN enterprise_id %% 20 <> 0 THEN tier WHEN tier = 'outside' THEN 't1' "
        "WHEN tier = 't1' THEN 't2' WHEN tier = 't2' THEN 't3' ELSE 't2' END, "
        f"{columns} FROM {PORTRAIT} WHERE run_id = %s",
        [second_run.pk, run.pk],
    )
    cursor.execute(f"ANALYZE {PORTRAIT}")
started = time.perf_counter()
second = place_from_run(run=second_run)
second_s = time.perf_counter() - started
print("BENCH_PLACEMENT", json.dumps(dict(first_s=first_s, first_firms=first.firms, first_movements=first.movements,
                                          second_s=second_s, second_firms=second.firms,
                                          second_movements=second.movements)))
"""

QUERY_COUNT_SNIPPET = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
client = Client()
client.force_login(User.objects.get(username={username!r}))
for url in {urls!r}:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    print("BENCH_QUERIES", len(captured))
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="11000,200000", help="comma-separated firm counts (default 11000,200000)")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per board URL (default 100)")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests per URL first (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL URL of the bench database (default $DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of the demo city (default 2026)")
    parser.add_argument("--keep-data", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    except ValueError:
        parser.error("--sizes must be a comma-separated list of integers")
    if not args.sizes or min(args.sizes) < 1 or args.requests < 1 or args.warmup < 0 or args.workers < 1:
        parser.error("sizes, --requests and --workers must be positive")
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        parser.error("--database-url must be a PostgreSQL URL")
    return args


def marked_lines(output: str, marker: str) -> list[str]:
    return [line.split(" ", 1)[1] for line in output.splitlines() if line.startswith(marker + " ")]


def time_board(session, base_url: str, *, warmup: int, count: int) -> dict[str, list[float]]:
    for _round in range(warmup):
        for url in BOARD_URLS:
            session.get(base_url + url, timeout=REQUEST_TIMEOUT_S).raise_for_status()
    samples: dict[str, list[float]] = {url: [] for url in BOARD_URLS}
    for _round in range(count):
        for url in BOARD_URLS:
            started = time.perf_counter()
            response = session.get(base_url + url, timeout=REQUEST_TIMEOUT_S)
            _ = response.content
            samples[url].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or 'id="tier-list-t1"' not in response.text:
                raise AssertionError(f"{url} answered {response.status_code} without the board")
    return samples


def run_size(size: int, args, password: str, work_dir: Path) -> dict:
    key = size_key(size)
    env = django_env(args.database_url, hosts="127.0.0.1,testserver")
    log(f"== {size} firms ({key})")
    manage("migrate", "--noinput", env=env)
    started = time.monotonic()
    output = manage("seed_demo", "--firms", str(size), "--reset", "--seed", str(args.seed), env=env)
    log(
        f"  {output.strip().splitlines()[-1] if output.strip() else 'seeded'} (wall {time.monotonic() - started:.1f} s)"
    )
    manage("shell", "-c", "from scoring.models import ScoringRun; ScoringRun.objects.all().delete()", env=env)
    started = time.monotonic()
    manage("recompute_portraits", "--force", "--inline", env=env)
    log(f"  scored and placed inline in {time.monotonic() - started:.1f} s")
    analyze(args.database_url)

    output = manage("shell", "-c", PLACEMENT_SNIPPET, env=env)
    placement = json.loads(marked_lines(output, "BENCH_PLACEMENT")[0])
    log(f"  placement: first {placement['first_s']:.2f} s ({placement['first_firms']} firms, "
        f"{placement['first_movements']} movements); second run {placement['second_s']:.2f} s "
        f"({placement['second_movements']} movements)")  # fmt: skip
    analyze(args.database_url)

    output = manage("shell", "-c", QUERY_COUNT_SNIPPET.format(username=USERNAME, urls=BOARD_URLS), env=env)
    queries = [int(value) for value in marked_lines(output, "BENCH_QUERIES")]
    log(f"  SQL queries per board page: {queries}")

    with Server(database_url=args.database_url, workers=args.workers, log_path=work_dir / f"gunicorn-{key}.log") as srv:
        session = login(srv.base_url, USERNAME, password)
        samples = time_board(session, srv.base_url, warmup=args.warmup, count=args.requests)
    per_url = {url: summary(values) for url, values in samples.items()}
    for url, figures in per_url.items():
        log(f"  {url:<40} median {figures['median_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms")
    board = summary([value for values in samples.values() for value in values])
    verdict = "met" if board["p95_ms"] < TARGET_BOARD_P95_MS else "MISSED"
    log(f"  board combined: median {board['median_ms']:.1f} ms, p95 {board['p95_ms']:.1f} ms "
        f"(target < {TARGET_BOARD_P95_MS:.0f} ms: {verdict})")  # fmt: skip
    return {"key": key, "size": size, "placement": placement, "queries": queries, "board": board, "per_url": per_url}


def result_json(args, results: list[dict], error: str | None) -> dict:
    out: dict = {}
    by_key = {r["key"]: r for r in results}
    for key in sorted({size_key(s) for s in (*args.sizes, 11000, 200000)}, key=lambda k: int(k[:-1])):
        run = by_key.get(key)
        placement = run["placement"] if run else None
        out[f"placement_{key}_s"] = round(max(placement["first_s"], placement["second_s"]), 3) if run else None
        out[f"placement_first_{key}_s"] = round(placement["first_s"], 3) if run else None
        out[f"placement_second_{key}_s"] = round(placement["second_s"], 3) if run else None
        out[f"board_p95_ms_{key}"] = run["board"]["p95_ms"] if run else None
        out[f"board_median_ms_{key}"] = run["board"]["median_ms"] if run else None
    counts = [value for r in results for value in r["queries"]]
    out["queries_per_board"] = max(counts) if counts else None
    out["queries_fixed"] = len(set(counts)) <= 1
    out["per_url"] = {r["key"]: r["per_url"] for r in results}
    out["placement"] = {r["key"]: r["placement"] for r in results}
    out["targets"] = {"placement_200k_s": TARGET_PLACEMENT_S, "board_p95_ms": TARGET_BOARD_P95_MS}
    met = {}
    if out.get("placement_200k_s") is not None:
        met["placement_200k_s"] = out["placement_200k_s"] < TARGET_PLACEMENT_S
    for r in results:
        met[f"board_p95_ms_{r['key']}"] = r["board"]["p95_ms"] < TARGET_BOARD_P95_MS
    out["targets_met"] = met
    out["config"] = {"sizes": args.sizes, "requests": args.requests, "warmup": args.warmup, "workers": args.workers,
                     "seed": args.seed, "database": database_name(args.database_url), "user": USERNAME,
                     "urls": BOARD_URLS}  # fmt: skip
    out["error"] = error
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    log(f"Cultivation benchmark: sizes {args.sizes}, database {database_name(args.database_url)}")
    results, error = run_sizes(args, run_size, prefix="cultivation_bench_")
    print(json.dumps(result_json(args, results, error), ensure_ascii=False), flush=True)
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main())
