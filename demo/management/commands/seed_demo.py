import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo.city import city_exists, clear_city, seed_city


class Command(BaseCommand):
    help = "Fill the registry with a deterministic demo city (firms, three years of indicators, demo users)."

    def add_arguments(self, parser):
        parser.add_argument("--firms", type=int, default=11000, help="number of firms (default 11000)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed; the same seed gives the same city")
        parser.add_argument(
            "--as-of", type=datetime.date.fromisoformat, default=None, help="reference day (default: today)"
        )
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--reset", action="store_true", help="delete the existing registry first")
        group.add_argument("--if-empty", action="store_true", help="do nothing when the registry has firms")

    def handle(self, *args, firms, seed, as_of, reset, if_empty, **options):
        if firms < 1:
            raise CommandError("--firms must be at least 1")
        if city_exists():
            if if_empty:
                self.stdout.write("The registry already has firms; nothing seeded.")
                return
            if not reset:
                raise CommandError("The registry already has firms. Use --reset to replace them, or --if-empty.")
            clear_city()
        counts = seed_city(firms=firms, seed=seed, as_of=as_of or timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                "Seeded {enterprises} firms, {indicators} indicator rows, {qualifications} qualifications, "
                "{users} demo users, {patents} patents, {providers} voucher providers, {claims} voucher claims, "
                "{source_values} observations of sources, {department_matches} department list matches, "
                "{conflicts} open conflicts, {closed} firms closed or moved out "
                "in {duration_s:.1f} s (generate {generate_s:.1f} s, sources {sources_s:.1f} s).".format(**counts)
            )
        )
