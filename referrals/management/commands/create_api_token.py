"""Give a user a token for the API (Authorization: Token <key>)."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from audit.models import AccessEvent
from audit.services import record_access


class Command(BaseCommand):
    help = "Print a user's API token, creating it if they have none (--rotate replaces it)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="Replace the user's token; the old one stops working")

    def handle(self, *args, username, rotate, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {username!r}") from None
        if not user.is_active:
            raise CommandError(f"{username} is not active: an inactive user gets no token")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, created = Token.objects.get_or_create(user=user)
        if created:
            record_access(
                user=user,
                action=AccessEvent.Action.PERMISSION_CHANGE,
                record_kind="authtoken.token",
                details={"api_token": "rotated" if rotate else "created", "by": "manage.py create_api_token"},
            )
        self.stdout.write(token.key)
