import factory

from audit.models import AccessEvent
from tests.factories import UserFactory


class AccessEventFactory(factory.django.DjangoModelFactory):
    """A VIEW of one district by a new Kent Police user, unless told otherwise.
    Only INSERTs: the append-only trigger would reject a second save."""

    class Meta:
        model = AccessEvent

    user = factory.SubFactory(UserFactory)
    username = factory.LazyAttribute(lambda event: event.user.username if event.user else "")
    agency = factory.LazyAttribute(lambda event: event.user.agency if event.user else None)
    action = AccessEvent.Action.VIEW
    record_kind = "accounts.district"
    record_ids = factory.Sequence(lambda n: [str(n)])
    client_address = "192.0.2.10"
    request_id = factory.Faker("hexify", text="^" * 32)
