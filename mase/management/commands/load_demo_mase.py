from django.core.management.base import BaseCommand, CommandError

from mase.demo import load_demo_mase
from referrals.demo import demo_loaded as referrals_loaded


class Command(BaseCommand):
    help = "Load fictional MASE panels, meetings, listing requests and actions; idempotent."

    def handle(self, *args, **options):
        if not referrals_loaded():
            raise CommandError("Run load_demo_referrals first: the MASE demo lists its cases")
        added = load_demo_mase()
        if added:
            self.stdout.write(f"Loaded {added} fictional MASE panels with their meetings and actions.")
        else:
            self.stdout.write("The fictional MASE demo is already loaded; nothing added.")
