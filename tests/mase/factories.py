"""Factories for MASE records, written directly (no workflow, no audit): for
tests of querysets, visibility and pages that need records in a given state.
Behaviour tests make records through mase.services (see conftest)."""

import datetime

import factory
from django.utils import timezone

from accounts.models import User
from mase.models import AgendaItem, MaseAction, Meeting, MeetingStatus, Panel, PanelKind


def chair():
    return User.objects.get(username="mase.chair")


class PanelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Panel

    name = factory.Sequence(lambda n: f"Operational MASE panel {n}")
    kind = PanelKind.OPERATIONAL
    chair = factory.LazyFunction(chair)
    owning_agency = factory.LazyAttribute(lambda panel: panel.chair.agency)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    reference = factory.Sequence(lambda n: f"MASE-2000-{n:04d}")
    panel = factory.SubFactory(PanelFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    listing_deadline = factory.LazyAttribute(
        lambda m: timezone.localtime(m.starts_at).date() - datetime.timedelta(days=2)
    )
    status = MeetingStatus.SCHEDULED
    owning_agency = factory.LazyAttribute(lambda m: m.panel.owning_agency)
    created_by = factory.LazyAttribute(lambda m: m.panel.chair)


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem

    reference = factory.Sequence(lambda n: f"ITEM-{n}")
    meeting = factory.SubFactory(MeetingFactory)
    criterion = "high_risk"
    why = "Risk level is high"
    child_initials = factory.LazyAttribute(
        lambda item: (item.referral.child.first_name[:1] + item.referral.child.last_name[:1]) if item.referral else ""
    )
    owning_agency = factory.LazyAttribute(
        lambda item: item.referral.owning_agency if item.referral else item.meeting.owning_agency
    )
    position = factory.Sequence(lambda n: n + 1)


class MaseActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MaseAction

    reference = factory.Sequence(lambda n: f"MA-2000-{n:05d}")
    meeting = factory.SubFactory(MeetingFactory, status=MeetingStatus.HELD)
    description = "Arrange a return home interview"
    owner = factory.LazyFunction(lambda: User.objects.get(username="medway.caseworker"))
    owner_agency = factory.LazyAttribute(lambda action: action.owner.agency)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))
    created_by = factory.LazyAttribute(lambda action: action.meeting.panel.chair)
