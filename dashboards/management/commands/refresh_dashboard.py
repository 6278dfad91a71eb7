from django.core.management.base import BaseCommand

from dashboards.models import RefreshTrigger
from dashboards.services import refresh_dashboard


class Command(BaseCommand):
    help = "Recompute the dashboards' aggregates now (they are also recomputed nightly and after relevant changes)."

    def handle(self, *args, **options):
        refresh = refresh_dashboard(trigger=RefreshTrigger.MANUAL)
        self.stdout.write(f"Dashboard refreshed: {refresh.firms} firms in {refresh.duration_s:.2f} s")
