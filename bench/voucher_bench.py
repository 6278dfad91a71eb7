"""Benchmark of voucher claim submissions over HTTP on PostgreSQL: throughput, latency, and the cap under load.

Create the bench database if missing, migrate, seed a demo city of --firms firms (`seed_demo --reset`, which also
opens this year's voucher policy), then give every firm an enterprise user with an API token and --claims-per-firm
draft claims (random subsidies, documents attached) in bulk. Start gunicorn (--workers sync workers) and let
--clients concurrent HTTP clients submit drafts of random firms for --duration seconds through the JSON API
(`POST /api/v1/voucher-claims/<id>/submit/`, token authentication), with a share of withdrawals of submitted claims
(--withdraw-share) so that amounts are also given back. Many clients hit the same firm's quota row at once.

Each firm starts with part of its cap (0 to 80%) already under review, and a share of the requests (--hot-share)
falls on a few firms (--hot-firms), so that caps are reached and one firm's submissions run concurrently.
claims_per_s counts submissions decided per second (accepted, or refused because the cap is reached: both take the
whole locked path); accepted_per_s the accepted ones.

Afterwards the database is checked: for every firm, the sum of its claims under review, approved or paid must not
exceed the cap (cap_violations) and must equal its quota row (quota_mismatches). A 400 answer that a claim is over
the remaining quota is the cap working, not an error; errors are transport failures, 5xx and unexpected answers.

Target: at least 100 submissions per second with p95 under 300 ms on a 2-core machine, and 0 cap violations.

    .venv/bin/python bench/voucher_bench.py [--firms 500] [--duration 30] [--clients 16] [--workers 4]

Runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_voucher_bench); its registry is
replaced. Human-readable progress goes to stdout; the last line is one JSON object.
"""

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

import contextlib

from list_bench import (
    Server,
    analyze,
    database_name,
    django_env,
    drop_database,
    ensure_database,
    log,
    maintenance_url,
    manage,
    percentile,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_voucher_bench"
TARGET_CLAIMS_PER_S = 100.0
TARGET_P95_MS = 300.0
REQUEST_TIMEOUT_S = 30

PREPARE_SNIPPET = """
import datetime, json, random
from decimal import Decimal
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from knox.models import AuthToken
from accounts.models import Role, User
from enterprises.models import Enterprise
from vouchers.models import ClaimDocument, ClaimEvent, ClaimStatus, VoucherClaim, VoucherPolicy, VoucherQuota
from vouchers.workflows import claim_transition

FIRMS, PER_FIRM, SEED, OUT = {firms}, {per_firm}, {seed}, {out!r}
rng = random.Random(SEED)
today = timezone.localdate()
policy = VoucherPolicy.objects.get(year=today.year)
# The bench measures submissions: the whole year open, no city budget in the way.
VoucherPolicy.objects.filter(pk=policy.pk).update(
    claims_open_on=datetime.date(today.year, 1, 1), claims_close_on=datetime.date(today.year, 12, 31), city_budget=None)
policy.refresh_from_db()
# Only the bench's claims: the demo seed's few claims go.
for model in (ClaimEvent, ClaimDocument, VoucherClaim, VoucherQuota):
    model.objects.all().delete()
kind = policy.kinds.get(code="equipment")
firms = list(Enterprise.objects.order_by("pk")[:FIRMS])
template = User()
template.set_unusable_password()
users = User.objects.bulk_create(
    User(username=f"bench-{{firm.pk}}", role=Role.ENTERPRISE, enterprise=firm, password=template.password)
    for firm in firms)
tokens = [(user.pk, AuthToken.objects.create(user=user)[1]) for user in users]
claims = []
for firm, user in zip(firms, users):
    for number in range(PER_FIRM + (1 if firm is firms[0] else 0)):
        subsidy = Decimal(rng.randrange(20_000_00, 80_000_00)) / 100
        claims.append(VoucherClaim(
            enterprise=firm, policy=policy, year=policy.year, kind=kind, supplier_name="仪器设备供应商",
            contract_number=f"HT-{{firm.pk}}-{{number}}", contract_date=datetime.date(today.year, 1, 10),
            eligible_expense=subsidy * 4, subsidy_requested=subsidy, created_by=user))
# Earlier in the year each firm already has a claim under review for part of its cap (uniform 0 to 80%), so the
# cap is reached during the run and refusals happen as they do late in the year.
earlier = []
for firm, user in zip(firms, users):
    used = (policy.annual_cap * Decimal(rng.randrange(0, 80_01)) / 100_00).quantize(Decimal("0.01"))
    if used:
        earlier.append(VoucherClaim(
            enterprise=firm, policy=policy, year=policy.year, kind=kind, supplier_name="仪器设备供应商",
            contract_number=f"HT-{{firm.pk}}-0", contract_date=datetime.date(today.year, 1, 5),
            eligible_expense=used * 4, subsidy_requested=used, created_by=user, status=ClaimStatus.SUBMITTED,
            submitted_at=timezone.now()))
earlier = VoucherClaim.objects.bulk_create(earlier, batch_size=5000)
VoucherQuota.objects.bulk_create((VoucherQuota(enterprise_id=claim.enterprise_id, year=policy.year,
                                               cap=policy.annual_cap, committed=claim.subsidy_requested)
                                  for claim in earlier), batch_size=5000)
ClaimEvent.objects.bulk_create((ClaimEvent(claim=claim, from_state=ClaimStatus.DRAFT, to_state=ClaimStatus.SUBMITTED,
                                           actor_id=claim.created_by_id) for claim in earlier), batch_size=5000)
claims = VoucherClaim.objects.bulk_create(claims, batch_size=5000)
ClaimEvent.objects.bulk_create((ClaimEvent(claim=claim, from_state="", to_state=ClaimStatus.DRAFT,
                                           actor_id=claim.created_by_id) for claim in claims), batch_size=5000)
ClaimDocument.objects.bulk_create((
    ClaimDocument(claim=claim, kind=kind_, invoice_number=f"FP{{claim.pk}}" if kind_ == "invoice" else "",
                  file="vouchers/bench/document.pdf", original_name=f"{{kind_}}.pdf",
                  content_type="application/pdf", size=100, sha256="0" * 64, uploaded_by_id=claim.created_by_id)
    for claim in claims for kind_ in policy.required_documents), batch_size=10000)
by_user = {{}}
for claim in claims:
    by_user.setdefault(claim.created_by_id, []).append(claim.pk)
# The submit path's query count, measured once on the first firm's extra claim (then withdrawn again).
probe = by_user[users[0].pk].pop()
client = Client(HTTP_HOST="127.0.0.1")
with CaptureQueriesContext(connection) as captured:
    response = client.post(f"/api/v1/voucher-claims/{{probe}}/submit/", {{}}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Token {{tokens[0][1]}}")
assert response.status_code == 200, response.content
claim_transition(claims=[VoucherClaim.objects.get(pk=probe)], to=ClaimStatus.WITHDRAWN, actor=users[0])
with open(OUT, "w") as handle:
    json.dump({{"cap": str(policy.annual_cap), "year": policy.year, "submit_queries": len(captured),
               "firms": [[token, by_user[user_id]] for user_id, token in tokens]}}, handle)
print("BENCH_PREPARED", len(claims))
"""

CHECK_SNIPPET = """
import json
from django.db.models import Q, Sum
from vouchers.models import QUOTA_HOLDING, VoucherClaim, VoucherQuota
year = {year}
held = dict(VoucherClaim.objects.filter(year=year, status__in=list(QUOTA_HOLDING)).values_list("enterprise_id")
            .annotate(total=Sum("subsidy_requested")).values_list("enterprise_id", "total"))
quotas = {{row[0]: row[1:] for row in VoucherQuota.objects.filter(year=year).values_list("enterprise_id", "cap",
                                                                                       "committed")}}
violations = sum(1 for firm, total in held.items() if total > quotas.get(firm, (0, 0))[0])
mismatches = sum(1 for firm in set(held) | set(quotas) if held.get(firm, 0) != quotas.get(firm, (0, 0))[1])
at_cap = sum(1 for firm, (cap, committed) in quotas.items() if cap - committed < 20000)
print("BENCH_CHECK", json.dumps(dict(cap_violations=violations, quota_mismatches=mismatches,
      firms_with_claims=len(held), firms_near_cap=at_cap,
      submitted_in_db=VoucherClaim.objects.filter(year=year, status="submitted").count())))
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--firms", type=int, default=500, help="firms submitting claims (default 500)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (default 30)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent HTTP clients (default 16)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers (default 4)")
    parser.add_argument("--claims-per-firm", type=int, default=16, help="drafts prepared per firm (default 16)")
    parser.add_argument("--withdraw-share", type=float, default=0.05,
                        help="share of requests that withdraw a submitted claim (default 0.05)")  # fmt: skip
    parser.add_argument("--hot-firms", type=int, default=10, help="firms that get a share of the load (default 10)")
    parser.add_argument("--hot-share", type=float, default=0.2,
                        help="share of requests for the hot firms (default 0.2)")  # fmt: skip
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL URL of the bench database (default $DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
    parser.add_argument("--keep-data", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args(argv)
    if args.firms < 1 or args.clients < 1 or args.duration <= 0 or args.claims_per_firm < 1:
        parser.error("--firms, --clients, --claims-per-firm and --duration must be positive")
    return args


def marked(output: str, marker: str) -> str:
    for line in output.splitlines():
        if line.startswith(marker):
            return line[len(marker) :].strip()
    raise RuntimeError(f"{marker} not found in:\n{output[-3000:]}")


class Load:
    """The clients' shared state: each firm's drafts and submitted claims, and what happened to each request."""

    def __init__(self, firms: list[tuple[str, list[int]]], *, seed: int, withdraw_share: float, hot_firms: int,
                 hot_share: float):  # fmt: skip
        self.tokens = [token for token, _ids in firms]
        self.drafts = [list(ids) for _token, ids in firms]
        self.submitted: list[list[int]] = [[] for _ in firms]
        self.withdraw_share = withdraw_share
        self.hot_firms, self.hot_share = min(hot_firms, len(firms)), hot_share
        self.seed = seed
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.counts = {"submitted": 0, "refused_over_cap": 0, "withdrawn": 0, "errors": 0, "requests": 0}
        self.error_samples: list[str] = []

    def next_action(self, rng: random.Random):
        with self.lock:
            for _attempt in range(20):
                # A share of the load falls on a few firms, so that submissions for one firm run concurrently.
                hot = self.hot_firms and rng.random() < self.hot_share
                firm = rng.randrange(self.hot_firms if hot else len(self.tokens))
                if self.submitted[firm] and rng.random() < self.withdraw_share:
                    return firm, "withdraw", self.submitted[firm].pop(rng.randrange(len(self.submitted[firm])))
                if self.drafts[firm]:
                    return firm, "submit", self.drafts[firm].pop()
            return None

    def record(self, firm: int, action: str, claim_id: int, response, elapsed_ms: float, error: str | None):
        with self.lock:
            self.counts["requests"] += 1
            self.latencies.append(elapsed_ms)
            if error is not None:
                self.counts["errors"] += 1
                self.error_samples.append(error)
                return
            if response.status_code == 200:
                if action == "submit":
                    self.counts["submitted"] += 1
                    self.submitted[firm].append(claim_id)
                else:
                    self.counts["withdrawn"] += 1
                return
            body = response.text
            if action == "submit" and response.status_code == 400 and "subsidy_requested" in body:
                self.counts["refused_over_cap"] += 1
                return
            self.counts["errors"] += 1
            self.error_samples.append(f"{action} {claim_id}: HTTP {response.status_code} {body[:200]}")


def server_processes(master_pid: int, database_url: str) -> tuple[list[psutil.Process], list[psutil.Process]]:
    """gunicorn's master and workers; the PostgreSQL backends connected to the bench database."""
    master = psutil.Process(master_pid)
    processes = [master, *master.children(recursive=True)]
    backends = []
    with psycopg.connect(maintenance_url(database_url), autocommit=True) as connection:
        pids = [row[0] for row in connection.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            (database_name(database_url),))]  # fmt: skip
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            backends.append(psutil.Process(pid))
    return processes, backends


def cpu_seconds(processes: list[psutil.Process]) -> float:
    total = 0.0
    for process in processes:
        try:
            times = process.cpu_times()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        total += times.user + times.system
    return total


def client_loop(index: int, load: Load, base_url: str, deadline: float) -> None:
    rng = random.Random(load.seed * 1000 + index)
    session = requests.Session()
    try:
        while time.monotonic() < deadline:
            picked = load.next_action(rng)
            if picked is None:
                return
            firm, action, claim_id = picked
            if action == "submit":
                url, body = f"{base_url}/api/v1/voucher-claims/{claim_id}/submit/", {}
            else:
                url, body = f"{base_url}/api/v1/voucher-claims/{claim_id}/transition/", {"to": "withdrawn"}
            headers = {"Authorization": f"Token {load.tokens[firm]}"}
            started = time.perf_counter()
            response, error = None, None
            try:
                response = session.post(url, json=body, headers=headers, timeout=REQUEST_TIMEOUT_S)
            except requests.RequestException as exception:
                error = f"{action} {claim_id}: {type(exception).__name__}"
            load.record(firm, action, claim_id, response, (time.perf_counter() - started) * 1000, error)
    finally:
        session.close()


def run(args, work_dir: Path) -> dict:
    env = django_env(args.database_url)
    log(f"Preparing {args.firms} firms in {database_name(args.database_url)}")
    manage("migrate", "--noinput", env=env)
    manage("seed_demo", "--firms", str(max(args.firms, 50)), "--reset", "--seed", str(args.seed), env=env)
    out = work_dir / "firms.json"
    snippet = PREPARE_SNIPPET.format(firms=args.firms, per_firm=args.claims_per_firm, seed=args.seed, out=str(out))
    log(f"  {marked(manage('shell', '-c', snippet, env=env), 'BENCH_PREPARED')} draft claims with documents")
    prepared = json.loads(out.read_text())
    analyze(args.database_url)
    load = Load([tuple(pair) for pair in prepared["firms"]], seed=args.seed, withdraw_share=args.withdraw_share,
                hot_firms=args.hot_firms, hot_share=args.hot_share)  # fmt: skip
    with Server(database_url=args.database_url, workers=args.workers, log_path=work_dir / "gunicorn.log") as server:
        # Warm every worker's connection and imports before timing.
        warm = requests.Session()
        for _ in range(args.workers * 4):
            warm.get(
                f"{server.base_url}/api/v1/voucher-policies/", headers={"Authorization": f"Token {load.tokens[0]}"}
            )
        warm.close()
        log(f"  {args.clients} clients for {args.duration:.0f} s")
        web, database = server_processes(server.process.pid, args.database_url)
        web_before, database_before = cpu_seconds(web), cpu_seconds(database)
        started = time.monotonic()
        deadline = started + args.duration
        threads = [threading.Thread(target=client_loop, args=(i, load, server.base_url, deadline))
                   for i in range(args.clients)]  # fmt: skip
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        web_cpu_s, database_cpu_s = cpu_seconds(web) - web_before, cpu_seconds(database) - database_before
        server_cpu_s = web_cpu_s + database_cpu_s
    check = json.loads(marked(manage("shell", "-c", CHECK_SNIPPET.format(year=prepared["year"]), env=env),
                              "BENCH_CHECK"))  # fmt: skip
    latencies = load.latencies or [0.0]
    counts = load.counts
    result = {
        "firms": args.firms,
        "clients": args.clients,
        "workers": args.workers,
        "duration_s": round(elapsed, 2),
        # Submissions decided per second: accepted, or refused because the firm's cap is reached (both take the
        # whole locked path); accepted_per_s counts the accepted ones only.
        "claims_per_s": round((counts["submitted"] + counts["refused_over_cap"]) / elapsed, 1),
        "accepted_per_s": round(counts["submitted"] / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50), 1),
        "p95_ms": round(percentile(latencies, 0.95), 1),
        "max_ms": round(max(latencies), 1),
        "requests": counts["requests"],
        "submitted": counts["submitted"],
        "refused_over_cap": counts["refused_over_cap"],
        "withdrawn": counts["withdrawn"],
        "errors": counts["errors"],
        "submit_queries": prepared["submit_queries"],
        # CPU the server side (gunicorn workers and their PostgreSQL backends) spent per request, whatever else the
        # machine was doing; 2 cores' worth of it is the rate this path could reach on an otherwise idle machine.
        "server_cpu_ms_per_request": round(1000 * server_cpu_s / max(counts["requests"], 1), 2),
        "gunicorn_cpu_ms_per_request": round(1000 * web_cpu_s / max(counts["requests"], 1), 2),
        "postgres_cpu_ms_per_request": round(1000 * database_cpu_s / max(counts["requests"], 1), 2),
        "cpu_bound_requests_per_s_2_cores": round(2 * counts["requests"] / server_cpu_s, 1) if server_cpu_s else None,
        "load_average_1m": round(os.getloadavg()[0], 2),
        **check,
    }
    for sample in load.error_samples[:5]:
        log(f"  error: {sample}")
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    created = ensure_database(args.database_url)
    error = None
    result: dict = {}
    try:
        with tempfile.TemporaryDirectory(prefix="voucher-bench-") as work:
            result = run(args, Path(work))
    except Exception as exception:  # the JSON line still reports what failed
        error = f"{type(exception).__name__}: {exception}"
        log(f"FAILED: {error}")
    finally:
        if created and not args.keep_data:
            drop_database(args.database_url)
    if result:
        log(
            f"{result['claims_per_s']} claims/s, p95 {result['p95_ms']} ms, {result['cap_violations']} cap violations, "
            f"{result['quota_mismatches']} quota mismatches, {result['errors']} errors of {result['requests']} requests"
        )
        result["meets_target"] = (
            result["claims_per_s"] >= TARGET_CLAIMS_PER_S and result["p95_ms"] < TARGET_P95_MS
            and result["cap_violations"] == 0 and result["quota_mismatches"] == 0 and result["errors"] == 0
        )  # fmt: skip
    summary = {"claims_per_s": None, "p95_ms": None, "cap_violations": None, "requests": 0, "errors": None, **result}
    if error:
        summary["error"] = error
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if error is None else 1


if __name__ == "__main__":
    sys.exit(main())
