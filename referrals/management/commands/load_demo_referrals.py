import time

from django.core.management.base import BaseCommand, CommandError

from referrals.demo import DEFAULT_COUNT, load_demo_referrals
from sharing.models import Protocol


class Command(BaseCommand):
    help = "Load about 300 fictional demo referrals (children, assessments, chronology, actions); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=DEFAULT_COUNT, help="How many referrals (default 300)")

    def handle(self, *args, count, **options):
        if not Protocol.objects.filter(status="agreed").exists():
            raise CommandError("Run load_demo_users and load_demo_protocol first: the demo needs a protocol in force")
        started = time.monotonic()
        try:
            added = load_demo_referrals(count=count)
        except LookupError as error:
            raise CommandError(str(error)) from error
        if added:
            self.stdout.write(f"Loaded {added} fictional demo referrals in {time.monotonic() - started:.1f} s.")
        else:
            self.stdout.write("The fictional demo referrals are already loaded; nothing added.")
