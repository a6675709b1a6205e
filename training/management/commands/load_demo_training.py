from django.core.management.base import BaseCommand, CommandError

from training.demo import load_demo_training


class Command(BaseCommand):
    help = "Load a year of fictional training sessions, plans, campaigns and events; idempotent."

    def handle(self, *args, **options):
        try:
            added = load_demo_training()
        except LookupError as error:
            raise CommandError(str(error)) from error
        if added:
            self.stdout.write(f"Loaded {added} fictional demo training sessions.")
        else:
            self.stdout.write("The fictional demo training is already loaded; nothing added.")
