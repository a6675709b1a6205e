"""The referral pages fixed by issue #12, as a user would notice: the closest
name first, a warning before a duplicate referral, whose step is next, a
lead-professional list of people who work cases, and no second assessment
while one awaits approval."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Instrument
from referrals.search import by_closeness
from tests.home.helpers import share_with_health
from tests.referrals.factories import date_of_birth_for_age

pytestmark = pytest.mark.django_db


def rows(page: str) -> list[str]:
    import re

    return re.findall(r'data-reference="([^"]+)"', page)


def test_a_name_search_lists_the_closest_name_first_then_the_newest(client, personas, referral):
    zara = referral(new_child={"first_name": "Zara", "last_name": "Okonkwo"})
    caras = [
        referral(
            new_child={"first_name": "Cara", "last_name": "Okonkwo", "date_of_birth": date_of_birth_for_age(13, n)}
        )
        for n in range(4)
    ]
    client.force_login(personas["kcc.caseworker"])
    found = rows(client.get(reverse("referrals:referral_list"), {"q": "Zara Okonkwo"}).content.decode())
    assert found[0] == zara.reference
    assert found[1:] == [cara.reference for cara in reversed(caras)]  # then newest first
    # A chosen sort is kept as chosen.
    oldest = rows(
        client.get(reverse("referrals:referral_list"), {"q": "Zara Okonkwo", "sort": "oldest"}).content.decode()
    )
    assert oldest[0] == zara.reference and oldest[-1] == caras[-1].reference


def test_the_closest_names_come_first_across_pages_not_only_within_one(client, personas, referral):
    """Two pages of "Cara"s newer than the one "Zara" searched for: the
    Zaras lead page one, the Caras follow newest first, page by page."""
    okonkwo = {"last_name": "Okonkwo"}
    old_zara = referral(new_child={"first_name": "Zara", **okonkwo})
    caras = [
        referral(new_child={"first_name": "Cara", **okonkwo, "date_of_birth": date_of_birth_for_age(13, n)})
        for n in range(3)
    ]
    new_zara = referral(new_child={"first_name": "Zara", **okonkwo, "date_of_birth": date_of_birth_for_age(14)})
    client.force_login(personas["kcc.caseworker"])
    pages, url, params = [], reverse("referrals:referral_list"), {"q": "Zara Okonkwo", "page_size": 2}
    while url:
        response = client.get(url, params)
        pages.append(rows(response.content.decode()))
        url, params = response.context["next_url"], None
    assert pages == [
        [new_zara.reference, old_zara.reference],
        [caras[2].reference, caras[1].reference],
        [caras[0].reference],
    ]
    # A summary reader's search is ranked too (from the names a summary shows), not narrowed to full rows.
    share_with_health(personas, old_zara)
    share_with_health(personas, caras[2])
    client.force_login(personas["health.practitioner"])
    found = rows(client.get(reverse("referrals:referral_list"), {"q": "Zara Okonkwo"}).content.decode())
    assert found == [old_zara.reference, caras[2].reference]
    # "Cara" typed: the Caras first, then the Zaras.
    client.force_login(personas["kcc.caseworker"])
    found = rows(client.get(reverse("referrals:referral_list"), {"q": "Cara Okonkwo"}).content.decode())
    assert found[:3] == [cara.reference for cara in reversed(caras)]


def test_closeness_leaves_a_reference_or_date_search_in_its_order(personas, referral):
    first, second = referral(), referral()
    assert by_closeness([second, first], second.reference) == [second, first]
    assert by_closeness([second, first], "14/3/2012") == [second, first]


def test_the_child_search_and_the_new_referral_form_warn_of_an_open_referral(client, personas, referral_at, referral):
    open_case = referral_at("open", new_child={"first_name": "Imogen", "last_name": "Fairweather"})
    closed = referral_at("closed", new_child={"first_name": "Ottoline", "last_name": "Brackenbury"})
    client.force_login(personas["kcc.caseworker"])
    child = open_case.child
    search = {"first_name": "Imogen", "last_name": "Fairweather", "date_of_birth": child.date_of_birth.isoformat()}
    page = client.get(reverse("referrals:referral_new"), search).content.decode()
    assert 'data-testid="open-referral-warning"' in page and open_case.reference in page
    assert "Start a new referral anyway" in page

    form = client.get(reverse("referrals:referral_new_details"), {"child": child.pk}).content.decode()
    assert 'data-testid="open-referral-warning"' in form and open_case.reference in form
    # A closed case is no reason to stop a new referral.
    quiet = client.get(reverse("referrals:referral_new_details"), {"child": closed.child.pk}).content.decode()
    assert 'data-testid="open-referral-warning"' not in quiet


def test_the_lead_professional_list_offers_people_who_work_cases(client, personas, referral_at):
    record = referral_at("risk_assessed", by="kent-police.caseworker")
    client.force_login(personas["kent-police.supervisor"])
    page = client.get(reverse("referrals:referral_step", args=[record.pk, "assign"])).content.decode()
    assert "---------" not in page and "Choose a lead professional" in page
    for username in ("kent-police.analyst", "mase.chair", "kent-police.manager", "kent-police.intelligence-officer"):
        assert f'value="{personas[username].pk}"' not in page, username
    assert f'value="{personas["kent-police.caseworker"].pk}"' in page
    with pytest.raises(ValidationError):
        services.referral_assign(
            referral=record,
            assigned_by=personas["kent-police.supervisor"],
            lead_professional=personas["kent-police.analyst"],
        )


def test_a_caseworker_sees_that_acceptance_is_a_supervisors_and_a_step_says_what_it_did(client, personas, referral_at):
    record = referral_at("triaged")
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert "A supervisor accepts the referral" in page
    # Status, risk and the next step lead the page, before the child's details.
    assert page.index('data-testid="case-status"') < page.index('id="child-heading"')

    client.force_login(personas["kcc.supervisor"])
    response = client.post(
        reverse("referrals:referral_step", args=[record.pk, "accept"]), {"version": record.version}, follow=True
    )
    text = response.content.decode()
    assert "Referral accepted. Next: a caseworker assesses risk" in text
    assert ": done" not in text


def test_assess_risk_is_not_offered_while_an_assessment_awaits_approval(client, personas, referral_at, responses):
    record = referral_at("accepted")
    client.force_login(personas["kcc.caseworker"])
    url = reverse("referrals:referral_detail", args=[record.pk])
    assert ">Assess risk<" in client.get(url).content.decode()
    seraf = Instrument.objects.get(code="seraf", version=1)
    services.assessment_submit(
        referral=record, assessed_by=personas["kcc.caseworker"], instrument=seraf,
        responses=responses(seraf, {"older-partner": ("yes", "current")}), professional_level="low",
    )  # fmt: skip
    page = client.get(url).content.decode()
    assert ">Assess risk<" not in page
    assert "A supervisor approves or returns the risk assessment awaiting approval" in page


def test_an_overdue_review_is_flagged_at_the_top(client, personas, referral_at):
    from referrals.models import Referral

    record = referral_at("open")
    Referral.objects.filter(pk=record.pk).update(review_due=timezone.localdate() - datetime.timedelta(days=3))
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert 'data-testid="review-overdue"' in page
    assert page.index('data-testid="review-overdue"') < page.index('id="child-heading"')


def test_the_sharing_agency_sees_a_revoke_link_for_each_of_its_shares(client, personas, referral):
    from tests.home.helpers import share_with_health

    record = referral(by="kcc.caseworker")
    share = share_with_health(personas, record, by="kcc.caseworker")
    revoke = reverse("sharing:share_revoke", args=[share.pk])
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert f'href="{revoke}" data-testid="revoke-share"' in page
    assert client.get(revoke).status_code == 200
    # The police in the CSE team change the referral and see its shares, but only KCC may revoke KCC's share.
    client.force_login(personas["kent-police.caseworker"])
    other = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert 'data-testid="shares"' in other and "The sexual health nurse is seeing the child" in other
    assert 'data-testid="revoke-share"' not in other
    assert client.get(revoke).status_code == 404


def test_the_protocol_admin_names_conditions_rather_than_showing_codes(client, personas, protocol):
    client.force_login(personas["admin"])
    agreed = client.get(reverse("admin:sharing_protocol_change", args=[protocol.pk])).content.decode()
    assert "Records it owns" in agreed and "Children living in its area" in agreed
    assert ">owned_by_recipient<" not in agreed and ">child_in_recipient_authority<" not in agreed
    draft = client.get(reverse("admin:sharing_protocol_add")).content.decode()
    assert '<option value="owned_by_recipient">Records it owns</option>' in draft
