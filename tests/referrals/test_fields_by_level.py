"""Issue #8, findings 1 to 6: a summary reader learns nothing of a referral's
non-summary fields, whatever the renderer, filter, sort or cursor."""

import base64
import datetime
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Agency
from referrals.models import Referral
from sharing.models import LawfulBasis
from sharing.services import share_record

pytestmark = pytest.mark.django_db

CONCERN = "Canary concern 7f3a: seen with older men at the bus station"


def share_with_health(personas, referral, *, level="summary", user=False):
    recipient = (
        {"recipient_user": personas["health.practitioner"]}
        if user
        else {"recipient_agency": Agency.objects.get(code="health")}
    )
    return share_record(
        shared_by=personas["kcc.caseworker"],
        record=referral,
        level=level,
        purpose="The sexual health nurse is seeing the child",
        lawful_basis=LawfulBasis.objects.get(code="gdpr-public-task-safeguarding"),
        **recipient,
    )


@pytest.fixture
def summary_referral(personas, referral):
    """A KCC referral shared with Health at summary, with every non-summary
    field worth leaking filled in."""
    record = referral(
        concern_summary=CONCERN,
        referrer_name="Canary referrer",
        source_agency=Agency.objects.get(code="kent-police"),
        exploitation_models=["online"],
        immediate_risk=True,
    )
    share_with_health(personas, record)
    return record


@pytest.mark.parametrize("user_share", [False, True], ids=["agency share", "named person share"])
@pytest.mark.parametrize(
    "how",
    [{"format": "api"}, {"HTTP_ACCEPT": "text/html"}, {"HTTP_ACCEPT": "text/html,*/*;q=0.8"}],
    ids=["?format=api", "Accept: text/html", "browser Accept"],
)
def test_finding_1_no_renderer_shows_a_summary_reader_the_full_record(personas, referral, user_share, how):
    record = referral(concern_summary=CONCERN, referrer_name="Canary referrer")
    share_with_health(personas, record, user=user_share)
    client = APIClient()
    client.force_login(personas["health.practitioner"])
    query = {"format": how["format"]} if "format" in how else {}
    headers = {key: value for key, value in how.items() if key != "format"}
    response = client.get(f"/api/referrals/{record.pk}/", query, **headers)
    body = response.content.decode()
    assert response.status_code in (200, 404, 406)
    assert CONCERN not in body and "Canary referrer" not in body
    assert "text/html" not in response.get("Content-Type", "")


def test_the_api_speaks_json_only_debug_or_not(settings):
    from rest_framework.settings import api_settings

    assert [renderer.format for renderer in api_settings.DEFAULT_RENDERER_CLASSES] == ["json"]


@pytest.mark.parametrize("username", ["kcc.caseworker", "health.practitioner", "kent-police.caseworker"])
def test_finding_2_the_child_in_the_browsable_api_is_not_a_500(personas, summary_referral, username):
    client = APIClient()
    client.force_login(personas[username])
    response = client.get(f"/api/children/{summary_referral.child_id}/", {"format": "api"})
    assert response.status_code in (404, 406)
    assert summary_referral.child.school not in response.content.decode() or not summary_referral.child.school


def test_finding_3_a_summary_reader_does_not_see_the_closure_reason(client, personas, referral_at):
    record = referral_at("closed")
    share_with_health(personas, record)
    client.force_login(personas["health.practitioner"])
    page = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert "Closed" in page
    assert record.get_closure_reason_display() not in page
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert record.get_closure_reason_display() in page


def listed(client, **query) -> list[str]:
    response = client.get(reverse("referrals:referral_list"), query)
    assert response.status_code == 200
    return [row.reference for row in response.context["object_list"]]


def test_finding_4_a_filter_on_a_non_summary_field_never_matches_a_summary_row(client, personas, summary_referral):
    police, health = Agency.objects.get(code="kent-police"), Agency.objects.get(code="health")
    client.force_login(personas["health.practitioner"])
    reference = summary_referral.reference
    assert listed(client, q=reference) == [reference]
    # Listed for one agency and not another would tell the source agency.
    assert listed(client, q=reference, source_agency=police.pk) == []
    assert listed(client, q=reference, source_agency=health.pk) == []
    Referral.objects.filter(pk=summary_referral.pk).update(review_due=timezone.localdate() - datetime.timedelta(days=3))
    assert listed(client, q=reference, overdue="on") == []
    # The full reader still filters by them.
    client.force_login(personas["kcc.caseworker"])
    assert listed(client, q=reference, source_agency=police.pk) == [reference]
    assert listed(client, q=reference, source_agency=health.pk) == []
    assert listed(client, q=reference, overdue="on") == [reference]


def test_finding_4_the_order_of_summary_rows_says_nothing_of_when_they_were_recorded(
    client, personas, referral, summary_referral
):
    later = referral(concern_summary="Second")
    share_with_health(personas, later)
    client.force_login(personas["health.practitioner"])
    for sort in ("newest", "oldest"):
        before = listed(client, sort=sort)
        # Swap the two records' creation times: what Health sees must not move.
        first_at, later_at = summary_referral.created_at, later.created_at
        Referral.objects.filter(pk=summary_referral.pk).update(created_at=later_at)
        Referral.objects.filter(pk=later.pk).update(created_at=first_at - datetime.timedelta(days=400))
        assert listed(client, sort=sort) == before, sort
        Referral.objects.filter(pk=summary_referral.pk).update(created_at=first_at)
        Referral.objects.filter(pk=later.pk).update(created_at=later_at)


def cursor_of(url: str | None) -> str:
    if not url:
        return ""
    encoded = parse_qs(urlparse(url).query).get("cursor", [""])[0]
    return base64.b64decode(encoded.encode()).decode()


def test_finding_5_cursors_around_summary_rows_carry_no_non_summary_value(client, personas, referral, summary_referral):
    second = referral(concern_summary="Second")
    share_with_health(personas, second)
    api = APIClient()
    api.force_login(personas["health.practitioner"])
    first_page = api.get("/api/referrals/", {"page_size": 1}).json()
    second_page = api.get(first_page["next"]).json()
    client.force_login(personas["health.practitioner"])
    page = client.get(reverse("referrals:referral_list"), {"page_size": 1})
    cursors = [cursor_of(first_page["next"]), cursor_of(second_page["previous"]), cursor_of(page.context["next_url"])]
    assert all(cursors)
    for record in (summary_referral, second):
        for value in (record.created_at, record.received_at):
            for text in (value.isoformat(), str(value), value.strftime("%Y-%m-%d")):
                assert all(text not in cursor for cursor in cursors), (text, cursors)


@pytest.mark.parametrize(
    "position", ["o=100000&p=2", "o=0&p=yesterday", "o=0&r=1&p=2026-01-01", "p=" + "9" * 40], ids=str
)
@pytest.mark.parametrize("sort", ["newest", "oldest", "reference", "-reference"])
def test_finding_6_a_forged_cursor_is_never_a_500(client, personas, summary_referral, position, sort):
    cursor = base64.b64encode(position.encode()).decode()
    client.force_login(personas["health.practitioner"])
    page = client.get(reverse("referrals:referral_list"), {"cursor": cursor, "sort": sort})
    assert page.status_code in (200, 404)
    api = APIClient()
    api.force_login(personas["health.practitioner"])
    assert api.get("/api/referrals/", {"cursor": cursor}).status_code in (200, 400, 404)
