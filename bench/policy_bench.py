"""Benchmark of policy matching on PostgreSQL: 50 policies against every firm of a published scoring run.

For each registry size: create the bench database if missing, migrate, seed the demo city (`seed_demo --reset`,
which also seeds the demo policies), score it once inline (`recompute_portraits --force --inline`, which places and
matches it too). Then, in one Django process, add policies up to `--policies` (variations of the demo policies:
other thresholds, other counties), and time `match_from_run` — read the matching frame (the portrait columns and
registry figures that the conditions use, COPY), evaluate every policy vectorised, write every match into the
emptied table (binary COPY, indexes built afterwards) in one transaction — and again on unchanged data (nothing to
write), `--repeat` times, keeping the best; the evaluation step alone is reported too, and reading the frame with
every column of the vocabulary (`read_all_columns_*`: conditions that used them all).

Target: matching 50 policies against 200,000 firms under 5 s.

    .venv/bin/python bench/policy_bench.py [--sizes 11000,200000] [--policies 50] [--repeat 3] [--keep-data]

Runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_policy_bench). Human-readable progress
goes to stdout; the last line is one JSON object. The registry of the bench database is replaced.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from list_bench import analyze, database_name, django_env, drop_database, ensure_database, log, manage, size_key

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_policy_bench"
TARGET_MATCH_200K_S = 5.0

MATCH_SNIPPET = """
import json, time
from decimal import Decimal
from django.db import connection
from enterprises.models import County
from policies.conditions import FIELDS, MONEY, RATIO, COUNT, clean_conditions
from demo.policies import DEMO_POLICIES
from policies.matching import compute, match_from_run, matching_frame
from policies.models import Policy, PolicyMatch
from scoring.models import ScoringRun

run = ScoringRun.objects.filter(status="published").order_by("-run_date", "-pk").first()
codes = list(County.objects.order_by("code").values_list("code", flat=True))
wanted = {policies}
number = Policy.objects.count()
while number < wanted:
    spec = DEMO_POLICIES[number % len(DEMO_POLICIES)]
    step = Decimal(1) + Decimal(number // len(DEMO_POLICIES)) / 10  # thresholds 10 %, 20 %… stricter
    conditions = []
    for condition in spec["conditions"]:
        item = FIELDS[condition["field"]]
        value = condition["value"]
        if item.kind in (MONEY, RATIO) and condition["op"] in ("gte", "gt"):
            value = str(Decimal(value) * step)
        elif item.kind == COUNT and condition["op"] in ("gte", "gt"):
            value = int(value) + number // len(DEMO_POLICIES)
        elif condition["field"] == "county":
            value = [codes[number % len(codes)]]
        conditions.append(dict(condition, value=value))
    Policy.objects.create(title=f"{{spec['title']}} #{{number}}", issuer=spec["issuer"], kind=spec["kind"],
                          summary=spec["summary"], conditions=clean_conditions(conditions))
    number += 1
policies = list(Policy.objects.filter(active=True).order_by("pk"))

def timed():
    started = time.perf_counter()
    outcome = match_from_run(run=run)
    return time.perf_counter() - started, outcome

full, steady = [], []
for _ in range({repeat}):
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + PolicyMatch._meta.db_table)
    full.append(timed())  # every match written
    steady.append(timed())  # the next night on unchanged data: nothing written
reads = []
for _ in range({repeat}):
    started = time.perf_counter()
    frame = matching_frame(run)  # every column of the vocabulary: what conditions using all of them would read
    reads.append(time.perf_counter() - started)
evaluations = []
for _ in range({repeat}):
    started = time.perf_counter()
    rows = compute(frame, policies)
    evaluations.append(time.perf_counter() - started)
full_s, outcome = min(full, key=lambda item: item[0])
steady_s, steady_outcome = min(steady, key=lambda item: item[0])
print("BENCH_MATCH", json.dumps(dict(
    total_s=full_s, load_s=outcome.load_s, evaluate_s=outcome.evaluate_s, write_s=outcome.write_s,
    inserted=outcome.inserted, steady_s=steady_s, steady_write_s=steady_outcome.write_s,
    evaluate_only_s=min(evaluations), read_all_s=min(reads), firms=outcome.firms, policies=outcome.policies,
    meets=outcome.meets, nearly=outcome.nearly, rows=PolicyMatch.objects.count())))
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="11000,200000", help="comma-separated firm counts (default 11000,200000)")
    parser.add_argument("--policies", type=int, default=50, help="active policies to match (default 50)")
    parser.add_argument("--repeat", type=int, default=3, help="timed matchings per size; the best counts (default 3)")
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
    if not args.sizes or min(args.sizes) < 1 or args.policies < 1 or args.repeat < 1:
        parser.error("sizes, --policies and --repeat must be positive")
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        parser.error("--database-url must be a PostgreSQL URL")
    return args


def marked_lines(output: str, marker: str) -> list[str]:
    return [line.split(" ", 1)[1] for line in output.splitlines() if line.startswith(marker + " ")]


def run_size(size: int, args) -> dict:
    env = django_env(args.database_url)
    log(f"== {size} firms ({size_key(size)})")
    manage("migrate", "--noinput", env=env)
    started = time.monotonic()
    manage("seed_demo", "--firms", str(size), "--reset", "--seed", str(args.seed), env=env)
    log(f"  seeded in {time.monotonic() - started:.1f} s")
    manage("shell", "-c", "from scoring.models import ScoringRun; ScoringRun.objects.all().delete()", env=env)
    started = time.monotonic()
    manage("recompute_portraits", "--force", "--inline", env=env)
    log(f"  scored, placed and matched inline in {time.monotonic() - started:.1f} s")
    analyze(args.database_url)
    output = manage("shell", "-c", MATCH_SNIPPET.format(policies=args.policies, repeat=args.repeat), env=env)
    figures = json.loads(marked_lines(output, "BENCH_MATCH")[0])
    log(f"  {figures['policies']} policies x {figures['firms']} firms: {figures['total_s']:.2f} s (read "
        f"{figures['load_s']:.2f}, evaluate {figures['evaluate_s']:.2f}, write {figures['write_s']:.2f}; every "
        f"column read in {figures['read_all_s']:.2f}); "
        f"{figures['meets']} meets, {figures['nearly']} nearly; "
        f"unchanged data again: {figures['steady_s']:.2f} s")  # fmt: skip
    return {"key": size_key(size), "size": size, **figures}


def result_json(args, results: list[dict], error: str | None) -> dict:
    out: dict = {}
    by_key = {r["key"]: r for r in results}
    for key in sorted({size_key(s) for s in (*args.sizes, 11000, 200000)}, key=lambda k: int(k[:-1])):
        run = by_key.get(key)
        out[f"match_{key}_s"] = round(run["total_s"], 3) if run else None
        out[f"evaluate_{key}_s"] = round(run["evaluate_only_s"], 3) if run else None
        out[f"read_{key}_s"] = round(run["load_s"], 3) if run else None
        out[f"read_all_columns_{key}_s"] = round(run["read_all_s"], 3) if run else None
        out[f"write_{key}_s"] = round(run["write_s"], 3) if run else None
        out[f"match_unchanged_{key}_s"] = round(run["steady_s"], 3) if run else None
        out[f"rows_{key}"] = run["rows"] if run else None
    out["runs"] = results
    out["targets"] = {"match_200k_s": TARGET_MATCH_200K_S}
    out["targets_met"] = (
        {"match_200k_s": out["match_200k_s"] < TARGET_MATCH_200K_S} if out.get("match_200k_s") is not None else {}
    )
    out["config"] = {"sizes": args.sizes, "policies": args.policies, "repeat": args.repeat, "seed": args.seed,
                     "database": database_name(args.database_url)}  # fmt: skip
    out["error"] = error
    return out


def main(argv=None) -> int:
    args = parse_args(argv)
    log(f"Policy matching benchmark: sizes {args.sizes}, {args.policies} policies, database "
        f"{database_name(args.database_url)}")  # fmt: skip
    created = ensure_database(args.database_url)
    results, error = [], None
    try:
        for size in args.sizes:
            results.append(run_size(size, args))
    except Exception as failure:  # report what was measured, and why it stopped
        error = f"{type(failure).__name__}: {failure}"[:3000]
        log(f"FAILED: {error}")
    finally:
        if created and not args.keep_data:
            drop_database(args.database_url)
            log("  bench database dropped")
    print(json.dumps(result_json(args, results, error), ensure_ascii=False), flush=True)
    return 1 if error else 0


if __name__ == "__main__":
    sys.exit(main())
