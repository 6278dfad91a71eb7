"""The whole demo city at once (`seed_demo`): the registry with its demo accounts, account requests, policies, patent
registers, officers (and their firms once a scoring run is published), vouchers and the yearly report; and its removal
(`seed_demo --reset`). The past is added later, by demo.history (`seed_history`)."""

import datetime
import time

from django.db import connection, transaction

from audit.models import AccessEvent
from demo.accounts import clear_account_requests, seed_account_requests
from demo.cultivation import clear_campaigns
from demo.firms import clear_firms, generate, write
from demo.ip import seed_patents
from demo.officers import assign_and_serve, clear_officer_data, ensure_officers
from demo.policies import clear_policy_data, seed_policies
from demo.reports import clear_reports, seed_reports
from demo.sources import clear_sources, seed_sources
from demo.vouchers import clear_vouchers, seed_vouchers
from enterprises.models import Enterprise


def city_exists() -> bool:
    return Enterprise.objects.exists()


def clear_access_log() -> None:
    """The access log keeps the demo accounts (PROTECT) and refuses DELETE (a trigger on PostgreSQL): the demo's
    reset empties it with TRUNCATE, which the trigger does not cover. Only the demo city is ever reset."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses a table with checks still pending
            cursor.execute(f"TRUNCATE {connection.ops.quote_name(AccessEvent._meta.db_table)}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # back to Django's foreign keys' default
    else:
        AccessEvent.objects.all().delete()


@transaction.atomic
def clear_city() -> None:
    """Remove every firm with its data, everything that refers to them, the enterprise accounts tied to them, and
    the demo accounts."""
    # Voucher claims keep their firm and their actors (PROTECT): they go first.
    clear_access_log()
    clear_reports()
    clear_vouchers()
    clear_account_requests()
    clear_officer_data()
    clear_policy_data()
    clear_campaigns()
    clear_sources()
    clear_firms()


def seed_city(*, firms: int, seed: int, as_of: datetime.date) -> dict:
    """Generate and write the demo city of `firms` firms as of `as_of`; the same seed gives the same city. Returns
    the counts the command prints, with the seconds taken (`duration_s`, of which `generate_s` generating)."""
    started = time.monotonic()
    city = generate(firms=firms, seed=seed, as_of=as_of)
    generated = time.monotonic()
    with transaction.atomic():
        counts = write(city)
        counts["account_requests"] = seed_account_requests()
        seed_policies()
    # Where the figures came from: observations, department matches, conflicts; and a few firms closed.
    began = time.monotonic()
    counts.update(seed_sources(firms=city.enterprises, segments=city.segments, seed=seed, as_of=as_of))
    counts["sources_s"] = time.monotonic() - began
    counts["patents"] = seed_patents(seed=seed, as_of=as_of)
    # Officers now; their firms once a scoring run is published (here if one is, else `seed_officers`).
    counts["users"] += ensure_officers(as_of=as_of, seed=seed)
    assign_and_serve(as_of=as_of, seed=seed)
    counts.update(seed_vouchers(as_of=as_of))
    counts.update(seed_reports(as_of=as_of))
    counts["generate_s"] = generated - started
    counts["duration_s"] = time.monotonic() - started
    return counts
