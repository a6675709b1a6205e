from django.core.management.base import BaseCommand

from outbox.delivery import deliver_pending


class Command(BaseCommand):
    help = "Deliver the outbox messages that are due (what beat's sweep does), in this process."

    def handle(self, *args, **options):
        self.stdout.write(f"Delivered {deliver_pending()} message(s).")
