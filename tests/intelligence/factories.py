"""Intelligence records for tests, made directly (the services have their own
tests); plainly fictional."""

import factory
from django.utils import timezone

from accounts.models import Agency, District
from intelligence.models import (
    Association,
    HowKnown,
    IntelligenceReport,
    Location,
    PersonOfConcern,
    ReportOriginal,
    Scheme,
    Submission,
    Vehicle,
)
from intelligence.models.disruptions import Disruption, DisruptionKind, DisruptionStatus


def police():
    return Agency.objects.get(code="kent-police")


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    reference = factory.Sequence(lambda n: f"SUB-T-{n:06d}")
    submitted_by = None  # give a user
    owning_agency = factory.LazyAttribute(lambda submission: submission.submitted_by.agency)
    what_happened = factory.Sequence(lambda n: f"Seen getting into a silver car outside the test park, number {n}")
    how_known = HowKnown.SAW


class IntelligenceReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntelligenceReport
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"INT-T-{n:06d}")
    owning_agency = factory.LazyFunction(police)
    title = factory.Sequence(lambda n: f"Test subject {n}")
    district = factory.LazyFunction(lambda: District.objects.get(code="maidstone"))
    handling_code = "P"
    sanitised_text = factory.Sequence(lambda n: f"Sanitised test text {n}")
    sanitised_by = None  # give a user
    sanitised_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def original(report, create, extracted, **kwargs):
        """Every report has its original and grading (`original__original_text=...`)."""
        if create:
            ReportOriginalFactory(report=report, graded_by=report.sanitised_by, **kwargs)


class ReportOriginalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportOriginal

    owning_agency = factory.LazyFunction(police)
    original_text = factory.Sequence(lambda n: f"Original test text {n}")
    scheme = Scheme.CURRENT
    source_evaluation = "1"
    intelligence_assessment = "B"
    source_type = ReportOriginal.SourceType.PARTNER


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonOfConcern

    first_name = "Testperson"
    last_name = factory.Sequence(lambda n: f"Fictional{n}")
    search_names = factory.LazyAttribute(lambda person: f"{person.first_name} {person.last_name}".lower())


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    name = factory.Sequence(lambda n: f"Test Hotel {n}")
    kind = Location.Kind.HOTEL


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    registration = factory.Sequence(lambda n: f"TE{n:02d}ST")


class AssociationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Association

    type = Association.Type.SEEN_WITH


class DisruptionFactory(factory.django.DjangoModelFactory):
    """A recorded disruption (not a CAWN: CAWNs go through the services)."""

    class Meta:
        model = Disruption

    reference = factory.Sequence(lambda n: f"DIS-T-{n:06d}")
    owning_agency = factory.LazyFunction(police)
    kind = DisruptionKind.BUSINESS_VISIT
    status = DisruptionStatus.RECORDED
    district = factory.LazyFunction(lambda: District.objects.get(code="maidstone"))
    occurred_on = factory.LazyFunction(timezone.localdate)
    details = factory.Sequence(lambda n: f"Visited the test premises about staff training, visit {n}")
    officer = None  # give a user
