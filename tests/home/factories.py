"""Factories for notifications, for tests of listing and e-mailing that do not
need the event that would make one (tests of events go through the services)."""

import factory
from django.urls import reverse

from notifications.models import Event, Notification, Preference


class NotificationFactory(factory.django.DjangoModelFactory):
    """A notification to `recipient` about `referral` (both required)."""

    class Meta:
        model = Notification

    event = Event.ACTION_ASSIGNED
    record_kind = "referrals.referral"
    record_id = factory.LazyAttribute(lambda n: n.referral.pk)
    reference = factory.LazyAttribute(lambda n: n.referral.reference)
    link = factory.LazyAttribute(lambda n: reverse("referrals:referral_detail", args=[n.referral.pk]))
    level = "full"
    key = factory.Sequence(lambda n: f"test:{n}")

    class Params:
        referral = None


class PreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Preference

    email = "immediate"
