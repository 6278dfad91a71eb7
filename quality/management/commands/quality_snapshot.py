import time

from django.core.management.base import BaseCommand

from quality.snapshots import quality_snapshot_compute


class Command(BaseCommand):
    help = "Compute the data-quality page's snapshot now (it is also computed each night after the scoring run)."

    def handle(self, *args, **options):
        started = time.perf_counter()
        snapshot = quality_snapshot_compute()
        self.stdout.write(f"Data-quality snapshot: {snapshot.firms} firms in {time.perf_counter() - started:.2f} s")
