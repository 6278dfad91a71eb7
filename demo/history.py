"""A past for the demo city (`seed_history`, after the first scoring run and the officers of `make run`): tier
movements since the portal went live, officer assignments over time, last year's and this year's high-tech
campaigns and voucher claims; and a few firms a tier holds closed or moved out since the run (demo.sources), for
the next run to move out. Everything is derived from the demo registry so that it agrees with it, dated relative
to the demo's day, and deterministic for a given seed. Added once, to a fresh demo: `history_exists` says when there
is already a past (a campaign, an earlier year's voucher policy, or a tier move), and then nothing is written.

Each subject keeps its own part (demo.cultivation, demo.officers, demo.vouchers); what they share (the day the
portal went live, office-hour timestamps, the reviewers who acted in the past) is in demo.common."""

import datetime
import time

from django.db import transaction

from cultivation.models import Campaign, TierMovement, TierPlacement
from demo.common import reviewers
from demo.cultivation import RegistryTimeline, seed_campaigns, seed_tier_history
from demo.officers import seed_assignment_history
from demo.sources import close_placed_firms
from demo.vouchers import seed_voucher_history
from scoring.selectors import current_run
from vouchers.models import VoucherPolicy


def history_exists(as_of: datetime.date) -> bool:
    return (
        Campaign.objects.exists()
        or VoucherPolicy.objects.filter(year__lt=as_of.year).exists()
        or TierMovement.objects.exclude(direction=0).exists()
    )


def seed_history(*, as_of: datetime.date, seed: int = 2026) -> dict:
    """Add the past to a fresh demo whose first scoring run is placed; returns counts and timings. Nothing happens
    (an empty dict) when there is already a past or no placed run."""
    run = current_run()
    # The run's placements must be there: after a reset the old run remains, its firms and placements gone.
    placed = run is not None and TierPlacement.objects.filter(placed_by_run=run).exists()
    if not placed or history_exists(as_of):
        return {}
    summary, timings = {}, {}
    started = time.monotonic()
    with transaction.atomic():
        actors = reviewers()
        if not actors:
            return {}
        timeline = RegistryTimeline(as_of=as_of, run=run, seed=seed)
        timings["timeline"] = time.monotonic() - started
        dated = {"as_of": as_of, "seed": seed, "actors": actors}
        steps = (
            ("tiers", seed_tier_history, {"timeline": timeline, "run": run}),
            ("officers", seed_assignment_history, dated),
            ("campaigns", seed_campaigns, {"timeline": timeline, "run": run, "seed": seed, "actors": actors}),
            ("vouchers", seed_voucher_history, dated),
        )  # fmt: skip
        for name, step, arguments in steps:
            began = time.monotonic()
            summary.update(step(**arguments))
            timings[name] = time.monotonic() - began
        # Last: a few firms a tier holds close or move out, so that the next run moves them out with the new causes
        # (after the tier history, which is derived from the placements as they are).
        summary["closed_since_run"] = close_placed_firms(seed=seed, as_of=as_of)
    summary["timings"] = timings
    summary["duration_s"] = time.monotonic() - started
    return summary
