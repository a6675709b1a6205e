import factory
from django.contrib.auth.models import Group

from accounts import services
from accounts.models import Agency, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.LazyAttribute(lambda agency: f"Agency {agency.code}")
    kind = Agency.Kind.VOLUNTARY
    regime = Agency.Regime.UK_GDPR
    joined_on = factory.Faker("date_between", start_date="-5y", end_date="today")
    group = factory.LazyAttribute(lambda agency: Group.objects.get_or_create(name=f"agency:{agency.code}")[0])


class UserFactory(factory.django.DjangoModelFactory):
    """A user of an agency (Kent Police unless given), through the accounts services."""

    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    agency = factory.LazyFunction(lambda: Agency.objects.get(code="kent-police"))
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.invalid")

    @classmethod
    def _create(cls, model_class, *args, roles=(), password=TEST_PASSWORD, **kwargs):
        role_objects = [role if isinstance(role, Role) else Role.objects.get(code=role) for role in roles]
        return services.user_create(roles=role_objects, password=password, **kwargs)
