import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from notifications.reminders import reminders_run


class Command(BaseCommand):
    help = (
        "What beat does every morning at REMINDERS_HOUR: the day's reminders of every registered kind (certificates "
        "ending, the registration window), each sent once however often this runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to look from, YYYY-MM-DD (default: today)")

    def handle(self, *args, **options):
        try:
            on = datetime.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"--date must be a day as YYYY-MM-DD, not {options['date']!r}") from None
        counts = reminders_run(on=on)
        sent = ", ".join(f"{kind}: {count}" for kind, count in counts.items())
        self.stdout.write(f"Reminders of {on.isoformat()} sent: {sent or 'none'}.")
