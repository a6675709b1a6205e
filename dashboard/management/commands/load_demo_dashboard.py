from django.core.management.base import BaseCommand

from dashboard.demo import load_demo_populations


class Command(BaseCommand):
    help = "Load illustrative district populations for the dashboard's rates; idempotent."

    def handle(self, *args, **options):
        made = load_demo_populations()
        self.stdout.write(f"Demo district populations: {made} added (illustrative, not official figures).")
