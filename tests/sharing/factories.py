import factory

from accounts.models import Agency, District
from tests.isp_testapp.models import CaseFile


class CaseFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseFile

    reference = factory.Sequence(lambda n: f"CF-{n:06d}")
    subject_name = factory.Faker("name")
    district = factory.LazyFunction(lambda: District.objects.get(code="maidstone"))
    owning_agency = factory.LazyFunction(lambda: Agency.objects.get(code="kent-police"))
    risk_level = CaseFile.Risk.MEDIUM
    lead_contact = factory.Faker("email")
    concern = factory.Sequence(lambda n: f"Full-level concern text {n}")
