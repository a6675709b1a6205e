"""A share's purpose, conditions and revocation reason are bounded and free of
invisible control characters (issue #14): the purpose is copied into the
append-only access log, where a megabyte would stay for ever."""

import pytest
from django.core.exceptions import ValidationError

from audit.models import AccessEvent
from cse_team.validators import invisible_characters
from sharing import services
from sharing.forms import RevokeShareForm
from sharing.models import Share
from tests.sharing.test_services import share

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(protocol, case_file):
    return case_file("kcc", "canterbury", reference="KCC-CAN")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("purpose", "x" * 1_000_000, "The purpose must be 2,000 characters or fewer (it has 1,000,000)"),
        ("conditions", "y" * 2001, "The conditions must be 2,000 characters or fewer (it has 2,001)"),
        ("purpose", "Clinic visit \u202etxt.exe", "Remove the invisible control characters"),
        ("conditions", "Not to be passed on\x00", "Remove the invisible control characters"),
    ],
)
def test_oversized_or_disguised_text_is_refused_next_to_its_field(
    personas, record, basis, agency, field, value, message
):
    events = AccessEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        share(personas, record, basis, agency, **{field: value})
    assert refused.value.message_dict[field][0].startswith(message)
    assert Share.objects.count() == 0 and AccessEvent.objects.count() == events


def test_the_longest_allowed_purpose_and_ordinary_punctuation_are_accepted(personas, record, basis, agency):
    made = share(
        personas, record, basis, agency, purpose="A" * 1990 + "\n\u2013 ok \u00e9", conditions="Line one\r\n\tLine two"
    )
    assert made.pk


def test_a_revocation_reason_is_bounded_too(personas, record, basis, agency):
    made = share(personas, record, basis, agency)
    with pytest.raises(ValidationError) as refused:
        services.revoke_share(share=made, revoked_by=personas["kcc.caseworker"], reason="z" * 5000)
    assert "2,000 characters or fewer" in refused.value.message_dict["reason"][0]
    assert not RevokeShareForm({"reason": "No longer needed \u202e"}).is_valid()


def test_invisible_characters_are_named_and_ordinary_text_is_not():
    assert invisible_characters("Zara\u202e\u2066") == ["\u202e", "\u2066"]
    assert invisible_characters("Zoë O'Brien-Smith, 12 Hythe Rd\n") == []
