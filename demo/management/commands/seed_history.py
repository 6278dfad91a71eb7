import datetime
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from dashboards.models import RefreshTrigger
from dashboards.services import refresh_dashboard
from demo.history import seed_history


class Command(BaseCommand):
    help = (
        "Give the demo city a past, once: tier movements since the portal went live, officer assignments over time, "
        "last year's and this year's high-tech campaigns and voucher claims. Needs the first scoring run placed "
        "(recompute_portraits) and the officers assigned (seed_officers); then refreshes the dashboard."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same past")
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, default=None, help="the demo's day (default: today)"
        )

    def handle(self, *args, seed, as_of, **options):
        as_of = as_of or timezone.localdate()
        summary = seed_history(as_of=as_of, seed=seed)
        if not summary:
            self.stdout.write("The demo already has a past, or no placed scoring run yet; no history added.")
        else:
            campaigns = ", ".join(
                f"{year}: " + " ".join(f"{stage} {count}" for stage, count in sorted(stages.items()))
                for year, stages in sorted(summary["campaigns"].items())
            )
            claims = ", ".join(
                f"{year}: {sum(statuses.values())}" for year, statuses in sorted(summary["voucher_claims"].items())
            )
            self.stdout.write(
                self.style.SUCCESS(
                    f"History added in {summary['duration_s']:.1f} s: {summary['tier_moves']} tier moves "
                    f"({summary['tier_moves_last_year']} in the last twelve months), {summary['assignments_spread']} "
                    f"assignments back-dated and {summary['assignments_ended']} ended ones; campaigns {campaigns}; "
                    f"voucher claims {claims}; {summary['closed_since_run']} firms in a tier closed or moved out since "
                    "the run (the next run moves them out)."
                )
            )
        started = time.monotonic()
        refresh = refresh_dashboard(trigger=RefreshTrigger.MANUAL)
        self.stdout.write(f"Dashboard refreshed: {refresh.firms} firms in {time.monotonic() - started:.1f} s.")
