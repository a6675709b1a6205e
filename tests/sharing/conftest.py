import pytest

from accounts.models import Agency, District
from sharing.default_protocol import create_default_protocol
from sharing.models import LawfulBasis
from tests.sharing.factories import CaseFileFactory


@pytest.fixture
def protocol(personas):
    return create_default_protocol(agreed_by=personas["admin"])


@pytest.fixture
def agency():
    return lambda code: Agency.objects.get(code=code)


@pytest.fixture
def basis():
    return lambda code: LawfulBasis.objects.get(code=code)


@pytest.fixture
def case_file(db):
    """case_file("kcc", "medway") -> a case file owned by KCC about a child in Medway."""

    def make(owner: str = "kent-police", district: str = "maidstone", **fields):
        return CaseFileFactory(
            owning_agency=Agency.objects.get(code=owner), district=District.objects.get(code=district), **fields
        )

    return make
