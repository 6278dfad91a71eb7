"""Benchmark of the enterprise list page and API on PostgreSQL, as staff see them through a real server.

For each registry size: create the bench database if missing, migrate, seed the demo city, start gunicorn on a free
localhost port, log in as the city user with a real HTTP client, and time sequential requests to the list page and
the API (county filter and name search). Also counts the SQL queries of one list page in-process.

Target: p95 under 100 ms at 11,000 firms and under 200 ms at 200,000 firms.

    .venv/bin/python bench/list_bench.py [--sizes 11000,200000] [--requests 200] [--keep-data]

Human-readable progress goes to stdout; the last line is one JSON object with the results.
The bench database is dropped at the end unless --keep-data, and only when this run created it.
Never point --database-url at a database whose registry you want to keep: the seed replaces it.
"""

import argparse
import ast
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
import requests
from psycopg import sql

BASE_DIR = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
USERNAME = "city"
COUNTY = "410402"
TARGET_P95_MS = {11000: 100.0, 200000: 200.0}
HEALTH_TIMEOUT_S = 60
REQUEST_TIMEOUT_S = 30

QUERY_COUNT_SNIPPET = """
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from accounts.models import User
client = Client()
client.force_login(User.objects.get(username={username!r}))
for label, url in {urls!r}:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    print("BENCH_QUERIES", label, len(captured))
"""


def log(message: str) -> None:
    print(message, flush=True)


def size_key(size: int) -> str:
    return f"{round(size / 1000)}k"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="11000,200000", help="comma-separated firm counts (default 11000,200000)")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per URL (default 200)")
    parser.add_argument("--warmup", type=int, default=20, help="unmeasured requests per URL first (default 20)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL URL of the bench database (default $DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of the demo city (default 2026)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--q", default="华", help="name-search term (default 华, a common brand character)")
    parser.add_argument("--keep-data", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    except ValueError:
        parser.error("--sizes must be a comma-separated list of integers")
    if not args.sizes or any(size < 1 for size in args.sizes):
        parser.error("--sizes needs at least one positive integer")
    if args.requests < 1 or args.warmup < 0 or args.workers < 1:
        parser.error("--requests and --workers must be positive, --warmup not negative")
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        parser.error("--database-url must be a PostgreSQL URL")
    return args


# ---------------------------------------------------------------------------------------------------------------
# Database


def database_name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name:
        raise SystemExit("--database-url names no database")
    return name


def maintenance_url(url: str) -> str:
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "pgsql") else parts.scheme
    return urlunsplit((scheme, parts.netloc, "/postgres", parts.query, ""))


def ensure_database(url: str) -> bool:
    """Create the database when it is missing; True when this call created it."""
    name = database_name(url)
    with psycopg.connect(maintenance_url(url), autocommit=True, connect_timeout=10) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return True


def drop_database(url: str) -> None:
    name = database_name(url)
    with psycopg.connect(maintenance_url(url), autocommit=True, connect_timeout=10) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def analyze(url: str) -> None:
    """Fresh planner statistics after the bulk load, as autovacuum would give a long-running database."""
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "pgsql") else parts.scheme
    with psycopg.connect(urlunsplit((scheme, *parts[1:])), autocommit=True, connect_timeout=10) as connection:
        connection.execute("VACUUM ANALYZE")


# ---------------------------------------------------------------------------------------------------------------
# Processes


def django_env(database_url: str, *, hosts: str = "127.0.0.1") -> dict:
    env = os.environ.copy()
    env.pop("REDIS_URL", None)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DEBUG="false",
        DATABASE_URL=database_url,
        ALLOWED_HOSTS=hosts,
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(*arguments: str, env: dict, timeout: int = 3600) -> str:
    command = [PYTHON, "manage.py", *arguments]
    result = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command[1:])} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}"
        )
    return result.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn serving the portal on a free localhost port; always stopped by `stop` (or the context manager)."""

    def __init__(self, *, database_url: str, workers: int, log_path: Path, env: dict | None = None):
        self.database_url = database_url
        self.env = env or django_env(database_url)
        self.workers = workers
        self.log_path = log_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self._log = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def start(self) -> None:
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        command = [
            PYTHON, "-m", "gunicorn", "config.wsgi:application",
            "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers),
            "--worker-class", "sync",
            "--timeout", "60",
            "--graceful-timeout", "10",
            "--log-level", "warning",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        log(f"  gunicorn pid {self.process.pid} on {self.base_url} ({self.workers} workers)")
        self.wait_healthy()

    def wait_healthy(self) -> None:
        deadline = time.monotonic() + HEALTH_TIMEOUT_S
        last_error = "no answer"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log_path}")
            try:
                response = requests.get(f"{self.base_url}/healthz/", timeout=2)
                if response.status_code == 200:
                    return
                last_error = f"HTTP {response.status_code}: {response.text[:200]}"
            except requests.RequestException as error:
                last_error = type(error).__name__
            time.sleep(0.2)
        raise RuntimeError(f"/healthz/ did not answer 200 within {HEALTH_TIMEOUT_S} s ({last_error})")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            log(f"  gunicorn stopped (exit {self.process.returncode})")
        if self._log is not None:
            self._log.close()
            self._log = None


# ---------------------------------------------------------------------------------------------------------------
# Measurement


def login(base_url: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    login_url = f"{base_url}/accounts/login/"
    response = session.get(login_url, timeout=REQUEST_TIMEOUT_S)
    response.raise_for_status()
    token = session.cookies.get("csrftoken")
    if not token:
        raise RuntimeError("the login page set no csrftoken cookie")
    response = session.post(
        login_url,
        data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers={"Referer": login_url},
        timeout=REQUEST_TIMEOUT_S,
    )
    if response.status_code != 200 or "sessionid" not in session.cookies or response.url.startswith(login_url):
        raise RuntimeError(f"login as {username} failed (HTTP {response.status_code}, ended at {response.url})")
    return session


def percentile(samples: list[float], fraction: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(samples)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def summary(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "median_ms": round(statistics.median(samples), 2),
        "p95_ms": round(percentile(samples, 0.95), 2),
        "max_ms": round(max(samples), 2),
    }


def check(url: str, response: requests.Response) -> None:
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}: {response.text[:300]}")
    if "/api/" in url:
        if response.json().get("count", 0) < 1:
            raise AssertionError(f"{url} returned no firms")
    elif 'id="enterprise-table"' not in response.text:
        raise AssertionError(f"{url} did not render the list (logged out?)")


def time_urls(session: requests.Session, base_url: str, urls: list[str], *, warmup: int, count: int) -> dict:
    """Warm up, then time `count` sequential GETs per URL, interleaving the URLs round-robin."""
    for _round in range(warmup):
        for url in urls:
            check(url, session.get(base_url + url, timeout=REQUEST_TIMEOUT_S))
    samples: dict[str, list[float]] = {url: [] for url in urls}
    for _round in range(count):
        for url in urls:
            started = time.perf_counter()
            response = session.get(base_url + url, timeout=REQUEST_TIMEOUT_S)
            _ = response.content
            elapsed = (time.perf_counter() - started) * 1000
            check(url, response)
            samples[url].append(elapsed)
    return samples


def count_queries(database_url: str, urls: list[tuple[str, str]]) -> dict[str, int]:
    snippet = QUERY_COUNT_SNIPPET.format(username=USERNAME, urls=urls)
    output = manage("shell", "-c", snippet, env=django_env(database_url, hosts="127.0.0.1,testserver"), timeout=300)
    counts = {}
    for line in output.splitlines():
        if line.startswith("BENCH_QUERIES "):
            _marker, label, value = line.split()
            counts[label] = int(value)
    if len(counts) != len(urls):
        raise RuntimeError(f"query count snippet printed {counts!r}:\n{output[-2000:]}")
    return counts


def run_size(size: int, args, password: str, work_dir: Path) -> dict:
    key = size_key(size)
    env = django_env(args.database_url)
    log(f"== {size} firms ({key})")
    started = time.monotonic()
    manage("migrate", "--noinput", env=env)
    log(f"  migrated in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    output = manage("seed_demo", "--firms", str(size), "--reset", "--seed", str(args.seed), env=env)
    seeded = output.strip().splitlines()[-1] if output.strip() else "seeded"
    log(f"  {seeded} (wall {time.monotonic() - started:.1f} s)")
    started = time.monotonic()
    analyze(args.database_url)
    log(f"  VACUUM ANALYZE in {time.monotonic() - started:.1f} s")

    q = quote(args.q)
    page_urls = [f"/enterprises/?county={COUNTY}", f"/enterprises/?q={q}"]
    api_urls = [f"/api/v1/enterprises/?county={COUNTY}", f"/api/v1/enterprises/?q={q}"]

    queries = count_queries(
        args.database_url,
        [("page_county", page_urls[0]), ("page_q", page_urls[1]), ("api_county", api_urls[0]), ("api_q", api_urls[1])],
    )
    log("  SQL queries per request: " + ", ".join(f"{label} {value}" for label, value in queries.items()))

    with Server(database_url=args.database_url, workers=args.workers, log_path=work_dir / f"gunicorn-{key}.log") as srv:
        session = login(srv.base_url, USERNAME, password)
        log(f"  logged in as {USERNAME}; {args.warmup} warm-up + {args.requests} timed requests per URL")
        samples = time_urls(session, srv.base_url, page_urls + api_urls, warmup=args.warmup, count=args.requests)

    per_url = {url: summary(values) for url, values in samples.items()}
    for url, figures in per_url.items():
        log(f"  {url:<48} median {figures['median_ms']:7.1f} ms  p95 {figures['p95_ms']:7.1f} ms  "
            f"max {figures['max_ms']:7.1f} ms")  # fmt: skip
    page = summary([value for url in page_urls for value in samples[url]])
    api = summary([value for url in api_urls for value in samples[url]])
    target = TARGET_P95_MS.get(size)
    for label, figures in (("list page", page), ("API", api)):
        verdict = ""
        if target is not None:
            verdict = f"  target p95 < {target:.0f} ms: {'met' if figures['p95_ms'] < target else 'MISSED'}"
        log(f"  {label:<9} combined: median {figures['median_ms']:.1f} ms, p95 {figures['p95_ms']:.1f} ms{verdict}")
    return {"key": key, "size": size, "page": page, "api": api, "per_url": per_url, "queries": queries}


def result_json(args, results: dict[int, dict], error: str | None) -> dict:
    keys = {size_key(size) for size in (*args.sizes, 11000, 200000)}
    out: dict = {}
    for key in sorted(keys, key=lambda k: int(k[:-1])):
        run = next((r for r in results.values() if r["key"] == key), None)
        out[f"list_p95_ms_{key}"] = run["page"]["p95_ms"] if run else None
        out[f"list_median_ms_{key}"] = run["page"]["median_ms"] if run else None
        out[f"api_p95_ms_{key}"] = run["api"]["p95_ms"] if run else None
        out[f"api_median_ms_{key}"] = run["api"]["median_ms"] if run else None
        out[f"queries_per_page_{key}"] = run["queries"]["page_county"] if run else None
    page_counts = [r["queries"]["page_county"] for r in results.values()]
    out["queries_per_page"] = max(page_counts) if page_counts else None
    out["per_url"] = {r["key"]: r["per_url"] for r in results.values()}
    out["queries"] = {r["key"]: r["queries"] for r in results.values()}
    out["targets_p95_ms"] = {size_key(size): ms for size, ms in TARGET_P95_MS.items()}
    out["targets_met"] = {
        r["key"]: r["page"]["p95_ms"] < TARGET_P95_MS[r["size"]] and r["api"]["p95_ms"] < TARGET_P95_MS[r["size"]]
        for r in results.values()
        if r["size"] in TARGET_P95_MS
    }
    out["config"] = {
        "sizes": args.sizes,
        "requests": args.requests,
        "warmup": args.warmup,
        "workers": args.workers,
        "seed": args.seed,
        "q": args.q,
        "database": database_name(args.database_url),
        "user": USERNAME,
    }
    out["error"] = error
    return out


def demo_password() -> str:
    """demo.common.DEMO_PASSWORD, read from the source: importing the module needs a configured Django."""
    tree = ast.parse((BASE_DIR / "demo" / "common.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "DEMO_PASSWORD" for t in node.targets):
            return ast.literal_eval(node.value)
    raise RuntimeError("DEMO_PASSWORD not found in demo/common.py")


def run_sizes(args, run_size, *, prefix: str) -> tuple[list[dict], str | None]:
    """`run_size(size, args, password, work_dir)` for each of `args.sizes` against the bench database (created if
    missing; dropped afterwards when this run created it, unless --keep-data), with the gunicorn log's tail shown when
    a size fails. Returns what was measured and the error that stopped it, if any."""
    password = demo_password()
    created = ensure_database(args.database_url)
    results, error = [], None
    try:
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            for size in args.sizes:
                try:
                    results.append(run_size(size, args, password, Path(tmp)))
                except Exception:
                    log_file = Path(tmp) / f"gunicorn-{size_key(size)}.log"
                    if log_file.exists():
                        log(f"  gunicorn log tail:\n{log_file.read_text()[-3000:]}")
                    raise
    except Exception as failure:  # report what was measured, and why it stopped
        error = f"{type(failure).__name__}: {failure}"[:3000]
        log(f"FAILED: {error}")
    finally:
        if created and not args.keep_data:
            drop_database(args.database_url)
            log("  bench database dropped")
    return results, error


def main(argv=None) -> int:
    args = parse_args(argv)
    password = demo_password()
    log(f"Enterprise list benchmark: sizes {args.sizes}, database {database_name(args.database_url)}, q={args.q!r}")
    created = ensure_database(args.database_url)
    log(f"  database {'created' if created else 'exists'}")
    results: dict[int, dict] = {}
    error = None
    try:
        with tempfile.TemporaryDirectory(prefix="list_bench_") as tmp:
            for size in args.sizes:
                try:
                    results[size] = run_size(size, args, password, Path(tmp))
                except Exception as failure:
                    log_file = Path(tmp) / f"gunicorn-{size_key(size)}.log"
                    if log_file.exists():
                        log(f"  gunicorn log tail:\n{log_file.read_text()[-3000:]}")
                    raise failure
    except Exception as failure:
        error = f"{type(failure).__name__}: {failure}"
        log(f"FAILED: {error}")
    finally:
        if created and not args.keep_data:
            drop_database(args.database_url)
            log("  bench database dropped")
        elif args.keep_data:
            log(f"  bench database {database_name(args.database_url)} kept")
    print(json.dumps(result_json(args, results, error), ensure_ascii=False), flush=True)
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main())
