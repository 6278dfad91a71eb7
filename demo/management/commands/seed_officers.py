from django.core.management.base import BaseCommand
from django.utils import timezone

from demo.officers import assign_and_serve, ensure_officers


class Command(BaseCommand):
    help = (
        "Demo officers: create them once (sized to each county's innovative firms) and, once a scoring run is "
        "published and nothing is assigned yet, auto-assign them with service logs and demands."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, seed, **options):
        as_of = timezone.localdate()
        created = ensure_officers(as_of=as_of, seed=seed)
        summary = assign_and_serve(as_of=as_of, seed=seed)
        self.stdout.write(
            self.style.SUCCESS(
                f"{created} demo officers created; {summary['assigned']} firms assigned, "
                f"{summary['service_logs']} service logs, {summary['demands']} demands."
            )
        )
