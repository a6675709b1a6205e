"""The referral pages: list, new referral, referral page, edit and workflow,
each with an allowed and a denied persona."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Child, Referral, Status
from sharing import services as sharing_services
from sharing.models import LawfulBasis
from tests.referrals.new_referral import answer_every_step, date_parts, record_new_referral, step_url

pytestmark = pytest.mark.django_db


def share_with_health(personas, record, level="summary"):
    from accounts.models import Agency

    return sharing_services.share_record(
        shared_by=personas["kcc.caseworker"],
        record=record,
        recipient_agency=Agency.objects.get(code="health"),
        level=level,
        purpose="Nurse involved",
        lawful_basis=LawfulBasis.objects.get(code="gdpr-public-task-safeguarding"),
    )


# --- list ---------------------------------------------------------------------------


def test_list_shows_what_the_protocol_allows_and_nothing_else(client, personas, referral):
    maidstone = referral(by="kcc.caseworker", district="maidstone")
    medway = referral(by="medway.caseworker", district="medway")

    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_list")).content.decode()
    assert maidstone.reference in page and medway.reference not in page

    client.force_login(personas["medway.caseworker"])
    page = client.get(reverse("referrals:referral_list")).content.decode()
    assert medway.reference in page and maidstone.reference not in page


def test_list_filters_by_status_and_finds_a_misspelt_name(client, personas, referral_at, referral):
    accepted = referral_at("accepted", new_child={"first_name": "Kayleigh", "last_name": "Smith"})
    received = referral(new_child={"first_name": "Bartholomew", "last_name": "Quigley"})
    client.force_login(personas["kcc.caseworker"])

    page = client.get(reverse("referrals:referral_list"), {"status": "accepted"}).content.decode()
    assert accepted.reference in page and received.reference not in page

    page = client.get(reverse("referrals:referral_list"), {"q": "Kaylee Smyth"}).content.decode()
    assert accepted.reference in page and received.reference not in page


def test_list_filter_with_an_unknown_choice_says_so_and_does_not_fail(client, personas, referral):
    referral()
    client.force_login(personas["kcc.caseworker"])
    response = client.get(reverse("referrals:referral_list"), {"status": "nonsense"})
    assert response.status_code == 200
    assert "There is a problem with the filters" in response.content.decode()


def test_a_shared_summary_shows_in_the_list_without_full_fields(client, personas, referral):
    record = referral(by="kcc.caseworker")
    client.force_login(personas["health.practitioner"])
    assert record.reference not in client.get(reverse("referrals:referral_list")).content.decode()

    share_with_health(personas, record)
    page = client.get(reverse("referrals:referral_list")).content.decode()
    assert record.reference in page
    assert f'data-reference="{record.reference}" data-level="summary"' in page


def test_list_query_count_does_not_grow_with_the_page_size(client, personas, referral, django_assert_max_num_queries):
    for _ in range(12):
        referral()
    client.force_login(personas["kcc.caseworker"])
    client.get(reverse("referrals:referral_list"))  # warm the per-process permission ids
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("referrals:referral_list"), {"page_size": 2})
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("referrals:referral_list"), {"page_size": 12})
    assert response.content.decode().count("data-reference=") == 12


def test_next_page_follows_the_keyset(client, personas, referral):
    made = [referral() for _ in range(3)]
    client.force_login(personas["kcc.caseworker"])
    first = client.get(reverse("referrals:referral_list"), {"page_size": 2})
    assert first.context["next_url"]
    second = client.get(first.context["next_url"]).content.decode()
    assert made[0].reference in second and made[2].reference not in second


# --- a new referral -----------------------------------------------------------------------


def new_referral_post(district, **overrides):
    data = {
        "child-first_name": "Tallulah",
        "child-last_name": "Brightwater",
        "child-aliases": "Tally, Lou",
        **date_parts("child-date_of_birth", timezone.localdate() - datetime.timedelta(days=14 * 366)),
        "child-gender": "female",
        "child-ethnicity": "not_stated",
        "child-special_needs": "not_known",
        "child-district": district.pk,
        **date_parts("referral-received_at", timezone.localtime() - datetime.timedelta(hours=1)),
        "referral-channel": "phone",
        "referral-referrer_name": "Ms Khan",
        "referral-concern_summary": "Seen with older men <script>alert('x')</script>",
        "referral-exploitation_models": ["relationship", "online"],
        "referral-immediate_risk": "no",
        "referral-consent_outcome": "given",
    }
    return data | overrides


def test_caseworker_records_a_referral_about_a_new_child(client, personas, protocol, district):
    client.force_login(personas["kcc.caseworker"])
    response = record_new_referral(client, new_referral_post(district("maidstone")))
    referral = Referral.objects.get(child__last_name="Brightwater")
    assert response.status_code == 302 and response.url == reverse("referrals:referral_detail", args=[referral.pk])
    assert referral.owning_agency.code == "kcc" and referral.status == Status.RECEIVED
    assert referral.child.aliases == ["Tally", "Lou"]
    page = client.get(response.url).content.decode()
    assert "&lt;script&gt;alert" in page and "<script>alert" not in page


def test_a_child_of_18_is_refused_with_a_message_about_adult_services(client, personas, protocol, district):
    client.force_login(personas["kcc.caseworker"])
    eighteen = timezone.localdate().replace(year=timezone.localdate().year - 18) - datetime.timedelta(days=1)
    response = record_new_referral(
        client, new_referral_post(district("maidstone"), **date_parts("child-date_of_birth", eighteen))
    )
    assert response.status_code == 200
    assert response.context["step"].slug == "child"  # the service's refusal, on the step that asked
    assert "adult services" in str(response.context["form"].errors["date_of_birth"])
    assert not Referral.objects.exists()


def test_missing_and_future_fields_are_errors_next_to_them(client, personas, protocol, district):
    client.force_login(personas["kcc.caseworker"])
    tomorrow = timezone.localtime() + datetime.timedelta(days=1)
    data = new_referral_post(
        district("maidstone"),
        **date_parts("referral-received_at", tomorrow),
        **{"referral-referrer_name": "", "referral-channel": "carrier-pigeon"},
    )
    response = record_new_referral(client, data)
    errors = response.context["form"].errors
    assert "Enter the referrer's name" in errors["referrer_name"]
    assert "channel" in errors
    assert not Referral.objects.exists()
    data["referral-referrer_name"] = "Ms Khan"
    data["referral-channel"] = "phone"
    response = record_new_referral(client, data)
    assert "must not be in the future" in str(response.context["form"].errors["received_at"])
    assert not Referral.objects.exists()


def test_search_offers_visible_matches_and_hides_invisible_ones(client, personas, referral):
    theirs = referral(
        by="medway.caseworker", district="medway", new_child={"first_name": "Jayden", "last_name": "Okoro"}
    )
    ours = referral(by="kcc.caseworker", new_child={"first_name": "Jaydon", "last_name": "Okoro"})
    client.force_login(personas["kcc.caseworker"])
    page = client.get(
        reverse("referrals:referral_new"), {"first_name": "Jaiden", "last_name": "Okoro"}
    ).content.decode()
    assert f"?child={ours.child.pk}" in page
    assert f"?child={theirs.child.pk}" not in page and "Jayden" not in page


def test_a_likely_match_the_user_cannot_see_flags_the_referral_for_linking(client, personas, referral, district):
    hidden = referral(
        by="medway.caseworker", district="medway", new_child={"first_name": "Tallulah", "last_name": "Brightwater"}
    )
    client.force_login(personas["kcc.caseworker"])
    data = new_referral_post(district("maidstone"), **date_parts("child-date_of_birth", hidden.child.date_of_birth))
    response = record_new_referral(client, data)
    created = Referral.objects.exclude(pk=hidden.pk).get()
    assert created.needs_linking is True
    page = client.get(response.url).content.decode()
    assert hidden.reference not in page
    assert reverse("referrals:referral_detail", args=[hidden.pk]) not in page


def test_referring_a_child_the_user_cannot_see_is_a_404(client, personas, referral):
    hidden = referral(by="medway.caseworker", district="medway")
    client.force_login(personas["kcc.caseworker"])
    assert client.get(reverse("referrals:referral_new_details"), {"child": hidden.child.pk}).status_code == 404


def test_immediate_risk_shows_the_guidance_and_alerts_the_supervisors(
    client, personas, protocol, district, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(personas["kcc.caseworker"])
    with django_capture_on_commit_callbacks(execute=True):
        response = record_new_referral(
            client, new_referral_post(district("maidstone"), **{"referral-immediate_risk": "yes"}), follow=True
        )
    page = response.content.decode()
    assert "strategy discussion" in page
    referral = Referral.objects.get()
    assert [mail.to for mail in mailoutbox] == [[personas["kent-police.supervisor"].email]]
    assert referral.reference in mailoutbox[0].body and "Brightwater" not in mailoutbox[0].body


# --- the referral page -----------------------------------------------------------------------


def test_referral_page_in_full_for_the_authority_and_404_for_others(client, personas, referral):
    record = referral(by="kcc.caseworker")
    client.force_login(personas["kcc.supervisor"])
    page = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert record.concern_summary in page and 'data-testid="timeline"' in page
    for username in ("medway.caseworker", "health.practitioner", "early-help.practitioner"):
        client.force_login(personas[username])
        assert client.get(reverse("referrals:referral_detail", args=[record.pk])).status_code == 404


def test_referral_page_at_summary_shows_identity_and_contact_only(client, personas, referral_at):
    record = referral_at("open")
    share_with_health(personas, record)
    client.force_login(personas["health.practitioner"])
    page = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert record.reference in page and record.child.full_name in page
    assert record.lead_professional.display_name in page
    assert record.concern_summary not in page and 'data-testid="timeline"' not in page
    assert 'data-testid="summary-only"' in page


def test_the_timeline_merges_every_kind_newest_first_with_its_agency(client, personas, referral_at):
    record = referral_at("open")
    services.chronology_add(
        referral=record,
        recorded_by=personas["kent-police.caseworker"],
        occurred_at=timezone.now() - datetime.timedelta(minutes=1),
        kind="disclosure",
        summary="Told the officer about the parties",
    )
    services.action_create(
        referral=record,
        created_by=personas["kcc.caseworker"],
        description="Visit the school",
        owner=personas["kcc.caseworker"],
        due_date=timezone.localdate(),
    )
    client.force_login(personas["kcc.caseworker"])
    timeline = client.get(reverse("referrals:referral_detail", args=[record.pk])).context["timeline"]
    kinds = {entry.kind for entry in timeline}
    assert kinds == {"chronology", "status", "assessment", "action"}
    assert [entry.when for entry in timeline] == sorted((entry.when for entry in timeline), reverse=True)
    disclosure = next(entry for entry in timeline if entry.kind == "chronology")
    assert disclosure.agency == "Kent Police"


def test_overdue_actions_are_marked(client, personas, referral_at):
    from referrals.models import Action

    record = referral_at("open")
    action = services.action_create(
        referral=record,
        created_by=personas["kcc.caseworker"],
        description="Call the GP",
        owner=personas["kcc.caseworker"],
        due_date=timezone.localdate(),
    )
    Action.objects.filter(pk=action.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=2))
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:referral_detail", args=[record.pk])).content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in page


# --- edit ------------------------------------------------------------------------------


def edit_data(record, **overrides):
    data = {
        "version": record.version,
        "channel": record.channel,
        "referrer_name": record.referrer_name,
        "referrer_role": record.referrer_role,
        "referrer_agency": record.referrer_agency,
        "source_agency": "",
        "district": record.district_id,
        "concern_summary": record.concern_summary,
        "immediate_risk": "no",
        "consent_outcome": record.consent_outcome,
    }
    return data | overrides


def test_a_stale_edit_is_refused_and_says_what_changed(client, personas, referral):
    record = referral(by="kcc.caseworker")
    loaded = edit_data(record, concern_summary="My version of the concern")
    services.referral_update(
        referral=record,
        changed_by=personas["kcc.supervisor"],
        expected_version=record.version,
        referrer_name="Mr Patel",
    )
    client.force_login(personas["kcc.caseworker"])
    response = client.post(reverse("referrals:referral_edit", args=[record.pk]), loaded)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this referral" in page and "Mr Patel" in page
    record.refresh_from_db()
    assert record.concern_summary != "My version of the concern" and record.referrer_name == "Mr Patel"


def test_edit_saves_with_the_current_version_and_is_404_for_others(client, personas, referral):
    record = referral(by="kcc.caseworker")
    client.force_login(personas["medway.caseworker"])
    assert client.get(reverse("referrals:referral_edit", args=[record.pk])).status_code == 404
    client.force_login(personas["kcc.caseworker"])
    response = client.post(
        reverse("referrals:referral_edit", args=[record.pk]), edit_data(record, referrer_role="Nurse")
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.referrer_role == "Nurse" and record.version == 2


# --- workflow ------------------------------------------------------------------------------


def test_a_caseworker_cannot_accept_but_a_supervisor_can(client, personas, referral_at):
    record = referral_at("triaged")
    url = reverse("referrals:referral_step", args=[record.pk, "accept"])
    client.force_login(personas["kcc.caseworker"])
    response = client.post(url, {"version": record.version})
    assert response.status_code == 403 and "Only supervisors can accept" in response.content.decode()
    record.refresh_from_db()
    assert record.status == Status.TRIAGED

    client.force_login(personas["kcc.supervisor"])
    assert client.post(url, {"version": record.version}).status_code == 302
    record.refresh_from_db()
    assert record.status == Status.ACCEPTED and record.accepted_at is not None


def test_a_step_not_allowed_from_the_status_is_a_409_with_a_message(client, personas, referral):
    record = referral(by="kcc.caseworker")
    client.force_login(personas["kcc.supervisor"])
    response = client.post(
        reverse("referrals:referral_step", args=[record.pk, "close"]),
        {"version": record.version, "reason": "duplicate"},
    )
    assert response.status_code == 409 and "when the referral is received" in response.content.decode()


def test_triage_needs_a_note_and_stamps_first_action(client, personas, referral):
    record = referral(by="kcc.caseworker")
    url = reverse("referrals:referral_step", args=[record.pk, "triage"])
    client.force_login(personas["kcc.caseworker"])
    response = client.post(url, {"version": record.version, "note": ""})
    assert "Record what triage found" in str(response.context["form"].errors["note"])
    assert client.post(url, {"version": record.version, "note": "Checked with school"}).status_code == 302
    record.refresh_from_db()
    assert record.status == Status.TRIAGED and record.first_action_at is not None


def test_workflow_pages_are_404_for_someone_who_cannot_see_the_referral(client, personas, referral):
    record = referral(by="kcc.caseworker")
    client.force_login(personas["medway.supervisor"])
    assert client.get(reverse("referrals:referral_step", args=[record.pk, "accept"])).status_code == 404
    assert client.get(reverse("referrals:referral_step", args=[record.pk, "fly"])).status_code == 404


def test_only_the_cse_team_sees_and_filters_referrals_that_need_linking(client, personas, referral, district):
    referral(
        by="medway.caseworker", district="medway", new_child={"first_name": "Tallulah", "last_name": "Brightwater"}
    )
    hidden = Referral.objects.get()
    client.force_login(personas["kcc.caseworker"])
    data = new_referral_post(district("maidstone"), **date_parts("child-date_of_birth", hidden.child.date_of_birth))
    flagged = Referral.objects.get(pk=record_new_referral(client, data).url.split("/")[-2])
    assert flagged.needs_linking

    page = client.get(reverse("referrals:referral_detail", args=[flagged.pk])).content.decode()
    listed = client.get(reverse("referrals:referral_list"), {"needs_linking": "on"}).content.decode()
    assert 'data-testid="needs-linking"' not in page and "Needs linking" not in listed

    client.force_login(personas["kent-police.supervisor"])
    page = client.get(reverse("referrals:referral_detail", args=[flagged.pk])).content.decode()
    assert 'data-testid="needs-linking"' in page
    listed = client.get(reverse("referrals:referral_list"), {"needs_linking": "on"}).content.decode()
    assert flagged.reference in listed and hidden.reference not in listed


def test_history_shows_what_changed_in_words_without_bookkeeping(client, personas, referral_at):
    record = referral_at("triaged")
    client.force_login(personas["kcc.caseworker"])
    history = client.get(reverse("referrals:referral_detail", args=[record.pk])).context["history"]
    changed = {label: (before, after) for entry in history for label, before, after in entry.changes}
    assert changed["Status"] == ("Received", "Triaged")  # labels, not codes (sharing/history.py)
    assert "Version" not in changed and "Updated at" not in changed
    stamped = changed["Triaged at"][1]
    assert stamped == timezone.localtime(record.triaged_at).strftime("%-d %b %Y %H:%M")


# --- the child's details ------------------------------------------------------------------


def child_edit_data(child, **overrides):
    data = {
        "version": child.version,
        "first_name": child.first_name,
        "last_name": child.last_name,
        "aliases": ", ".join(child.aliases),
        **date_parts("date_of_birth", child.date_of_birth),
        "gender": child.gender,
        "ethnicity": child.ethnicity,
        "special_needs": child.special_needs,
        "district": child.district_id,
    }
    return data | overrides


def test_a_child_who_moves_to_medway_is_seen_by_medway_and_no_longer_by_kcc(client, personas, referral, district):
    record = referral(by="kent-police.caseworker", district="maidstone")
    url = reverse("referrals:child_edit", args=[record.pk])
    client.force_login(personas["medway.caseworker"])
    assert client.get(reverse("referrals:referral_detail", args=[record.pk])).status_code == 404
    assert client.get(url).status_code == 404

    client.force_login(personas["kent-police.caseworker"])
    response = client.post(url, child_edit_data(record.child, district=district("medway").pk, aliases="Lulu"))
    assert response.status_code == 302
    record.child.refresh_from_db()
    assert record.child.district.code == "medway" and record.child.aliases == ["Lulu"]

    client.force_login(personas["medway.caseworker"])
    assert client.get(reverse("referrals:referral_detail", args=[record.pk])).status_code == 200
    client.force_login(personas["kcc.caseworker"])
    assert client.get(reverse("referrals:referral_detail", args=[record.pk])).status_code == 404
    client.force_login(personas["medway.caseworker"])
    assert record.reference in client.get(reverse("referrals:referral_list"), {"q": "Lulu"}).content.decode()


def test_a_stale_child_edit_is_refused_with_what_changed(client, personas, referral):
    record = referral(by="kcc.caseworker")
    loaded = child_edit_data(record.child, school="Oakwood Academy")
    services.child_update(
        child=record.child,
        referral=record,
        changed_by=personas["kcc.supervisor"],
        expected_version=record.child.version,
        first_name="Bea",
    )
    client.force_login(personas["kcc.caseworker"])
    response = client.post(reverse("referrals:child_edit", args=[record.pk]), loaded)
    assert response.status_code == 409
    assert "Someone else changed this child" in response.content.decode() and "Bea" in response.content.decode()
    record.child.refresh_from_db()
    assert record.child.school == "" and record.child.first_name == "Bea"


def test_child_edit_needs_change_access_and_valid_input(client, personas, referral):
    record = referral(by="kcc.caseworker", district="medway")  # Medway sees it in full, not at change
    client.force_login(personas["medway.caseworker"])
    assert client.get(reverse("referrals:referral_detail", args=[record.pk])).status_code == 200
    assert client.get(reverse("referrals:child_edit", args=[record.pk])).status_code == 404
    client.force_login(personas["kcc.caseworker"])
    tomorrow = date_parts("date_of_birth", timezone.localdate() + datetime.timedelta(days=1))
    url = reverse("referrals:child_edit", args=[record.pk])
    errors = client.post(url, child_edit_data(record.child, first_name="")).context["form"].errors
    assert "Enter the child's first name" in errors["first_name"]
    errors = client.post(url, child_edit_data(record.child, **tomorrow)).context["form"].errors
    assert "Date of birth must be in the past" in errors["date_of_birth"]
    record.child.refresh_from_db()
    assert record.child.version == 1


# --- linking a flagged referral to a known child ---------------------------------------------


def flagged_referral(client, personas, referral, district):
    known = referral(
        by="medway.caseworker", district="medway", new_child={"first_name": "Tallulah", "last_name": "Brightwater"}
    )
    client.force_login(personas["kcc.caseworker"])
    data = new_referral_post(district("maidstone"), **date_parts("child-date_of_birth", known.child.date_of_birth))
    flagged = Referral.objects.get(pk=record_new_referral(client, data).url.split("/")[-2])
    assert flagged.needs_linking
    return known, flagged


def test_the_cse_team_links_a_flagged_referral_to_the_known_child(client, personas, referral, district):
    from referrals.models import Child

    known, flagged = flagged_referral(client, personas, referral, district)
    made_with_it = flagged.child_id
    client.force_login(personas["kent-police.caseworker"])
    page = client.get(reverse("referrals:referral_link", args=[flagged.pk]))
    assert page.status_code == 200 and f'value="{known.child_id}"' in page.content.decode()
    response = client.post(reverse("referrals:referral_link", args=[flagged.pk]), {"child": known.child_id})
    assert response.status_code == 302
    flagged.refresh_from_db()
    assert flagged.child_id == known.child_id and flagged.needs_linking is False
    assert not Child.objects.filter(pk=made_with_it).exists()  # nothing else referred to it


def test_linking_is_only_for_the_cse_team_and_only_to_a_likely_match(client, personas, referral, district):
    known, flagged = flagged_referral(client, personas, referral, district)
    other = referral(by="kcc.caseworker")
    url = reverse("referrals:referral_link", args=[flagged.pk])
    for username in ("kcc.caseworker", "kcc.supervisor", "medway.caseworker"):
        client.force_login(personas[username])
        assert client.get(url).status_code == 404
        assert client.post(url, {"child": known.child_id}).status_code == 404
    client.force_login(personas["kent-police.supervisor"])
    response = client.post(url, {"child": other.child_id})
    assert "Choose one of the children" in str(response.context["form"].errors["child"])
    flagged.refresh_from_db()
    assert flagged.needs_linking and flagged.child_id != known.child_id


def test_the_lead_professional_is_chosen_from_people_who_see_the_referral_in_full(client, personas, referral_at):
    record = referral_at("accepted")
    client.force_login(personas["kcc.supervisor"])
    offered = set(client.get(reverse("referrals:referral_step", args=[record.pk, "assign"])).context["form"]
                  .fields["lead_professional"].queryset.values_list("username", flat=True))  # fmt: skip
    assert {"kcc.caseworker", "kcc.supervisor", "kent-police.caseworker"} <= offered
    assert not offered & {"medway.caseworker", "health.practitioner", "early-help.practitioner"}


def test_a_forged_cursor_or_a_nul_in_the_search_is_refused_cleanly(client, personas, referral):
    from audit.models import AccessEvent

    referral()
    client.force_login(personas["kcc.caseworker"])
    assert client.get(reverse("referrals:referral_list"), {"cursor": "not-a-cursor"}).status_code == 404
    before = AccessEvent.objects.count()
    assert client.get(reverse("referrals:referral_list"), {"q": "Smith\x00"}).status_code == 400
    assert client.get("/api/children/", {"q": "\x00"}).status_code == 400
    assert AccessEvent.objects.count() == before


# --- the new referral in steps (issue #12, item 3) --------------------------------------------


def test_the_first_question_is_immediate_risk_and_nothing_is_saved_until_the_last_step(
    client, personas, protocol, district
):
    client.force_login(personas["kcc.caseworker"])
    first = client.get(reverse("referrals:referral_new_details"), {"first_name": "Tallulah", "last_name": "B"})
    assert first.context["step"].slug == "immediate-risk"
    assert "Is the child at immediate risk?" in first.content.decode()
    assert "call 999" in first.content.decode()
    refused = client.post(step_url("immediate-risk"), {})
    assert "Say whether the child is at immediate risk" in refused.context["form"].errors["immediate_risk"]

    assert answer_every_step(client, new_referral_post(district("maidstone"))) is None
    assert not Referral.objects.exists() and not Child.objects.exists()
    check = client.get(step_url("check")).content.decode()
    assert "Check the referral before recording it" in check
    assert (
        "Tallulah" in check
        and "Ms Khan" in check
        and "Inappropriate relationship (&#x27;boyfriend&#x27;), Online" in check
    )
    assert client.post(step_url("check")).status_code == 302
    assert Referral.objects.get().child.first_name == "Tallulah"
    # The answers went with it: the next referral starts afresh.
    assert client.get(step_url("check")).context["step"].slug == "immediate-risk"


def test_each_step_asks_one_topic_and_marks_what_may_be_left_blank(client, personas, protocol):
    client.force_login(personas["kcc.caseworker"])
    client.get(reverse("referrals:referral_new_details"))
    child = client.get(step_url("child")).content.decode()
    assert "About the child" in child and "Referrer" not in child
    assert "Other names the child uses" in child and "Aliases (optional)" in child
    assert "First name (optional)" not in child
    referrer = client.get(step_url("referrer")).content.decode()
    assert "Referrer&#x27;s role (optional)" in referrer and "Referrer&#x27;s name (optional)" not in referrer
    # GOV.UK date inputs: day, month and year boxes, not the browser's date picker.
    assert 'name="referral-received_at_day"' in referrer and 'type="datetime-local"' not in referrer
    assert 'name="child-date_of_birth_month"' in child and 'type="date"' not in child


def test_a_date_typed_wrong_is_a_clear_error_next_to_it(client, personas, protocol):
    client.force_login(personas["kcc.caseworker"])
    client.get(reverse("referrals:referral_new_details"))
    data = {"child-first_name": "Tallulah", "child-last_name": "Brightwater", "child-gender": "female",
            "child-ethnicity": "not_stated", "child-special_needs": "not_known"}  # fmt: skip
    missing_month = client.post(
        step_url("child"), data | {"child-date_of_birth_day": "3", "child-date_of_birth_year": "2012"}
    )
    assert missing_month.context["form"].errors["date_of_birth"] == ["The date of birth must include a month"]
    assert 'href="#id_child-date_of_birth"' in missing_month.content.decode()
    impossible = client.post(
        step_url("child"),
        data | {"child-date_of_birth_day": "31", "child-date_of_birth_month": "2", "child-date_of_birth_year": "2012"},
    )
    assert impossible.context["form"].errors["date_of_birth"] == ["The date of birth must be a real date"]


def test_change_from_the_check_page_returns_to_it(client, personas, protocol, district):
    client.force_login(personas["kcc.caseworker"])
    answer_every_step(client, new_referral_post(district("maidstone")))
    changed = client.post(step_url("concern") + "&change=1", {"referral-concern_summary": "Missing overnight"})
    assert changed.url == step_url("check")
    assert "Missing overnight" in client.get(step_url("check")).content.decode()
    client.post(step_url("check"))
    assert Referral.objects.get().concern_summary == "Missing overnight"


def test_a_known_child_skips_the_child_questions(client, personas, referral):
    known = referral(by="kcc.caseworker")
    client.force_login(personas["kcc.caseworker"])
    data = new_referral_post(known.child.district)
    response = record_new_referral(client, data, child=known.child)
    assert response.status_code == 302
    assert Referral.objects.filter(child=known.child).count() == 2
