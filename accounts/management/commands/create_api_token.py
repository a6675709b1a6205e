"""Make an API token for a user (Authorization: Token <token>); printed once."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts import services
from accounts.models import ApiToken


class Command(BaseCommand):
    help = (
        "Make a named API token for a user and print it; only its hash is kept, so it cannot be shown again. "
        "--rotate revokes the user's other tokens of that name first."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="Command line", help="What the token is for")
        parser.add_argument("--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.READ)
        parser.add_argument("--days", type=int, default=settings.API_TOKEN_MAX_DAYS, help="Lifetime in days")
        parser.add_argument("--rotate", action="store_true", help="Revoke the user's tokens of the same name")

    def handle(self, *args, username, name, scope, days, rotate, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {username!r}") from None
        if rotate:
            for old in ApiToken.objects.usable().filter(user=user, name=name):
                services.api_token_revoke(token=old, revoked_by=user)
        try:
            _token, secret = services.api_token_create(user=user, name=name, scope=scope, days=days, created_by=user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(secret)
