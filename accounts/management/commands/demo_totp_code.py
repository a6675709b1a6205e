from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.testing import totp_code


class Command(BaseCommand):
    help = "Print the current authenticator-app code of the demo users who sign in with one (DEMO_TOTP_SECRET)."

    def handle(self, *args, **options):
        if not settings.DEMO_TOTP_SECRET:
            raise CommandError("DEMO_TOTP_SECRET is not set (it defaults only with DEBUG=1).")
        self.stdout.write(totp_code(settings.DEMO_TOTP_SECRET))
