"""Names with invisible control characters (right-to-left overrides, NUL) are
refused on the pages as the API refuses them (issue #14, item 6): by the
services, so every way in is covered, with the message next to the field."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from referrals import services
from referrals.models import Referral
from tests.referrals.new_referral import record_new_referral
from tests.referrals.test_referral_views import child_edit_data, new_referral_post

pytestmark = pytest.mark.django_db

RLO = "\u202e"
MESSAGE = "Remove the invisible control characters"


def test_a_new_childs_name_with_a_right_to_left_override_is_refused_on_the_page(client, personas, protocol, district):
    client.force_login(personas["kcc.caseworker"])
    response = record_new_referral(
        client, new_referral_post(district("maidstone"), **{"child-last_name": f"Bright{RLO}retaw"})
    )
    assert response.status_code == 200
    assert response.context["step"].slug == "child"  # the refusal, on the step that asked for the name
    page = response.content.decode()
    assert MESSAGE in page and "govuk-error-summary" in page
    assert not Referral.objects.exists()  # nothing half-saved


def test_an_isolate_in_an_alias_the_referrers_name_or_a_nul_is_refused(client, personas, protocol, district):
    client.force_login(personas["kcc.caseworker"])
    for field, value, message in (
        ("child-aliases", "Tally, Lo\u2067u", MESSAGE),
        ("referral-referrer_name", f"Ms {RLO}nahK", MESSAGE),
        ("referral-referrer_name", "Ms\x00Khan", "Null characters are not allowed"),  # Django's own check
    ):
        response = record_new_referral(client, new_referral_post(district("maidstone"), **{field: value}))
        page = response.content.decode()
        assert response.status_code == 200 and message in page and "govuk-error-summary" in page, field
    assert not Referral.objects.exists()


def test_editing_a_childs_name_refuses_control_characters(client, personas, referral):
    record = referral(by="kcc.caseworker")
    client.force_login(personas["kcc.caseworker"])
    url = reverse("referrals:child_edit", args=[record.pk])
    errors = client.post(url, child_edit_data(record.child, first_name=f"Bea{RLO}")).context["form"].errors
    assert any(MESSAGE in error for error in errors["first_name"])
    record.child.refresh_from_db()
    assert record.child.first_name != f"Bea{RLO}" and record.child.version == 1


def test_the_services_refuse_them_whoever_calls(personas, referral):
    record = referral(by="kcc.caseworker")
    with pytest.raises(ValidationError) as refused:
        services.referral_update(
            referral=record,
            changed_by=personas["kcc.caseworker"],
            expected_version=record.version,
            referrer_name=f"Ms {RLO}nahK",
        )
    assert MESSAGE in refused.value.message_dict["referrer_name"][0]
    record.refresh_from_db()
    assert RLO not in record.referrer_name
