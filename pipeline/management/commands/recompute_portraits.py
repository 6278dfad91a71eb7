import datetime
import time

from celery import current_app
from django.core.management.base import BaseCommand, CommandError

from pipeline import nightly
from scoring.models import ScoringRun


class Command(BaseCommand):
    help = (
        "Compute every firm's portrait now, as the nightly job does from the scoring run on (placement, plans, "
        "warnings, policy matching, dashboard refresh): once per date unless --force. Inline when no broker is "
        "configured (or with --inline), else spread over the running Celery workers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", type=datetime.date.fromisoformat, default=None, help="run date (default today)")
        parser.add_argument("--force", action="store_true", help="run again even if the date already has a run")
        parser.add_argument("--inline", action="store_true", help="compute in this process even with a broker")
        parser.add_argument("--chunk-size", type=int, default=None, help="firms per chunk task")
        parser.add_argument("--wait", action="store_true", help="with workers: wait until the run has finished")
        parser.add_argument("--timeout", type=int, default=3600, help="seconds --wait waits at most (default 3600)")

    def handle(self, *args, date, force, inline, chunk_size, wait, timeout, **options):
        if chunk_size is not None and chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1")
        eager = current_app.conf.task_always_eager
        if inline:
            current_app.conf.task_always_eager = True
        try:
            started = time.monotonic()
            run = nightly.start_run(on=date, force=force, chunk_size=chunk_size)
        finally:
            current_app.conf.task_always_eager = eager
        if run is None:
            self.stdout.write(
                "A run of that date is published or still in progress; nothing done (use --force to run again)."
            )
            return
        run.refresh_from_db()
        if run.status == ScoringRun.Status.RUNNING and wait:
            deadline = time.monotonic() + timeout
            while run.status == ScoringRun.Status.RUNNING and time.monotonic() < deadline:
                time.sleep(0.2)
                run.refresh_from_db()
        elapsed = time.monotonic() - started
        if run.status == ScoringRun.Status.RUNNING:
            self.stdout.write(f"Run {run.pk} of {run.run_date} queued: {run.chunks_total} chunks for the workers.")
        elif run.status == ScoringRun.Status.PUBLISHED:
            counts = ", ".join(f"{tier} {count}" for tier, count in sorted(run.tier_counts.items()))
            self.stdout.write(
                self.style.SUCCESS(
                    f"Run {run.pk} of {run.run_date} published: {run.firms_scored} portraits (rule set "
                    f"{run.ruleset_year}; {counts}) in {elapsed:.1f} s."
                )
            )
        else:
            raise CommandError(f"Run {run.pk} failed: {'; '.join(run.errors)}")
