import time

from django.core.management.base import BaseCommand, CommandError

from intelligence.demo import load_demo_intelligence, load_demo_later
from sharing.models import Protocol


class Command(BaseCommand):
    help = "Load fictional demo intelligence (submissions, graded reports, networks of persons, places and vehicles)."

    def handle(self, *args, **options):
        if not Protocol.objects.filter(status="agreed").exists():
            raise CommandError("Run load_demo_users, load_demo_protocol and load_demo_referrals first")
        started = time.monotonic()
        try:
            added = load_demo_intelligence()
        except LookupError as error:
            raise CommandError(str(error)) from error
        later = load_demo_later()
        if added or later:
            self.stdout.write(
                f"Loaded {added} fictional demo reports and submissions and {later} disruptions and problem "
                f"profiles in {time.monotonic() - started:.1f} s."
            )
        else:
            self.stdout.write("The fictional demo intelligence is already loaded; nothing added.")
