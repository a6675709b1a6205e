import datetime

import factory
from django.utils import timezone

from accounts.models import District
from tests.factories import UserFactory
from training.models import (
    Attendee,
    Audience,
    Campaign,
    CommunitySafetyPlan,
    Course,
    CourseVersion,
    Event,
    Feedback,
    Organisation,
    PlanPriority,
    Session,
)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"campaign-{n}")
    name = factory.LazyAttribute(lambda campaign: f"Campaign {campaign.code}")


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    code = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Spotting exploitation {n}")


class CourseVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseVersion

    course = factory.SubFactory(CourseFactory)
    number = 1
    status = CourseVersion.Status.CURRENT
    summary = "Signs of exploitation and how to report them."


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Fictional Cars {n}")
    kind = Organisation.Kind.TAXI_OPERATOR
    licence_number = factory.Sequence(lambda n: f"PHO-{n:05d}")


def trainer():
    return UserFactory(roles=("trainer",))


class SessionFactory(factory.django.DjangoModelFactory):
    """A session recorded directly (services are tested on their own)."""

    class Meta:
        model = Session

    reference = factory.Sequence(lambda n: f"TS-T{n:05d}")
    course_version = factory.SubFactory(CourseVersionFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(hours=2))
    starts_on = factory.LazyAttribute(lambda session: timezone.localtime(session.starts_at).date())
    district = factory.LazyFunction(lambda: District.objects.get(code="maidstone"))
    venue = "Fictional Community Hall"
    trainer = factory.LazyFunction(trainer)
    audience = Audience.TAXI_DRIVERS
    status = Session.Status.PLANNED


class DeliveredSessionFactory(SessionFactory):
    status = Session.Status.DELIVERED
    attendee_count = 12
    delivered_at = factory.LazyFunction(timezone.now)
    feedback_closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    session = factory.SubFactory(DeliveredSessionFactory)
    name = factory.Sequence(lambda n: f"Attendee Person{n}")


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feedback

    session = factory.SubFactory(DeliveredSessionFactory)
    content_score = 4
    delivery_score = 5
    relevance_score = 3
    comment = ""


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    kind = Event.Kind.ROAD_SHOW
    title = factory.Sequence(lambda n: f"Safeguarding road-show {n}")
    starts_at = factory.LazyFunction(timezone.now)
    venue = "Fictional Town Square"
    organiser = factory.LazyFunction(trainer)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CommunitySafetyPlan
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Community Safety Plan {n}")
    period_start = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=200))
    period_end = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=165))
    priority_audiences = factory.LazyFunction(lambda: [Audience.TAXI_DRIVERS, Audience.HOTEL_STAFF])

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        codes = extracted or ("maidstone",)
        self.districts.set(District.objects.filter(code__in=codes))


class PlanPriorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlanPriority

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = "Exploitation in the night-time economy"
