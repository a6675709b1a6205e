"""Meeting packs: each agency's holds only what its member may see under the
protocol in force, pseudonymous and watermarked; HTML and PDF made in the
background; each a recorded disclosure; superseded by a changed agenda."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Agency, District
from audit.models import AccessEvent
from mase import services
from sharing.models import LawfulBasis
from sharing.refusals import StepNotAllowed

pytestmark = pytest.mark.django_db

MEMBERS = {"kcc": "kcc.supervisor", "health": "health.practitioner", "medway": "medway.supervisor"}


@pytest.fixture
def staffed_panel(personas, protocol, chair):
    return services.panel_create(
        created_by=personas["admin"],
        name="West Kent operational MASE",
        kind="operational",
        chair=chair,
        districts=District.objects.filter(code="maidstone"),
        members={Agency.objects.get(code=code): (personas[username], None) for code, username in MEMBERS.items()},
    )


@pytest.fixture
def issued(staffed_panel, make_meeting, assessed_case, chair, django_capture_on_commit_callbacks):
    meeting = make_meeting(staffed_panel)
    case = assessed_case()
    item = services.agenda_item_add(
        meeting=meeting, added_by=chair, criterion="high_risk", referral=case, why="Seen with older men at night"
    )
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Hotels near the station")
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    with django_capture_on_commit_callbacks(execute=True):
        packs = services.packs_issue(meeting=meeting, issued_by=chair, lawful_basis=basis)
    return meeting, case, item, {pack.agency.code: pack for pack in packs}


def test_each_agency_gets_only_what_the_protocol_gives_it(issued):
    _meeting, case, item, packs = issued
    for pack in packs.values():
        pack.refresh_from_db()
        assert pack.status == "ready" and pack.progress == 100 and bytes(pack.pdf).startswith(b"%PDF")
        assert "Hotels near the station" in pack.html
        assert pack.recipient.display_name in pack.html  # watermark and footer
        assert case.child.first_name not in pack.html and case.child.last_name not in pack.html  # pseudonymous
    kcc = packs["kcc"].html
    assert item.reference in kcc and item.child_initials in kcc and "Seen with older men" in kcc
    for other in ("health", "medway"):
        assert item.reference not in packs[other].html and "Seen with older men" not in packs[other].html


def test_every_pack_is_a_recorded_disclosure(issued):
    _meeting, _case, _item, packs = issued
    pack = packs["health"]
    assert (pack.lawful_basis.code, pack.protocol.status, pack.recipient.username) == (
        "gdpr-public-task-safeguarding",
        "agreed",
        "health.practitioner",
    )
    events = AccessEvent.objects.filter(action="export", details__pack=pack.pk)
    assert events.count() == 1 and events.get().details["agency"] == "health"


def test_a_changed_agenda_supersedes_issued_packs(issued, chair, client):
    meeting, _case, _item, packs = issued
    order = list(meeting.items.order_by("-position").values_list("pk", flat=True))
    services.agenda_arrange(meeting=meeting, arranged_by=chair, order=order, minutes={})
    pack = packs["kcc"]
    pack.refresh_from_db()
    assert pack.superseded
    client.force_login(chair)
    page = client.get(reverse("mase:pack_list", args=[meeting.pk])).content.decode()
    assert "Superseded: the agenda changed" in page


def test_a_pack_opens_only_for_its_recipient_and_the_chair(issued, client, personas):
    meeting, _case, _item, packs = issued
    url = reverse("mase:pack_download", args=[packs["kcc"].pk])
    for username, status in (("kcc.supervisor", 200), ("mase.chair", 200), ("health.practitioner", 404),
                             ("kcc.caseworker", 404), ("dpo", 404)):  # fmt: skip
        client.force_login(personas[username])
        response = client.get(url)
        assert response.status_code == status, username
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
    client.force_login(personas["health.practitioner"])
    own = client.get(reverse("mase:pack_download", args=[packs["health"].pk]), {"format": "html"})
    assert own.status_code == 200 and "Seen with older men" not in own.content.decode()
    assert client.get(reverse("mase:pack_list", args=[meeting.pk])).status_code == 404


def test_packs_need_the_chair_and_a_basis_the_chairs_agency_may_rely_on(staffed_panel, make_meeting, chair, personas):
    meeting = make_meeting(staffed_panel)
    services.agenda_item_add(meeting=meeting, added_by=chair, criterion="topic", title="Parks")
    police_basis = LawfulBasis.objects.get(code="dpa3-sch8-para4")
    with pytest.raises(ValidationError):
        services.packs_issue(meeting=meeting, issued_by=chair, lawful_basis=police_basis)
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    with pytest.raises(StepNotAllowed):
        services.packs_issue(meeting=meeting, issued_by=personas["kcc.supervisor"], lawful_basis=basis)
