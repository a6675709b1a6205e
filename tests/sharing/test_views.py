"""The sharing pages, each with an allowed and a denied persona."""

from io import StringIO

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from audit.models import AccessEvent
from sharing import services
from sharing.models import Protocol, Share

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.isp_testapp.urls")]


@pytest.fixture
def record(protocol, case_file):
    return case_file("kcc", "canterbury", reference="KCC-CAN", concern="Seen getting into cars <script>x</script>")


def share_url(record):
    return reverse("sharing:share_create", args=["isp_testapp.casefile", record.pk])


def test_everyone_sees_the_protocol_in_force_as_a_matrix(client, personas, protocol):
    client.force_login(personas["health.practitioner"])
    page = client.get(reverse("sharing:protocol_in_force"))
    assertContains(page, f"Version {protocol.version}: Kent and Medway CSE Information Sharing Protocol")
    assertContains(page, 'data-testid="protocol-matrix"')
    assertContains(page, "<strong>Full</strong>: children living in its area", html=False)
    assertContains(page, "Medway Council Children&#x27;s Services: signed by Morgan Ellis")


def test_drafts_are_for_administrators_with_a_preview(client, personas, protocol, case_file):
    from tests.sharing.test_services import draft_protocol

    case_file("kcc", "medway")
    draft = draft_protocol(protocol)
    draft.scope_rules.filter(recipient__code="medway", condition="in_recipient_authority").delete()
    client.force_login(personas["kcc.caseworker"])
    assert client.get(reverse("sharing:protocol_detail", args=[draft.version])).status_code == 404
    client.force_login(personas["admin"])
    page = client.get(reverse("sharing:protocol_detail", args=[draft.version]))
    assertContains(page, 'data-testid="protocol-preview"')
    rows = page.context["preview"]
    medway = next(row for row in rows if row.agency.code == "medway" and row.record_kind == "case file")
    assert (medway.gained, medway.lost) == (0, 1)


def test_a_record_page_explains_why_the_user_can_see_it(client, personas, record):
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("casefile_detail", args=[record.pk]))
    assertContains(page, "Why can I see this?")
    assertContains(page, "Seen getting into cars &lt;script&gt;x&lt;/script&gt;")
    assert AccessEvent.objects.filter(action="view", record_ids=[str(record.pk)]).count() == 1
    why = reverse("sharing:record_explanation", args=["isp_testapp.casefile", record.pk])
    assertContains(page, f'hx-get="{why}"')  # loaded when opened; a link without JavaScript
    version = Protocol.objects.get(status="agreed").version  # 1, or later when installed apps join later
    rule = f"Protocol version {version}: The owning agency sees case files (records it owns) at change level"
    assertContains(client.get(why), rule)
    partial = client.get(why, headers={"HX-Request": "true"})
    assertContains(partial, rule)
    assertNotContains(partial, "<html")


def test_why_can_i_see_is_404_for_a_record_the_user_cannot_see(client, personas, record):
    client.force_login(personas["health.practitioner"])
    why = reverse("sharing:record_explanation", args=["isp_testapp.casefile", record.pk])
    assert client.get(why).status_code == 404
    assert client.get(reverse("sharing:record_explanation", args=["no.such", record.pk])).status_code == 404


def test_a_summary_reader_sees_no_full_fields(client, personas, record, agency, basis):
    services.share_record(
        shared_by=personas["kcc.caseworker"], record=record, recipient_agency=agency("health"), level="summary",
        purpose="Nurse involved", lawful_basis=basis("gdpr-public-task-safeguarding"),
    )  # fmt: skip
    client.force_login(personas["health.practitioner"])
    page = client.get(reverse("casefile_detail", args=[record.pk]))
    assertContains(page, "KCC-CAN")
    assertNotContains(page, "Seen getting into cars")
    assertContains(page, "You see a summary of this record")
    api = client.get(f"/api/case-files/{record.pk}/").json()
    assert api["access_level"] == "summary" and "concern" not in api


def test_sharing_through_the_page(client, personas, record):
    client.force_login(personas["kcc.caseworker"])
    form = client.get(share_url(record))
    assert form.status_code == 200
    bases = [str(choice[1]) for choice in form.context["form"].fields["lawful_basis"].choices]
    assert not any("DPA 2018 Part 3" in label for label in bases)  # police bases are not offered to KCC
    health = personas["health.practitioner"].agency
    basis_id = next(
        value for value, label in form.context["form"].fields["lawful_basis"].choices if "public task" in str(label)
    )
    response = client.post(
        share_url(record),
        {"recipient_agency": health.pk, "level": "full", "purpose": "Nurse involved", "lawful_basis": basis_id},
    )
    assert response.status_code == 302
    assert Share.objects.get().recipient_agency == health


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose an agency or one person to share with"),
        ({"recipient_user": "no.such.person"}, "Choose a person from the list"),
        ({"expires_at": "2001-01-01"}, "The end date must be in the future"),
        ({"expires_at": "31/02/2030"}, "Enter a real date"),
        ({"expires_at": "9999-12-31"}, "Enter a real date"),
        ({"level": "change"}, "Select a valid choice"),
    ],
)
def test_bad_share_input_is_shown_next_to_the_field_and_nothing_is_saved(client, personas, record, data, message):
    client.force_login(personas["kcc.caseworker"])
    form = client.get(share_url(record)).context["form"]
    basis_id = next(value for value, label in form.fields["lawful_basis"].choices if "public task" in str(label))
    post = {"recipient_agency": personas["health.practitioner"].agency.pk, "level": "full", "purpose": "Nurse",
            "lawful_basis": basis_id, **data}  # fmt: skip
    if not data:
        post.pop("recipient_agency")
    response = client.post(share_url(record), post)
    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, "govuk-error-summary")
    assert Share.objects.count() == 0


def test_a_named_person_is_chosen_from_the_staff_list_and_no_username_is_confirmed(client, personas, record):
    """Issue #14: a typed username was answered "There is no active user with
    that username", which told anyone whether an account exists. Now the
    person is chosen from a list of staff with their agency (names, not usernames), and
    anything not on the list gets one answer, whether or not it is an account."""
    client.force_login(personas["kcc.caseworker"])
    page = client.get(share_url(record))
    html = page.content.decode()
    nurse = personas["health.practitioner"]
    assert f'<option value="{nurse.pk}">{nurse.display_name} ({nurse.agency.name})</option>' in html
    assert nurse.username not in html
    assert f'<option value="{personas["kcc.caseworker"].pk}"' not in html  # not yourself

    form = page.context["form"]
    basis_id = next(value for value, label in form.fields["lawful_basis"].choices if "public task" in str(label))
    base = {"level": "full", "purpose": "Nurse involved", "lawful_basis": basis_id}
    answers = [
        client.post(share_url(record), {**base, "recipient_user": guess})
        for guess in ("health.practitioner", "no.such.person", str(10**9))
    ]
    assert all(answer.status_code == 200 for answer in answers) and Share.objects.count() == 0
    errors = [answer.context["form"].errors["recipient_user"] for answer in answers]
    assert errors[0] == errors[1] == errors[2] == ["Choose a person from the list"]

    shared = client.post(share_url(record), {**base, "recipient_user": nurse.pk})
    assert shared.status_code == 302
    assert Share.objects.get().recipient_user == nurse


def test_the_share_page_of_a_record_you_cannot_see_is_a_404(client, personas, record):
    client.force_login(personas["medway.caseworker"])
    assert client.get(share_url(record)).status_code == 404
    assert client.get(reverse("sharing:share_create", args=["no.such", 1])).status_code == 404


def test_revoking_through_the_page_needs_a_reason_and_the_sharing_agency(client, personas, record, agency, basis):
    made = services.share_record(
        shared_by=personas["kcc.caseworker"], record=record, recipient_agency=agency("health"), level="full",
        purpose="Nurse involved", lawful_basis=basis("gdpr-public-task-safeguarding"),
    )  # fmt: skip
    url = reverse("sharing:share_revoke", args=[made.pk])
    client.force_login(personas["health.practitioner"])
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(personas["kcc.supervisor"])
    assertContains(client.post(url, {"reason": ""}), "Enter why the share is being revoked")
    assert client.post(url, {"reason": "Case closed"}).status_code == 302
    made.refresh_from_db()
    assert made.end_reason == "revoked"


def test_who_can_see_a_record_for_supervisors_of_the_owner_and_the_dpo(client, personas, record):
    url = reverse("sharing:record_audience", args=["isp_testapp.casefile", record.pk])
    client.force_login(personas["kcc.caseworker"])
    assert client.get(url).status_code == 403
    client.force_login(personas["medway.supervisor"])
    assert client.get(url).status_code == 404  # cannot see the record at all
    for username in ("kcc.supervisor", "dpo"):
        client.force_login(personas[username])
        page = client.get(url)
        assert page.status_code == 200, username
    levels = {row.agency.code: (row.level, row.team_level) for row in page.context["audience"]}
    assert levels == {
        "kcc": ("change", "change"),
        "kent-police": (None, "full"),
        "medway": (None, "full"),
        "health": (None, None),
        "early-help": (None, None),
    }


def test_who_viewed_a_record(client, personas, record):
    client.force_login(personas["kcc.caseworker"])
    client.get(reverse("casefile_detail", args=[record.pk]))
    url = reverse("sharing:record_viewers", args=["isp_testapp.casefile", record.pk])
    assert client.get(url).status_code == 403
    client.force_login(personas["kcc.supervisor"])
    page = client.get(url)
    assertContains(page, "Amira Hussain")
    opened = AccessEvent.objects.filter(user=personas["kcc.supervisor"], action="view", record_ids=[str(record.pk)])
    assert [event.details for event in opened] == [{"page": "viewers"}]


def test_list_pages_keep_a_constant_query_count(client, personas, protocol, case_file, django_assert_max_num_queries):
    client.force_login(personas["kcc.caseworker"])
    for index in range(3):
        case_file("kcc", "canterbury", reference=f"FEW-{index}")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("casefile_list"))
    for index in range(30):
        case_file("kcc", "canterbury", reference=f"MANY-{index}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("casefile_list"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/api/case-files/")


def test_protocols_are_signed_and_agreed_from_the_admin_with_clear_refusals(client, personas, protocol):
    from tests.sharing.test_services import draft_protocol

    draft = draft_protocol(protocol)
    client.force_login(personas["admin"])
    url = reverse("admin:sharing_protocol_changelist")
    refused = client.post(url, {"action": "agree", "_selected_action": [draft.pk]}, follow=True)
    assertContains(refused, "Every participating agency must sign before the protocol is agreed")
    draft.refresh_from_db()
    assert draft.status == "draft"
    signed = client.post(url, {"action": "sign_for_my_agency", "_selected_action": [draft.pk]}, follow=True)
    assertContains(signed, f"Version {draft.version}: done")
    assert list(draft.signatories.values_list("agency__code", flat=True)) == ["kent-police"]


def test_the_admin_offers_only_conditions_the_record_kind_has(client, personas):
    from sharing.admin import ScopeRuleForm

    form = ScopeRuleForm(data={"record_kind": "isp_testapp.casefile", "condition": "no_such", "level": "full"})
    assert not form.is_valid()
    assert "condition" in form.errors


def test_list_counts_are_capped(personas, protocol, case_file, monkeypatch):
    from cse_team.pagination import CappedCountPaginator
    from tests.isp_testapp.models import CaseFile

    for index in range(4):
        case_file("kcc", "canterbury", reference=f"CAP-{index}")
    monkeypatch.setattr(CappedCountPaginator, "count_cap", 3)
    paginator = CappedCountPaginator(CaseFile.objects.visible_to(personas["kcc.caseworker"]), 2)
    assert (paginator.count, paginator.count_is_capped) == (3, True)
    assert CappedCountPaginator(CaseFile.objects.filter(reference="CAP-0"), 2).count_is_capped is False


def test_a_record_page_shows_its_history_with_who_changed_what(client, personas, record):
    client.force_login(personas["kcc.caseworker"])
    assert client.post(reverse("casefile_escalate", args=[record.pk])).status_code == 302
    page = client.get(reverse("casefile_detail", args=[record.pk]))
    history = page.context["history"]
    assert [(entry.action, entry.who) for entry in history] == [("Changed", "Amira Hussain"), ("Created", "The system")]
    assert history[0].changes == [("Risk level", "Medium", "High")]
    assertContains(page, 'data-testid="record-history"')
    assertNotContains(page, "Who can see this record")  # a caseworker, not a supervisor


def test_changes_need_change_access(client, personas, record):
    client.force_login(personas["kent-police.caseworker"])  # full, not change
    assert client.post(reverse("casefile_escalate", args=[record.pk])).status_code == 404


def test_supervisors_of_the_owner_get_links_to_who_can_see_and_who_viewed(client, personas, record):
    client.force_login(personas["kcc.supervisor"])
    page = client.get(reverse("casefile_detail", args=[record.pk]))
    assertContains(page, "Who can see this record")
    assertContains(page, "Who viewed this record")


def test_load_demo_protocol_agrees_version_one_once(personas):
    from django.core.management import call_command

    from sharing.models import Protocol

    output = StringIO()
    call_command("load_demo_protocol", stdout=output)
    call_command("load_demo_protocol", stdout=output)
    # Version 1, and one more per protocol change an installed app joins by.
    in_force = Protocol.objects.get(status="agreed")
    assert output.getvalue().splitlines() == [f"Protocol version {in_force.version} is agreed."] * 2
    assert Protocol.objects.count() == in_force.version


def test_the_protocol_page_polls_progress_until_the_change_is_done(client, personas, protocol):
    from sharing.models import ProtocolTransition

    transition = ProtocolTransition.objects.get(protocol=protocol)
    ProtocolTransition.objects.filter(pk=transition.pk).update(finished_at=None, total=3, processed=1, revoked=1)
    client.force_login(personas["health.practitioner"])
    url = reverse("sharing:protocol_progress", args=[protocol.version])
    running = client.get(url, HTTP_HX_REQUEST="true")
    assertContains(running, "Checking active shares: 1 of 3 (33%), 1 ended so far")
    assertContains(running, f'hx-get="{url}"')
    ProtocolTransition.objects.filter(pk=transition.pk).update(finished_at=timezone.now(), processed=3)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assertContains(done, "Checked 3 active shares")
    assertNotContains(done, "hx-get")


@pytest.mark.parametrize(
    ("next_url", "expected"), [("https://attacker.example/", "/"), ("/sharing/protocol/", "/sharing/protocol/")]
)
def test_after_sharing_the_page_returns_only_within_the_service(client, personas, record, next_url, expected):
    client.force_login(personas["kcc.caseworker"])
    form = client.get(share_url(record)).context["form"]
    basis_id = next(value for value, label in form.fields["lawful_basis"].choices if "public task" in str(label))
    response = client.post(
        share_url(record),
        {"recipient_agency": personas["health.practitioner"].agency.pk, "level": "full", "purpose": "Nurse",
         "lawful_basis": basis_id, "next": next_url},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == expected


def test_a_record_page_below_full_gives_its_template_only_the_summary(rf, personas, record, agency, basis):
    """RecordPageMixin at a summary level: the template's record reads as the
    reader sees it, whatever the template writes."""
    from django.views.generic import TemplateView

    from sharing.levels import AccessLevel
    from sharing.record_pages import RecordPageMixin
    from tests.isp_testapp.models import CaseFile

    class SummaryPage(RecordPageMixin, TemplateView):
        record_model = CaseFile
        required_level = AccessLevel.SUMMARY
        template_name = "unused.html"

    services.share_record(
        shared_by=personas["kcc.caseworker"], record=record, recipient_agency=agency("health"), level="summary",
        purpose="Nurse involved", lawful_basis=basis("gdpr-public-task-safeguarding"),
    )  # fmt: skip

    def context_for(user):
        request = rf.get("/")
        request.user = user
        view = SummaryPage()
        view.setup(request, pk=record.pk)
        return view.get_context_data()

    summary = context_for(personas["health.practitioner"])
    assert summary["record_access_level"] == "summary"
    assert summary["casefile"].reference == "KCC-CAN" and summary["casefile"].concern is None
    owner = context_for(personas["kcc.caseworker"])
    assert owner["casefile"].concern.startswith("Seen getting into cars")
