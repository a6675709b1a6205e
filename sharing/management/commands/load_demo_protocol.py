from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from sharing.default_protocol import create_default_protocol


class Command(BaseCommand):
    help = "Create and agree the default Information Sharing Protocol (version 1) for the demo; idempotent."

    def handle(self, *args, **options):
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            raise CommandError("Run load_demo_users first: the demo protocol is agreed by the demo admin")
        protocol = create_default_protocol(agreed_by=admin)
        self.stdout.write(f"Protocol version {protocol.version} is {protocol.get_status_display().lower()}.")
