from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.tokens import api_token_issue


class Command(BaseCommand):
    help = (
        "Issue an API token for an integration's account, lasting --days (at most API_INTEGRATION_TOKEN_TTL_DAYS). "
        "The token is printed once; only its hash is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, required=True, help="how many days the token lasts")

    def handle(self, *args, username, days, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No account has the username {username!r}.") from None
        try:
            token, expiry = api_token_issue(user=user, lifetime=timedelta(days=days))
        except (PermissionDenied, ValidationError) as error:
            raise CommandError(" ".join(getattr(error, "messages", [str(error)]))) from None
        self.stdout.write(f"{token}\nexpires {expiry:%Y-%m-%d %H:%M %Z}")
