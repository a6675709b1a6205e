from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts import mfa
from accounts.demo import DEMO_USERS, load_demo_users


class Command(BaseCommand):
    help = "Create (or refresh) the fictional demo logins, all with the password in DEMO_PASSWORD."

    def handle(self, *args, **options):
        password = settings.DEMO_PASSWORD
        if not password:
            raise CommandError("DEMO_PASSWORD is not set: demo logins need a password (it defaults only with DEBUG=1).")
        users = {
            user.username: user for user in load_demo_users(password=password, totp_secret=settings.DEMO_TOTP_SECRET)
        }
        self.stdout.write(f"Demo logins (password: the value of DEMO_PASSWORD, {password!r}):")
        for demo in DEMO_USERS:
            marker = " *" if mfa.has_second_factor(users[demo.username]) else ""
            self.stdout.write(f"  {demo.username:<34} {demo.job_title}{marker}")
        if settings.DEMO_TOTP_SECRET:
            self.stdout.write(
                "* Signs in with a second factor: an authenticator app with the secret "
                f"{settings.DEMO_TOTP_SECRET} (DEMO_TOTP_SECRET), or the code `manage.py demo_totp_code` prints."
            )
