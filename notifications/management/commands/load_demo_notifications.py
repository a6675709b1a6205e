from django.core.management.base import BaseCommand

from notifications.demo import load_demo_notifications


class Command(BaseCommand):
    help = "Notify the demo personas of the demo's shares and overdue actions; idempotent."

    def handle(self, *args, **options):
        told = load_demo_notifications()
        self.stdout.write(f"{told} demo notifications added." if told else "Demo notifications are up to date.")
