"""The permission matrix for MASE records: every persona against agenda items
about a child owned by every agency (in a KCC district and in Medway), against
actions owned by every agency, and against meetings of panels with different
members, on every page and API endpoint that shows one, checked against the
plain-Python reference model of the protocol in force (tests/sharing/harness.py)
with canaries in every field above summary."""

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Agency, District
from mase import services
from mase.models import Meeting, MeetingPack, MeetingStatus
from referrals import services as referral_services
from sharing import services as sharing_services
from sharing.models import LawfulBasis
from tests.mase.documents import pdf_text
from tests.mase.factories import AgendaItemFactory, MaseActionFactory, MeetingFactory, PanelFactory
from tests.referrals.conftest import new_child_fields
from tests.route_claims import assert_claims_exercised
from tests.sharing import reference_model as ref
from tests.sharing.harness import (
    RECORDER,
    CanarySpec,
    MatrixSpec,
    casework_personas,
    make_records,
    plant_canaries,
    reference_grants,
    reference_rules,
    run_canaries,
    run_matrix,
)

pytestmark = pytest.mark.django_db

SHORT = {"kent-police": "KP", "kcc": "KC", "medway": "MW", "health": "HE", "early-help": "EH"}


def person_of(user) -> ref.Person:
    return ref.Person(user_id=user.pk, agency=user.agency.code, is_cse_team_member=user.is_cse_team_member)


def expected(user, record, spec, kind) -> str | None:
    subject = ref.Record(record_id=record.pk, owner=spec.owner(record), authority=spec.authority(record))
    return ref.expected_level(person_of(user), subject, reference_rules(kind), reference_grants(kind))


def get(client, url):
    return client.get(url)


# --- agenda items ----------------------------------------------------------------------


@pytest.fixture
def items(personas, protocol, monkeypatch):
    """An item about a child owned by every agency, in Maidstone and Medway, on
    one meeting of a panel every agency sits on; one shared to Health at summary."""
    monkeypatch.setitem(ref.CONDITIONS, "topic_item_for_panel_member", lambda person, record, recipient: False)
    panel = PanelFactory()
    for agency in Agency.objects.all():
        panel.members.create(agency=agency)
    meeting = MeetingFactory(panel=panel)

    def make_record(owner, district):
        referral = referral_services.referral_create(
            created_by=personas[RECORDER[owner]],
            new_child=new_child_fields(district),
            received_at=timezone.now(),
            channel="phone",
            referrer_name="Matrix referrer",
            concern_summary="x",
            consent_outcome="given",
        )
        return AgendaItemFactory(
            meeting=meeting,
            referral=referral,
            reference=f"AGI-{owner}-{district}",
            why=f"Why only full readers see: {owner} in {district}",
        )

    spec = MatrixSpec(
        make_record=make_record,
        detail_url=lambda record: reverse("mase:agendaitem_detail", args=[record.pk]),
        list_url=reverse("mase:meeting_detail", args=[meeting.pk]),
        api_list_url=f"/api/mase-agenda-items/?page_size=100&meeting={meeting.pk}",
        api_detail_url=lambda record: f"/api/mase-agenda-items/{record.pk}/",
        summary_text=lambda record: record.reference,
        full_text=lambda record: record.why,
        full_only_api_field="why",
        authority=lambda record: record.referral.child.district.childrens_services.code,
    )
    records = make_records(spec)
    kcc_owned = next(r for r in records if r.owning_agency.code == "kcc" and r.referral.child.district.code == "medway")
    sharing_services.share_record(
        shared_by=personas["kcc.caseworker"],
        record=kcc_owned,
        recipient_agency=Agency.objects.get(code="health"),
        level="summary",
        purpose="Health attends the panel",
        lawful_basis=LawfulBasis.objects.get(code="gdpr-public-task-safeguarding"),
    )
    return spec, records


def test_every_persona_sees_exactly_the_agenda_items_the_protocol_allows(client, personas, items):
    spec, records = items
    checks, failures = run_matrix(client, casework_personas(personas), spec, records)
    assert failures == []
    assert checks == len(casework_personas(personas)) * len(records) * 4


def test_health_sees_an_item_shared_at_summary_as_initials_and_reference_only(client, personas, items):
    spec, records = items
    shared = next(r for r in records if r.owning_agency.code == "kcc" and r.referral.child.district.code == "medway")
    client.force_login(personas["health.practitioner"])
    page = get(client, spec.detail_url(shared)).content.decode()
    assert shared.reference in page and shared.child_initials in page and shared.why not in page
    assert shared.referral.reference not in page


def plant_item_canaries(records):
    """The harness plants the meeting's fields too (an item's summary field
    `meeting`), but the meeting is shown at its own level, full for every
    agency on the panel (its own matrix is below): its general minutes are
    not the items' to hide."""
    records, planted = plant_canaries(records)
    Meeting.objects.filter(pk=records[0].meeting_id).update(minutes_notes="General minutes of the meeting")
    return records, planted


def test_no_canary_of_an_agenda_item_reaches_a_reader_below_full(client, personas, items):
    spec, records = items
    records, planted = plant_item_canaries(records)
    checks, failures = run_canaries(
        client,
        casework_personas(personas),
        spec,
        CanarySpec(
            other_pages=lambda record: [
                reverse("mase:agendaitem_record", args=[record.pk]),
                reverse("mase:agendaitem_remove", args=[record.pk]),
            ],
            api_formats=("json",),
        ),
        records,
        planted,
    )
    assert failures == []
    assert checks > len(records)


def test_no_canary_of_an_agenda_item_reaches_a_pack_or_minutes_below_full(
    personas, items, django_capture_on_commit_callbacks
):
    """The canary harness over the rendered files: every agency's pack and
    copy of the minutes, as HTML and as the PDF's text. A recipient who holds
    an item below full finds none of its canaries; one who holds it in full
    finds them (so the check can fail); one who holds it at summary finds its
    reference."""
    spec, records = items
    records, planted = plant_item_canaries(records)
    meeting = records[0].meeting
    for seat in meeting.panel.members.select_related("agency"):
        seat.member = personas[RECORDER[seat.agency.code]]
        seat.save()
    chair, basis = personas["mase.chair"], LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    with django_capture_on_commit_callbacks(execute=True):
        services.packs_issue(meeting=meeting, issued_by=chair, lawful_basis=basis)
    Meeting.objects.filter(pk=meeting.pk).update(status=MeetingStatus.MINUTES_APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_circulate_minutes(meeting=meeting, circulated_by=chair, lawful_basis=basis)
    documents = list(MeetingPack.objects.filter(meeting=meeting).select_related("recipient__agency"))
    assert sorted(document.kind for document in documents) == ["minutes"] * 5 + ["pack"] * 5
    failures, levels_seen = [], set()
    for document in documents:
        recipient = document.recipient
        rendered = {"HTML": document.html, "PDF": pdf_text(document)}
        for record in records:
            level = expected(recipient, record, spec, "mase.agendaitem")
            levels_seen.add(level)
            where = f"{document.get_kind_display()} for {document.agency.code} -> {record.reference} ({level})"
            for form, body in rendered.items():
                found = planted[record.pk].found_in(body)
                if level in (None, "summary") and found:
                    failures.append(f"{where}: {form} shows canaries {found}")
                elif level in ("full", "change") and not found:
                    failures.append(f"{where}: {form} shows no full-level field")
                if (record.reference in body) != (level is not None):
                    failures.append(f"{where}: {form} lists it={record.reference in body}")
    assert failures == []
    assert {None, "summary", "full"} <= levels_seen


def test_the_record_and_take_off_forms_need_the_item_in_full(client, personas, items):
    spec, records = items
    for username, user in casework_personas(personas).items():
        client.force_login(user)
        for record in records:
            level = expected(user, record, spec, "mase.agendaitem")
            for name in ("mase:agendaitem_record", "mase:agendaitem_remove"):
                status = get(client, reverse(name, args=[record.pk])).status_code
                assert status == (200 if level in ("full", "change") else 404), (name, username, record.reference)


# --- actions -------------------------------------------------------------------------------


@pytest.fixture
def actions(personas, protocol, monkeypatch):
    chair = personas["mase.chair"]
    monkeypatch.setitem(
        ref.CONDITIONS, "chairs_the_panel", lambda person, record, recipient: person.user_id == chair.pk
    )
    meeting = MeetingFactory(status=MeetingStatus.HELD)

    def make_record(owner, district):
        return MaseActionFactory(
            meeting=meeting,
            owner=personas[RECORDER[owner]],
            reference=f"MA-{SHORT[owner]}-{district[:3]}",
            description=f"Only full readers see what: {owner} {district}",
        )

    spec = MatrixSpec(
        make_record=make_record,
        detail_url=lambda record: reverse("mase:action_detail", args=[record.pk]),
        list_url=reverse("mase:action_list"),
        api_list_url="/api/mase-actions/?page_size=100",
        api_detail_url=lambda record: f"/api/mase-actions/{record.pk}/",
        summary_text=lambda record: record.reference,
        full_text=lambda record: record.description,
        full_only_api_field="description",
        authority=lambda record: "none",
        owner=lambda record: record.owner_agency.code,
    )
    return spec, make_records(spec)


def test_every_persona_sees_exactly_the_actions_the_protocol_allows(client, personas, actions):
    spec, records = actions
    checks, failures = run_matrix(client, casework_personas(personas), spec, records)
    assert failures == []
    assert checks == len(casework_personas(personas)) * len(records) * 4


def test_no_canary_of_an_action_reaches_a_reader_who_may_not_see_it(client, personas, actions):
    spec, records = actions
    records, planted = plant_canaries(records)
    step = lambda record: [reverse("mase:action_step", args=[record.pk, "complete"])]  # noqa: E731
    checks, failures = run_canaries(
        client, casework_personas(personas), spec, CanarySpec(other_pages=step, api_formats=("json",)), records, planted
    )
    assert failures == []
    assert checks > len(records)


def test_an_action_is_worked_only_with_change(client, personas, actions):
    spec, records = actions
    for username, user in casework_personas(personas).items():
        client.force_login(user)
        for record in records:
            level = expected(user, record, spec, "mase.maseaction")
            status = get(client, reverse("mase:action_step", args=[record.pk, "complete"])).status_code
            assert status == (200 if level == "change" else 404), (username, level)


# --- meetings ------------------------------------------------------------------------------


@pytest.fixture
def meetings(personas, protocol, monkeypatch, make_persona):
    """A meeting owned by every agency (its panel's chair's), the Medway
    panels with Medway and the police as members, the others with KCC and Health."""
    members = {}
    chair = personas["mase.chair"]
    monkeypatch.setitem(
        ref.CONDITIONS, "panel_member", lambda p, record, recipient: recipient in members[record.record_id]
    )
    monkeypatch.setitem(
        ref.CONDITIONS, "chairs_the_meeting", lambda p, record, recipient: p.user_id == chairs[record.record_id]
    )
    chairs, panel_chairs = {}, {}

    def make_record(owner, district):
        if owner not in panel_chairs:
            panel_chairs[owner] = chair if owner == "kcc" else make_persona(owner, "mase-chair")
        panel_chair = panel_chairs[owner]
        seats = ("medway", "kent-police") if district == "medway" else ("kcc", "health")
        panel = PanelFactory(chair=panel_chair, name=f"Panel {owner} {district}")
        panel.districts.set(District.objects.filter(code=district))
        for code in seats:
            panel.members.create(agency=Agency.objects.get(code=code))
        meeting = MeetingFactory(panel=panel, reference=f"MTG-{SHORT[owner]}-{district[:3]}")
        members[meeting.pk], chairs[meeting.pk] = set(seats), panel_chair.pk
        return meeting

    spec = MatrixSpec(
        make_record=make_record,
        detail_url=lambda record: reverse("mase:meeting_detail", args=[record.pk]),
        list_url=reverse("mase:meeting_list"),
        api_list_url="/api/mase-meetings/?page_size=100",
        api_detail_url=lambda record: f"/api/mase-meetings/{record.pk}/",
        summary_text=lambda record: record.reference,
        full_text=lambda record: record.reference,
        full_only_api_field="created_at",
        authority=lambda record: "none",
    )
    return spec, make_records(spec)


def test_every_persona_sees_exactly_the_meetings_of_panels_their_agency_sits_on(client, personas, meetings):
    spec, records = meetings
    checks, failures = run_matrix(client, casework_personas(personas), spec, records)
    assert failures == []
    assert checks == len(casework_personas(personas)) * len(records) * 4


def test_only_the_chair_opens_a_meetings_chair_pages(client, personas, meetings):
    _spec, records = meetings
    kcc_meeting = next(record for record in records if record.owning_agency.code == "kcc")
    pages = [
        reverse(name, args=[kcc_meeting.pk])
        for name in (
            "mase:agenda_builder", "mase:attendance_record", "mase:action_new", "mase:minutes",
            "mase:minutes_circulate",
        )
    ]  # fmt: skip
    for username, user in casework_personas(personas).items():
        client.force_login(user)
        for url in pages:
            answer = get(client, url).status_code
            assert answer == (200 if username == "mase.chair" else 404), (username, url, answer)


# --- listing requests (seen through their referral, in full only) ------------------------------


def test_listing_requests_are_seen_only_by_full_readers_of_the_case(
    client, personas, panel, make_meeting, assessed_case, chair
):
    case = assessed_case()
    listing = services.listing_request_create(
        referral=case, requested_by=personas["kcc.caseworker"], panel=panel, reason="review", detail="Only full"
    )
    from referrals.models import Referral
    from sharing.levels import AccessLevel

    for username, user in casework_personas(personas).items():
        client.force_login(user)
        full = Referral.objects.visible_to(user, AccessLevel.FULL).filter(pk=case.pk).exists()
        urls = {
            "detail": reverse("mase:listingrequest_detail", args=[listing.pk]),
            "step": reverse("mase:listingrequest_step", args=[listing.pk, "decline"]),
            "new": reverse("mase:listingrequest_new", args=[case.pk]),
            "api": f"/api/mase-listing-requests/{listing.pk}/",
        }
        for what, url in urls.items():
            assert get(client, url).status_code == (200 if full else 404), (username, what)
        listed = get(client, "/api/mase-listing-requests/?page_size=100").json()["results"]
        assert ([row["id"] for row in listed] == [listing.pk]) == full, username
        page = client.get(reverse("mase:listingrequest_list")).content.decode()
        assert ("Only full" in page) is False  # the list shows no reason text at all
        assert (case.reference in page) == (username in ("kcc.caseworker", "mase.chair")), username
    assert "Only full" not in client.get(reverse("mase:listingrequest_list")).content.decode()


# --- a listed case, shared with the panel's agencies for the meeting -----------------------


def test_a_listed_case_is_shared_with_the_panels_agencies_until_the_listing_is_removed(
    client, personas, panel, make_meeting, assessed_case, chair
):
    """Closing the agenda shares each listed child's case with every agency
    on the panel at summary, through the engine (a Record of Sharing with the
    meeting's purpose and an end date); every persona then sees the case as
    the reference model of the protocol with those shares says, on the case's
    page; removing the listing ends the shares."""
    from referrals.models import Referral
    from sharing.models import Share

    meeting = make_meeting(panel, days=0, deadline_days=0)
    case = assessed_case()
    listing = services.listing_request_create(
        referral=case, requested_by=personas["kcc.caseworker"], panel=panel, reason="review", detail="Stuck"
    )
    services.listing_request_accept(listing=listing, accepted_by=chair)
    item = services.agenda_item_add(meeting=meeting, added_by=chair, criterion="listing_request", listing=listing)
    url = reverse("referrals:referral_detail", args=[case.pk])

    def levels():
        rules, grants = reference_rules("referrals.referral"), reference_grants("referrals.referral")
        subject = ref.Record(
            record_id=case.pk, owner=case.owning_agency.code, authority=case.child.district.childrens_services.code
        )
        found, failures = {}, []
        for username, user in casework_personas(personas).items():
            level = ref.expected_level(person_of(user), subject, rules, grants)
            found[username] = level
            client.force_login(user)
            page = client.get(url)
            if level is None and page.status_code != 404:
                failures.append(f"{username}: {page.status_code}, not 404")
            elif level is not None and (page.status_code != 200 or case.reference not in page.content.decode()):
                failures.append(f"{username}: {page.status_code} without the case at {level}")
            elif level == "summary" and case.concern_summary in page.content.decode():
                failures.append(f"{username}: a summary reader sees the concern")
        assert failures == []
        return found

    before = levels()
    assert before["health.practitioner"] is None and before["early-help.practitioner"] is None
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    shares = Share.objects.active().filter(record_kind="referrals.referral", record_id=case.pk)
    assert {share.recipient_agency.code for share in shares} == {"kent-police", "medway", "health", "early-help"}
    for share in shares:
        assert share.level == "summary" and meeting.reference in share.purpose and share.expires_at
        assert share.lawful_basis.code == "gdpr-public-task-safeguarding" and share.shared_by == chair
    assert set(item.panel_shares.values_list("share_id", flat=True)) == {share.pk for share in shares}
    during = levels()
    assert during["health.practitioner"] == during["early-help.practitioner"] == "summary"
    assert Referral.objects.visible_to(personas["health.practitioner"], "full").filter(pk=case.pk).exists() is False

    services.meeting_hold(meeting=meeting, held_by=chair)
    services.agenda_item_record(item=item, recorded_by=chair, discussion_summary="Plan", agreed_risk_level="high")
    services.listing_request_remove(listing=listing, removed_by=chair, note="Risk reduced")
    assert not Share.objects.active().filter(record_kind="referrals.referral", record_id=case.pk).exists()
    assert levels() == before


def test_the_claimed_routes_are_the_ones_the_matrix_requests():
    """Each page and endpoint above, by route (any id resolves to the same route)."""
    pages = [
        reverse(name, args=[1])
        for name in (
            "mase:meeting_detail", "mase:agendaitem_detail", "mase:agendaitem_record", "mase:agendaitem_remove",
            "mase:action_detail",
            "mase:listingrequest_new", "mase:listingrequest_detail", "mase:agenda_builder", "mase:attendance_record",
            "mase:action_new", "mase:minutes", "mase:minutes_circulate",
        )
    ]  # fmt: skip
    steps = [
        reverse("mase:action_step", args=[1, "complete"]),
        reverse("mase:listingrequest_step", args=[1, "decline"]),
    ]
    api = [f"/api/{kind}/" for kind in ("mase-meetings", "mase-agenda-items", "mase-actions", "mase-listing-requests")]
    api += [f"{url}1/" for url in api]
    lists = [reverse("mase:meeting_list"), reverse("mase:action_list")]
    assert_claims_exercised("mase", [*pages, *steps, *api, *lists], prefix="the MASE matrix")
