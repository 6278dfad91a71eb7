"""Benchmark of the leaders' dashboards on PostgreSQL: the aggregate refresh, and the page and its API over HTTP.

For each registry size: create the bench database if missing, migrate, seed the demo city (`seed_demo --reset`),
score it once inline (which places every firm and plans), auto-assign the demo officers (`seed_officers`) and give
the city its past (`seed_history`: tier moves, officers over time, campaigns, voucher claims). Then, in
one Django process, time `refresh_dashboard` (read the registry, compute every point, write the aggregates) a few
times; count the SQL queries of the dashboard page and its API; and time them over HTTP (gunicorn, logged in as the
demo leader): the city and one county, page and API.

Targets: dashboard p95 under 150 ms at 200,000 firms with a fixed number of queries; refresh under 10 s at 200,000.

    .venv/bin/python bench/dashboard_bench.py [--sizes 11000,200000] [--requests 100] [--refreshes 3] [--keep-data]

Runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_dashboard_bench). Human-readable
progress goes to stdout; the last line is one JSON object. The registry of the bench database is replaced.
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

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_dashboard_bench"
USERNAME = "leader"
COUNTY = "410402"
TARGET_DASHBOARD_P95_MS = 150.0
TARGET_REFRESH_S = 10.0
REQUEST_TIMEOUT_S = 30
PAGE_URLS = ["/dashboard/", f"/dashboard/county/{COUNTY}/"]
API_URLS = ["/api/v1/dashboard/", f"/api/v1/dashboard/?county={COUNTY}"]

REFRESH_SNIPPET = """
import json
from dashboards.services import refresh_dashboard
for _ in range({count}):
    timings = {{}}
    refresh = refresh_dashboard(trigger="manual", timings=timings)
    print("BENCH_REFRESH", json.dumps(dict(total_s=refresh.duration_s, firms=refresh.firms, **timings)))
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
    print("BENCH_QUERIES", url, len(captured))
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="11000,200000", help="comma-separated firm counts (default 11000,200000)")
    parser.add_argument("--requests", type=int, default=100, help="timed requests per URL (default 100)")
    parser.add_argument("--warmup", type=int, default=10, help="unmeasured requests per URL first (default 10)")
    parser.add_argument("--refreshes", type=int, default=3, help="timed refreshes per size (default 3)")
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
    if not args.sizes or min(args.sizes) < 1 or min(args.requests, args.refreshes, args.workers) < 1:
        parser.error("sizes, --requests, --refreshes and --workers must be positive")
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        parser.error("--database-url must be a PostgreSQL URL")
    return args


def marked(output: str, marker: str) -> list[str]:
    return [line.split(" ", 1)[1] for line in output.splitlines() if line.startswith(marker + " ")]


def time_urls(session, base_url: str, urls: list[str], *, warmup: int, count: int) -> dict[str, list[float]]:
    """Warm up, then time `count` sequential GETs per URL, round-robin; every answer is checked."""

    def get(url):
        response = session.get(base_url + url, timeout=REQUEST_TIMEOUT_S)
        _ = response.content
        expected = '"headline"' if "/api/" in url else 'id="dashboard-data"'
        if response.status_code != 200 or expected not in response.text:
            raise AssertionError(f"{url} answered {response.status_code} without the dashboard")

    for _round in range(warmup):
        for url in urls:
            get(url)
    samples: dict[str, list[float]] = {url: [] for url in urls}
    for _round in range(count):
        for url in urls:
            started = time.perf_counter()
            get(url)
            samples[url].append((time.perf_counter() - started) * 1000)
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
    log(f"  scored, placed and planned inline in {time.monotonic() - started:.1f} s")
    output = manage("seed_officers", env=env)
    log(f"  {output.strip().splitlines()[-1] if output.strip() else 'officers assigned'}")
    # The demo's past (tier moves, officers over time, campaigns, two years of voucher claims): what the refresh
    # reads besides the registry, as `make run` has it.
    started = time.monotonic()
    output = manage("seed_history", env=env)
    log(
        f"  {output.strip().splitlines()[0] if output.strip() else 'history'} (wall {time.monotonic() - started:.1f} s)"
    )
    analyze(args.database_url)

    output = manage("shell", "-c", REFRESH_SNIPPET.format(count=args.refreshes), env=env)
    refreshes = [json.loads(line) for line in marked(output, "BENCH_REFRESH")]
    for number, refresh in enumerate(refreshes, start=1):
        parts = ", ".join(f"{name} {value:.2f} s" for name, value in refresh.items() if name.endswith("_s"))
        log(f"  refresh {number}: {parts} ({refresh['firms']} firms)")
    refresh_s = statistics.median(refresh["total_s"] for refresh in refreshes)
    verdict = "met" if refresh_s < TARGET_REFRESH_S else "MISSED"
    log(f"  refresh median {refresh_s:.2f} s (target < {TARGET_REFRESH_S:.0f} s: {verdict})")

    output = manage("shell", "-c", QUERY_COUNT_SNIPPET.format(username=USERNAME, urls=PAGE_URLS + API_URLS), env=env)
    queries = {line.rsplit(" ", 1)[0]: int(line.rsplit(" ", 1)[1]) for line in marked(output, "BENCH_QUERIES")}
    log(f"  SQL queries: {queries}")

    with Server(database_url=args.database_url, workers=args.workers, log_path=work_dir / f"gunicorn-{key}.log") as srv:
        session = login(srv.base_url, USERNAME, password)
        samples = time_urls(session, srv.base_url, PAGE_URLS + API_URLS, warmup=args.warmup, count=args.requests)
    per_url = {url: summary(values) for url, values in samples.items()}
    for url, figures in per_url.items():
        log(f"  {url:<40} median {figures['median_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms")
    page = summary([value for url in PAGE_URLS for value in samples[url]])
    api = summary([value for url in API_URLS for value in samples[url]])
    for label, figures in (("page", page), ("API", api)):
        verdict = "met" if figures["p95_ms"] < TARGET_DASHBOARD_P95_MS else "MISSED"
        log(f"  dashboard {label}: median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms "
            f"(target < {TARGET_DASHBOARD_P95_MS:.0f} ms: {verdict})")  # fmt: skip
    return {"key": key, "size": size, "refreshes": refreshes, "refresh_s": refresh_s, "queries": queries,
            "page": page, "api": api, "per_url": per_url}  # fmt: skip


def result_json(args, results: list[dict], error: str | None) -> dict:
    out: dict = {}
    by_key = {r["key"]: r for r in results}
    for key in sorted({size_key(s) for s in (*args.sizes, 11000, 200000)}, key=lambda k: int(k[:-1])):
        run = by_key.get(key)
        out[f"dashboard_p95_ms_{key}"] = run["page"]["p95_ms"] if run else None
        out[f"dashboard_median_ms_{key}"] = run["page"]["median_ms"] if run else None
        out[f"api_p95_ms_{key}"] = run["api"]["p95_ms"] if run else None
        out[f"api_median_ms_{key}"] = run["api"]["median_ms"] if run else None
        out[f"refresh_{key}_s"] = round(run["refresh_s"], 3) if run else None
    counts = [value for r in results for value in r["queries"].values()]
    out["queries_per_dashboard"] = max(counts) if counts else None
    out["queries_fixed"] = len({r["queries"][PAGE_URLS[0]] for r in results}) <= 1 and bool(results)
    out["queries"] = {r["key"]: r["queries"] for r in results}
    out["refreshes"] = {r["key"]: r["refreshes"] for r in results}
    out["per_url"] = {r["key"]: r["per_url"] for r in results}
    out["targets"] = {"dashboard_p95_ms": TARGET_DASHBOARD_P95_MS, "refresh_200k_s": TARGET_REFRESH_S}
    met = {f"dashboard_p95_ms_{r['key']}": max(r["page"]["p95_ms"], r["api"]["p95_ms"]) < TARGET_DASHBOARD_P95_MS
           for r in results}  # fmt: skip
    if out.get("refresh_200k_s") is not None:
        met["refresh_200k_s"] = out["refresh_200k_s"] < TARGET_REFRESH_S
    out["targets_met"] = met
    out["config"] = {"sizes": args.sizes, "requests": args.requests, "warmup": args.warmup,
                     "refreshes": args.refreshes, "workers": args.workers, "seed": args.seed,
                     "database": database_name(args.database_url), "user": USERNAME,
                     "urls": PAGE_URLS + API_URLS}  # fmt: skip
    out["error"] = error
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    log(f"Dashboard benchmark: sizes {args.sizes}, database {database_name(args.database_url)}")
    results, error = run_sizes(args, run_size, prefix="dashboard_bench_")
    print(json.dumps(result_json(args, results, error), ensure_ascii=False), flush=True)
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main())
