import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enterprises import demo


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
        if demo.demo_data_exists():
            if if_empty:
                self.stdout.write("The registry already has firms; nothing seeded.")
                return
            if not reset:
                raise CommandError("The registry already has firms. Use --reset to replace them, or --if-empty.")
            demo.clear_registry()
        started = time.monotonic()
        city = demo.generate(firms=firms, seed=seed, as_of=as_of or timezone.localdate())
        generated = time.monotonic()
        counts = demo.write(city)
        from ip.demo import seed_patents

        counts["patents"] = seed_patents(seed=seed, as_of=as_of or timezone.localdate())
        from officers.demo import assign_and_serve, ensure_officers

        # Officers now; their firms once a scoring run is published (here if one is, else `seed_officers`).
        counts["users"] += ensure_officers(as_of=as_of or timezone.localdate(), seed=seed)
        assign_and_serve(as_of=as_of or timezone.localdate(), seed=seed)
        from vouchers import demo as voucher_demo

        vouchers = voucher_demo.seed(as_of=as_of or timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                "Seeded {enterprises} firms, {indicators} indicator rows, {qualifications} qualifications, "
                "{users} demo users, {patents} patents".format(**counts)
                + ", {providers} voucher providers, {claims} voucher claims".format(**vouchers)
                + f" in {time.monotonic() - started:.1f} s (generate {generated - started:.1f} s)."
            )
        )
