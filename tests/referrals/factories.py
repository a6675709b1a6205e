"""Factories for the referrals app's records.

Services are the way records are made in tests of behaviour (see conftest's
`referral` fixture). These factories write rows directly, for tests of models
and querysets that need many records or states the workflow would take many
steps to reach (an overdue review, a closed case)."""

import datetime

import factory
from django.utils import timezone

from accounts.models import Agency, District, User
from referrals.models import Action, Child, MissingEpisode, Referral, Status
from referrals.services import search_names_for

# Names far apart in spelling, so that default children never look like the
# same child to duplicate detection (which also needs the same date of birth).
FIRST_NAMES = ("Amelia", "Bartholomew", "Cressida", "Dominic", "Evangeline", "Fitzgerald", "Gwendolyn", "Horatio")
LAST_NAMES = ("Quigley", "Ravensworth", "Szymanski", "Thistlewood", "Underhill", "Vasquez", "Whitlock", "Yardley")


def date_of_birth_for_age(age: int, n: int = 0) -> datetime.date:
    """A date of birth giving `age` today, `n` days before the birthday (distinct per child)."""
    today = timezone.localdate()
    return today.replace(year=today.year - age) - datetime.timedelta(days=1 + n % 300)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Child

    first_name = factory.Sequence(lambda n: FIRST_NAMES[n % len(FIRST_NAMES)])
    last_name = factory.Sequence(lambda n: LAST_NAMES[n // len(FIRST_NAMES) % len(LAST_NAMES)])
    date_of_birth = factory.Sequence(lambda n: date_of_birth_for_age(14, n))
    district = factory.LazyFunction(lambda: District.objects.get(code="maidstone"))
    aliases = factory.LazyFunction(list)
    search_names = factory.LazyAttribute(lambda c: search_names_for(c.first_name, c.last_name, c.aliases))


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral written directly (no workflow, no audit): owned by the creator's agency."""

    class Meta:
        model = Referral

    reference = factory.Sequence(lambda n: f"CSE-2000-{n:06d}")
    received_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    channel = "phone"
    referrer_name = "Form tutor"
    child = factory.SubFactory(ChildFactory)
    district = factory.SelfAttribute("child.district")
    concern_summary = "Seen getting into cars with older men after school"
    consent_outcome = "given"
    created_by = factory.LazyFunction(lambda: User.objects.get(username="kcc.caseworker"))
    owning_agency = factory.LazyAttribute(lambda referral: referral.created_by.agency)
    status = Status.RECEIVED


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    referral = factory.SubFactory(ReferralFactory)
    description = "Visit the school to discuss attendance"
    owner = factory.SelfAttribute("referral.created_by")
    owner_agency = factory.SelfAttribute("owner.agency")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))
    created_by = factory.SelfAttribute("referral.created_by")
    agency = factory.SelfAttribute("created_by.agency")


class MissingEpisodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MissingEpisode

    referral = factory.SubFactory(ReferralFactory)
    reported_missing_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=2))
    missing_from = MissingEpisode.MissingFrom.HOME
    recorded_by = factory.SelfAttribute("referral.created_by")
    agency = factory.SelfAttribute("recorded_by.agency")


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)
