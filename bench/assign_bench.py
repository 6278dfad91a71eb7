"""Benchmark of officers' auto-assign on PostgreSQL: time and quality at city and province scale.

For each scale (firms:officers): replace the bench database's registry with that many innovative firms (spread over
the city's counties like the demo city, each with a high-tech field and a tier) in one published scoring run, and
that many county officers (spread over the counties in proportion to their firms, two to four random fields of
expertise each, the default maximum load); then time one auto-assign run through the service the Celery task calls
(`officers.services.auto_assign`: reads, in-memory matching, bulk writes, commit) and check what it produced:
coverage, no officer above their maximum, and the load spread (max minus min firms among the officers of one county
with equal fields; and among all officers of one county).

Targets (issue 7): city scale (1,500 firms, 150 officers) under 2 s; province scale (20,000 firms, 1,000 officers)
under 30 s. At province scale 1,000 officers at the default maximum of 15 firms can serve at most 15,000 of the
20,000 firms: the coverage is bounded by capacity, and `province_capacity_coverage_pct` says how much of that
capacity was used.

    .venv/bin/python bench/assign_bench.py [--city 1500:150] [--province 20000:1000] [--max-load 15] [--seed 2026]

Runs against DATABASE_URL (default postgres://postgres@127.0.0.1:5432/portal_assign_bench), which it creates and
migrates when missing. It REPLACES the registry of that database: never point it at real data. Human-readable
progress goes to stdout; the last line is one JSON object.
"""

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from list_bench import ensure_database, log

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_assign_bench"
TARGET_CITY_S = 2.0
TARGET_PROVINCE_S = 30.0
TIERS = ("t1", "t2", "t3")
TIER_WEIGHTS = (0.3, 0.45, 0.25)


def parse_scale(value: str) -> tuple[int, int]:
    try:
        firms, officers = (int(part) for part in value.split(":"))
    except ValueError:
        raise argparse.ArgumentTypeError("give firms:officers, e.g. 1500:150") from None
    if firms < 1 or officers < 1:
        raise argparse.ArgumentTypeError("firms and officers must be positive")
    return firms, officers


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--city", type=parse_scale, default=(1500, 150), help="firms:officers (default 1500:150)")
    parser.add_argument(
        "--province", type=parse_scale, default=(20000, 1000), help="firms:officers (default 20000:1000)"
    )
    parser.add_argument("--max-load", type=int, default=None, help="officers' maximum load (default: the settings')")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        help=f"PostgreSQL URL of the bench database (default $DATABASE_URL, else {DEFAULT_DATABASE_URL})",
    )
    args = parser.parse_args(argv)
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql", "pgsql"):
        parser.error("--database-url must be a PostgreSQL URL")
    return args


def setup_django(database_url: str) -> None:
    os.environ.pop("REDIS_URL", None)
    os.environ.update(DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=database_url, LOG_LEVEL="WARNING")
    import django

    django.setup()


def clear(connection) -> None:
    """Empty the registry, scoring runs and officers of the bench database (TRUNCATE … CASCADE: fast)."""
    from accounts.models import User
    from enterprises.models import Enterprise
    from officers.models import AssignmentRun, OfficerProfile
    from scoring.models import ScoringRun

    tables = [model._meta.db_table for model in (Enterprise, ScoringRun, OfficerProfile, AssignmentRun)]
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE " + ", ".join(tables) + " CASCADE")
    User.objects.filter(username__startswith="bench_").delete()


def seed(*, firms: int, officers: int, max_load: int, rng):
    """The registry of one scale; returns the actor (a city administrator)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from cultivation.models import TierPlacement
    from demo.firms import COUNTY_WEIGHTS
    from enterprises.credit_codes import make_credit_code
    from enterprises.models import County, Enterprise, HighTechField
    from officers.models import EXPERTISE_CHOICES, OfficerLevel, OfficerProfile
    from scoring.models import Portrait, ScoringRun

    clear(connection)
    counties = {county.code: county for county in County.objects.all()}
    codes = list(COUNTY_WEIGHTS)
    weights = [COUNTY_WEIGHTS[code] for code in codes]
    total = sum(weights)
    county_of = rng.choice(codes, size=firms, p=[weight / total for weight in weights])
    fields = list(HighTechField.values)
    field_of = rng.choice(fields, size=firms)
    tier_of = rng.choice(TIERS, size=firms, p=TIER_WEIGHTS)
    today = timezone.localdate()
    with transaction.atomic():
        enterprises = [
            Enterprise(
                credit_code=make_credit_code(f"91{county_of[index]}{index:09d}"),
                name=f"基准测试{index:06d}有限公司",
                county=counties[str(county_of[index])],
                high_tech_field=str(field_of[index]),
            )
            for index in range(firms)
        ]
        Enterprise.objects.bulk_create(enterprises, batch_size=5000)
        run = ScoringRun.objects.create(
            run_date=today, ruleset_year=2026, forced=True, status=ScoringRun.Status.PUBLISHED,
            finished_at=timezone.now(),
        )  # fmt: skip
        constant = {
            "readiness": 50, "sme_score": 40, "sme_eligible": True, "sme_passes": False, "capability_estimate": 50,
            "capability_low": 40, "capability_high": 60, "conditions_met": 4, "innovative_sme_score": 40,
            "gazelle_candidate": False, "srdi_candidate": False, "above_scale": False, "innovative": True,
        }  # fmt: skip
        Portrait.objects.bulk_create(
            (
                Portrait(run=run, enterprise=firm, county_id=firm.county_id, tier=str(tier_of[index]), **constant)
                for index, firm in enumerate(enterprises)
            ),
            batch_size=5000,
        )
        TierPlacement.objects.bulk_create(
            (
                TierPlacement(
                    enterprise=firm,
                    tier=str(tier_of[index]),
                    rules_tier=str(tier_of[index]),
                    since=today,
                    placed_by_run=run,
                    county_id=firm.county_id,
                    readiness=50,
                )
                for index, firm in enumerate(enterprises)
            ),
            batch_size=5000,
        )
        # Officers per county in proportion to its firms (at least one where there are firms).
        firms_per_county = defaultdict(int)
        for code in county_of:
            firms_per_county[str(code)] += 1
        shares = {code: officers * count / firms for code, count in firms_per_county.items()}
        per_county = {code: max(1, int(share)) for code, share in shares.items()}
        leftover = officers - sum(per_county.values())
        for code in sorted(shares, key=lambda c: shares[c] - int(shares[c]), reverse=True)[: max(0, leftover)]:
            per_county[code] += 1
        template = User()
        template.set_unusable_password()
        users = []
        for code, count in per_county.items():
            users += [User(username=f"bench_{code}_{n}", role=Role.OFFICER, password=template.password)
                      for n in range(count)]  # fmt: skip
        User.objects.bulk_create(users, batch_size=5000)
        expertise_values = [value for value, _label in EXPERTISE_CHOICES]
        OfficerProfile.objects.bulk_create(
            (
                OfficerProfile(
                    user=user,
                    level=OfficerLevel.COUNTY,
                    county=counties[user.username.split("_")[1]],
                    expertise=sorted(rng.choice(expertise_values, size=int(rng.integers(2, 5)), replace=False)),
                    max_load=max_load,
                )
                for user in users
            ),
            batch_size=5000,
        )
        actor = User.objects.create(username="bench_admin", role=Role.CITY_ADMIN, password=template.password)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return actor, sum(per_county.values())


def measure(*, firms: int, officers: int, max_load: int, rng) -> dict:
    from officers.models import Assignment, AssignmentRun, OfficerProfile
    from officers.services import auto_assign

    log(f"Scale {firms} firms / {officers} officers: seeding")
    started = time.perf_counter()
    actor, officer_count = seed(firms=firms, officers=officers, max_load=max_load, rng=rng)
    log(f"  seeded in {time.perf_counter() - started:.1f} s; auto-assign")
    run = AssignmentRun.objects.create(requested_by=actor)
    started = time.perf_counter()
    run = auto_assign(run_id=run.pk)
    seconds = time.perf_counter() - started
    if run.status != AssignmentRun.Status.DONE:
        raise RuntimeError(f"auto-assign failed: {run.error}")
    profiles = list(OfficerProfile.objects.values("pk", "county_id", "expertise", "load", "max_load"))
    active = defaultdict(int)
    for officer_id in Assignment.objects.filter(ended_at__isnull=True).values_list("officer_id", flat=True):
        active[officer_id] += 1
    groups, counties = defaultdict(list), defaultdict(list)
    above_max = 0
    for profile in profiles:
        load = active[profile["pk"]]
        above_max += load > profile["max_load"]
        assert load == profile["load"], "stored load differs from the active assignments"
        groups[(profile["county_id"], tuple(profile["expertise"]))].append(load)
        counties[profile["county_id"]].append(load)
    capacity = sum(profile["max_load"] for profile in profiles)
    spread = max((max(loads) - min(loads) for loads in groups.values()), default=0)
    county_spread = max((max(loads) - min(loads) for loads in counties.values()), default=0)
    result = {
        "firms": firms,
        "officers": officer_count,
        "seconds": round(seconds, 3),
        "assigned": run.assigned,
        "uncovered": run.uncovered,
        "coverage_pct": round(100 * run.assigned / run.targets, 2) if run.targets else None,
        "capacity": capacity,
        "capacity_coverage_pct": round(100 * run.assigned / min(run.targets, capacity), 2) if run.targets else None,
        "officers_above_max": above_max,
        "load_spread_equal_fields": spread,
        "load_spread_county": county_spread,
    }
    log(f"  {json.dumps(result)}")
    return result


def main(argv=None) -> int:
    args = parse_args(argv)
    if ensure_database(args.database_url):
        log(f"Created {args.database_url}")
    setup_django(args.database_url)
    import numpy as np
    from django.core.management import call_command

    from officers.models import OfficerSettings

    call_command("migrate", verbosity=0)
    max_load = args.max_load or OfficerSettings.in_force().default_max_load
    rng = np.random.default_rng(args.seed)
    city = measure(firms=args.city[0], officers=args.city[1], max_load=max_load, rng=rng)
    province = measure(firms=args.province[0], officers=args.province[1], max_load=max_load, rng=rng)
    figures = {
        "city_s": city["seconds"],
        "province_s": province["seconds"],
        "coverage_pct": city["coverage_pct"],
        "load_spread": max(city["load_spread_equal_fields"], province["load_spread_equal_fields"]),
        "city": city,
        "province": province,
        "province_coverage_pct": province["coverage_pct"],
        "province_capacity_coverage_pct": province["capacity_coverage_pct"],
        "officers_above_max": city["officers_above_max"] + province["officers_above_max"],
        "max_load": max_load,
        "city_target_met": city["seconds"] < TARGET_CITY_S,
        "province_target_met": province["seconds"] < TARGET_PROVINCE_S,
    }
    print(json.dumps(figures), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
