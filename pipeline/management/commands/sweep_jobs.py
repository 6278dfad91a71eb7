from django.core.management.base import BaseCommand

from enterprises.importing.services import import_jobs_sweep
from pipeline import nightly


class Command(BaseCommand):
    help = (
        "What beat does every JOBS_SWEEP_EVERY_S: scoring runs that stopped making progress are sent again or failed, "
        "and imports whose process died are marked failed (the registry unchanged)."
    )

    def handle(self, *args, **options):
        runs = nightly.sweep()
        imports = import_jobs_sweep()
        self.stdout.write(
            f"Scoring runs sent again: {len(runs.requeued)}, failed: {len(runs.failed)}; "
            f"imports marked failed: {len(imports)}."
        )
