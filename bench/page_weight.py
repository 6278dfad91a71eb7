"""Page weight: the bytes a browser transfers for each role's key pages, as production serves them.

For each registry size: create the bench database if missing, migrate, seed the demo city (`seed_demo --reset`),
score it inline, assign the demo officers and give the city its past (`seed_history`, which refreshes the
dashboards), as `make run` has it. Then collect the static files under production settings
(`config.settings.production`: WhiteNoise's compressed manifest storage, so every script and style has its gzip
sibling, and brotli too when the brotli package is installed), serve the portal with gunicorn under those settings
and, in Debian's Chromium (Playwright, `Accept-Encoding: gzip, deflate, br`), log in as each demo role and load its
key pages. Each page is loaded with the browser cache disabled (a first visit: every script and style is fetched),
and the bytes counted are what went over the wire for every response of the load (headers and encoded bodies,
as DevTools' "transferred"), until the network is idle.

Targets (issue 19): the first firm page under 400 KB, the leaders' dashboard under 500 KB.

    .venv/bin/python bench/page_weight.py [--sizes 11000] [--keep-data]

Runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_page_weight_bench). Human-readable
progress goes to stdout; the last line is one JSON object with `firm_page_kb` (the heaviest of the firm users' first
page after login and own record page) and `dashboard_kb` (the leader's city dashboard), in KB of 1,024 bytes.
The registry of the bench database is replaced; the static files are collected into this checkout's var/staticfiles.
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
    BASE_DIR,
    Server,
    analyze,
    database_name,
    django_env,
    log,
    manage,
    run_sizes,
    size_key,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_page_weight_bench"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
TARGET_FIRM_PAGE_KB = 400.0
TARGET_DASHBOARD_KB = 500.0
PAGE_TIMEOUT_MS = 60000
FIRM_USERS = ("firm_hightech", "firm_sme", "firm_small")
# Each role's key pages besides its first page after login ("/"); {firm} is the user's own firm's credit code.
KEY_PAGES = {
    "firm_hightech": ["/enterprises/{firm}/", "/vouchers/my-claims/", "/policies/", "/policies/notices/"],
    "firm_sme": ["/enterprises/{firm}/", "/vouchers/my-claims/", "/policies/"],
    "firm_small": ["/enterprises/{firm}/", "/vouchers/my-claims/", "/policies/"],
    "leader": ["/dashboard/", "/dashboard/county/410402/", "/dashboard/print/"],
    "city": ["/dashboard/", "/enterprises/", "/ip/", "/cultivation/board/", "/vouchers/queue/"],
    "xinhua": ["/dashboard/county/410402/", "/enterprises/", "/cultivation/warnings/", "/vouchers/queue/"],
    "ruzhou": ["/enterprises/"],
    "officer": ["/officers/my-firms/", "/officers/demands/"],
    "admin": ["/enterprises/"],
}
FIRMS_SNIPPET = """
from accounts.models import User
for user in User.objects.filter(username__in={usernames!r}).select_related("enterprise"):
    print("BENCH_FIRM", user.username, user.enterprise.credit_code)
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="11000", help="comma-separated firm counts (default 11000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL URL of the bench database (default $DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--seed", type=int, default=2026, help="seed of the demo city (default 2026)")
    parser.add_argument("--roles", default=",".join(KEY_PAGES), help="comma-separated demo usernames to log in as")
    parser.add_argument("--skip-seed", action="store_true", help="measure the bench database as it is (seeded before)")
    parser.add_argument("--keep-data", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(part) for part in args.sizes.split(",") if part.strip()]
    except ValueError:
        parser.error("--sizes must be a comma-separated list of integers")
    if not args.sizes or min(args.sizes) < 1 or args.workers < 1:
        parser.error("sizes and --workers must be positive")
    args.roles = [role for role in args.roles.split(",") if role]
    if unknown := set(args.roles) - set(KEY_PAGES):
        parser.error(f"unknown roles {sorted(unknown)}; known: {', '.join(KEY_PAGES)}")
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        parser.error("--database-url must be a PostgreSQL URL")
    return args


def production_env(database_url: str) -> dict:
    """config.settings.production over plain HTTP on localhost: no TLS redirect, no HSTS; everything else as deployed
    (DEBUG off, compressed manifest static files served by WhiteNoise, secure cookies: Chromium keeps them for
    localhost)."""
    env = django_env(database_url, hosts="127.0.0.1,localhost")
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY="page-weight-bench-only-not-a-secret",
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="0",
    )
    return env


def seed(size: int, args) -> None:
    env = django_env(args.database_url, hosts="127.0.0.1,testserver")
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
    manage("seed_officers", env=env)
    started = time.monotonic()
    output = manage("seed_history", env=env)
    log(
        f"  {output.strip().splitlines()[0] if output.strip() else 'history'} (wall {time.monotonic() - started:.1f} s)"
    )
    analyze(args.database_url)


def own_firms(database_url: str) -> dict[str, str]:
    output = manage("shell", "-c", FIRMS_SNIPPET.format(usernames=list(FIRM_USERS)), env=django_env(database_url))
    return {line.split()[1]: line.split()[2] for line in output.splitlines() if line.startswith("BENCH_FIRM ")}


class Meter:
    """Counts what one page's load transfers, from the DevTools protocol: `Network.loadingFinished` gives each
    response's encodedDataLength (headers and body as they came over the wire); a failed load counts what arrived."""

    def __init__(self, page):
        self.session = page.context.new_cdp_session(page)
        self.session.send("Network.enable")
        self.session.send("Network.setCacheDisabled", {"cacheDisabled": True})
        self.responses: dict[str, dict] = {}
        self.session.on("Network.responseReceived", self._received)
        self.session.on("Network.loadingFinished", self._finished)
        self.session.on("Network.loadingFailed", self._failed)

    def reset(self) -> None:
        self.responses = {}

    def _received(self, event) -> None:
        response = event["response"]
        headers = {name.lower(): value for name, value in response.get("headers", {}).items()}
        self.responses.setdefault(event["requestId"], {}).update(
            url=response["url"], status=response["status"], encoding=headers.get("content-encoding", "")
        )

    def _finished(self, event) -> None:
        self.responses.setdefault(event["requestId"], {"url": "?", "status": 0, "encoding": ""})["bytes"] = int(
            event["encodedDataLength"]
        )

    def _failed(self, event) -> None:
        self.responses.setdefault(event["requestId"], {"url": "?", "status": 0, "encoding": ""}).setdefault("bytes", 0)

    def total(self) -> int:
        return sum(response.get("bytes", 0) for response in self.responses.values())


def log_in(page, base_url: str, username: str, password: str) -> str:
    """Log in through the form; returns the path of the first page after login."""
    page.goto(f"{base_url}/accounts/login/", wait_until="networkidle")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("button[type=submit]")
    path = urlsplit(page.url).path
    if path.startswith("/accounts/login/"):
        raise RuntimeError(f"login as {username} failed (still on {page.url})")
    return path


def measure(page, meter: Meter, base_url: str, path: str, problems: list[str]) -> dict:
    meter.reset()
    problems.clear()
    response = page.goto(base_url + path, wait_until="networkidle", timeout=PAGE_TIMEOUT_MS)
    if response is None or response.status != 200:
        raise RuntimeError(f"{path} answered {response.status if response else 'nothing'}")
    # Let the charts draw (they may fetch nothing more, but a late request would be counted).
    page.wait_for_timeout(300)
    files = sorted(meter.responses.values(), key=lambda r: -r.get("bytes", 0))
    uncompressed = [
        urlsplit(r["url"]).path
        for r in files
        if "/static/" in r["url"] and not r["encoding"] and r.get("bytes", 0) > 2048 and r["status"] == 200
    ]
    return {
        "path": path,
        "bytes": meter.total(),
        "requests": len(files),
        "largest": [(urlsplit(r["url"]).path, r.get("bytes", 0), r["encoding"] or "identity") for r in files[:4]],
        "uncompressed_static": uncompressed,
        "errors": list(problems),
    }


def kb(value: int) -> float:
    return round(value / 1024, 1)


def measure_roles(base_url: str, password: str, roles: list[str], firms: dict[str, str]) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )  # fmt: skip
        try:
            for username in roles:
                context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
                page = context.new_page()
                page.set_default_timeout(PAGE_TIMEOUT_MS)
                problems: list[str] = []
                page.on(
                    "console", lambda message, p=problems: p.append(message.text) if message.type == "error" else None
                )
                page.on("pageerror", lambda error, p=problems: p.append(str(error)))
                meter = Meter(page)
                first = log_in(page, base_url, username, password)
                paths = [first] + [path.format(firm=firms.get(username, "")) for path in KEY_PAGES[username]]
                pages = []
                for path in dict.fromkeys(paths):  # the first page may also be a key page: once
                    result = measure(page, meter, base_url, path, problems)
                    result["first"] = path == first
                    pages.append(result)
                    largest = ", ".join(
                        f"{name.rsplit('/', 1)[-1] if '/static/' in name else 'the page'} {kb(size)} ({enc})"
                        for name, size, enc in result["largest"]
                    )
                    log(
                        f"  {username:<14} {path:<40} {kb(result['bytes']):8.1f} KB"
                        f" in {result['requests']:3d} responses"
                        f"{'  (first page)' if result['first'] else ''}  largest: {largest}"
                    )
                    if result["uncompressed_static"]:
                        log(f"  {'':<14} served uncompressed: {', '.join(result['uncompressed_static'])}")
                    if result["errors"]:
                        log(f"  {'':<14} console errors: {result['errors']}")
                results[username] = {"first_page": first, "pages": pages}
                context.close()
        finally:
            browser.close()
    return results


def run_size(size: int, args, password: str, work_dir: Path) -> dict:
    key = size_key(size)
    log(f"== {size} firms ({key})")
    if args.skip_seed:
        log("  measuring the bench database as it is (--skip-seed)")
    else:
        seed(size, args)
    env = production_env(args.database_url)
    started = time.monotonic()
    output = manage("collectstatic", "--noinput", "--clear", env=env)
    collected = output.strip().splitlines()[-1]
    log(f"  collectstatic under production settings: {collected} ({time.monotonic() - started:.1f} s)")
    staticfiles = BASE_DIR / "var" / "staticfiles"
    log(f"  precompressed: {len(list(staticfiles.rglob('*.gz')))} gzip, {len(list(staticfiles.rglob('*.br')))} brotli")
    firms = own_firms(args.database_url)
    server = Server(database_url=args.database_url, workers=args.workers, log_path=work_dir / f"gunicorn-{key}.log",
                    env=env)  # fmt: skip
    with server as srv:
        roles = measure_roles(srv.base_url, password, args.roles, firms)
    return {"key": key, "size": size, "roles": roles}


def result_json(args, results: list[dict], error: str | None) -> dict:
    out: dict = {"firm_page_kb": None, "dashboard_kb": None}
    if results:
        roles = results[-1]["roles"]
        firm_pages = [
            page["bytes"]
            for username in FIRM_USERS
            if username in roles
            for page in roles[username]["pages"]
            if page["first"] or page["path"].startswith("/enterprises/")
        ]
        out["firm_page_kb"] = kb(max(firm_pages)) if firm_pages else None
        dashboard = [
            page["bytes"] for page in roles.get("leader", {}).get("pages", []) if page["path"] == "/dashboard/"
        ]
        out["dashboard_kb"] = kb(dashboard[0]) if dashboard else None
        out["first_page_kb"] = {
            username: kb(next(page["bytes"] for page in role["pages"] if page["first"]))
            for username, role in roles.items()
        }
        out["pages_kb"] = {
            r["key"]: {
                username: {page["path"]: kb(page["bytes"]) for page in role["pages"]}
                for username, role in r["roles"].items()
            }
            for r in results
        }
        out["console_errors"] = sum(len(page["errors"]) for role in roles.values() for page in role["pages"])
    out["targets_kb"] = {"firm_page": TARGET_FIRM_PAGE_KB, "dashboard": TARGET_DASHBOARD_KB}
    out["targets_met"] = {
        "firm_page": out["firm_page_kb"] is not None and out["firm_page_kb"] < TARGET_FIRM_PAGE_KB,
        "dashboard": out["dashboard_kb"] is not None and out["dashboard_kb"] < TARGET_DASHBOARD_KB,
    }
    out["config"] = {
        "sizes": args.sizes,
        "workers": args.workers,
        "seed": args.seed,
        "roles": args.roles,
        "database": database_name(args.database_url),
        "settings": "config.settings.production",
    }
    out["error"] = error
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    log(f"Page weight: sizes {args.sizes}, database {database_name(args.database_url)}, roles {args.roles}")
    results, error = run_sizes(args, run_size, prefix="page_weight_")
    result = result_json(args, results, error)
    for key, target in (("firm_page_kb", TARGET_FIRM_PAGE_KB), ("dashboard_kb", TARGET_DASHBOARD_KB)):
        verdict = "met" if result[key] is not None and result[key] < target else "MISSED"
        log(f"  {key}: {result[key]} KB (target < {target:.0f} KB: {verdict})")
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main())
