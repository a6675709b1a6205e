"""Chronology, action and missing episode pages: each with an allowed and a
denied persona; bad dates and times are errors next to their fields, never
a 500, and nothing is saved when anything is refused."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from referrals import services
from referrals.forms.case_records import parse_time
from referrals.models import Action, ChronologyEntry, MissingEpisode, Status

pytestmark = pytest.mark.django_db


def date_time_post(name: str, moment: datetime.datetime | datetime.date | None, *, with_time=True) -> dict:
    """A GOV.UK date input as the browser posts it (local time)."""
    if moment is None:
        parts = {"day": "", "month": "", "year": ""} | ({"time": ""} if with_time else {})
    else:
        local = timezone.localtime(moment) if isinstance(moment, datetime.datetime) else moment
        parts = {"day": str(local.day), "month": str(local.month), "year": str(local.year)}
        if with_time:
            parts["time"] = local.strftime("%H:%M")
    return {f"{name}_{part}": value for part, value in parts.items()}


def hours_ago(hours: float) -> datetime.datetime:
    return (timezone.now() - datetime.timedelta(hours=hours)).replace(second=0, microsecond=0)


@pytest.fixture
def accepted(referral_at):
    return referral_at(Status.ACCEPTED)


def referral_url(referral):
    return reverse("referrals:referral_detail", args=[referral.pk])


# --- times typed into boxes -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("14:30", (14, 30)), ("14.30", (14, 30)), ("1430", (14, 30)), ("9", (9, 0)), ("2:30pm", (14, 30)),
     ("2pm", (14, 0)), ("12am", (0, 0)), ("12 pm", (12, 0)), ("24:00", None), ("13pm", None), ("noon", None),
     ("9:60", None), ("", None)],
)  # fmt: skip
def test_times_are_read_as_people_type_them(text, expected):
    result = parse_time(text)
    assert (result.hour, result.minute) == expected if expected else result is None


# --- chronology -----------------------------------------------------------------------


def chronology_post(moment, **overrides):
    return date_time_post("occurred_at", moment) | {"kind": "contact", "summary": "Spoke to mum"} | overrides


def test_a_caseworker_adds_a_chronology_entry(client, personas, accepted):
    client.force_login(personas["kcc.caseworker"])
    url = reverse("referrals:chronology_new", args=[accepted.pk])
    assertContains(client.get(url), "Add to the chronology")
    moment = hours_ago(3)
    response = client.post(url, chronology_post(moment, summary="Mum says <b>Dan</b> collects her"))
    assert response.status_code == 302 and response.url == referral_url(accepted)
    entry = ChronologyEntry.objects.get()
    assert (entry.occurred_at, entry.kind, entry.summary) == (moment, "contact", "Mum says <b>Dan</b> collects her")
    assert (entry.recorded_by, entry.agency.code) == (personas["kcc.caseworker"], "kcc")


def test_a_chronology_entry_can_be_added_by_a_full_reader(client, personas, referral_at):
    record = referral_at(Status.ACCEPTED, district="medway")  # Medway sees a Medway child in full
    client.force_login(personas["medway.caseworker"])
    response = client.post(reverse("referrals:chronology_new", args=[record.pk]), chronology_post(hours_ago(1)))
    assert response.status_code == 302
    assert ChronologyEntry.objects.get().agency.code == "medway"


def test_signing_in_comes_first(client, accepted):
    url = reverse("referrals:chronology_new", args=[accepted.pk])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url


@pytest.mark.parametrize("username", ["medway.caseworker", "health.practitioner"])
def test_the_chronology_page_is_404_for_those_who_cannot_see_the_referral(client, personas, accepted, username):
    client.force_login(personas[username])
    url = reverse("referrals:chronology_new", args=[accepted.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, chronology_post(hours_ago(1))).status_code == 404
    assert not ChronologyEntry.objects.exists()


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"day": "31", "month": "2", "year": "2025", "time": "10:00"}, "must be a real date"),
        ({"day": "3", "month": "", "year": "2025", "time": "10:00"}, "must include a month"),
        ({"day": "", "month": "", "year": "2025", "time": "10:00"}, "must include a day and a month"),
        ({"day": "x", "month": "3", "year": "2025", "time": "10:00"}, "must be a real date"),
        ({"day": "3", "month": "3", "year": "25", "time": "10:00"}, "must be a real date"),
        ({"day": "3", "month": "3", "year": "99999999999999999999", "time": "10:00"}, "must be a real date"),
        ({"day": "99999999999999999999", "month": "3", "year": "2025", "time": "1"}, "must be a real date"),
        ({"day": "3", "month": "3", "year": "1066", "time": "10:00"}, "must be after 1900"),
        ({"day": "3", "month": "3", "year": "2025", "time": ""}, "must include a time"),
        ({"day": "3", "month": "3", "year": "2025", "time": "25:00"}, "for example 14:30"),
        ({"day": "", "month": "", "year": "", "time": ""}, "Enter the date and time it happened"),
        ({"day": "1", "month": "1", "year": "9999", "time": "10:00"}, "must not be in the future"),
    ],
)
def test_a_bad_date_is_an_error_next_to_the_field_not_a_500(client, personas, accepted, parts, message):
    client.force_login(personas["kcc.caseworker"])
    data = {f"occurred_at_{name}": value for name, value in parts.items()} | {"kind": "note", "summary": "Note"}
    page = client.post(reverse("referrals:chronology_new", args=[accepted.pk]), data)
    assert page.status_code == 200
    assert message in page.context["form"].errors["occurred_at"][0]
    assertContains(page, 'id="id_occurred_at-error"')
    assertContains(page, 'href="#id_occurred_at"')  # the summary links to the day box
    assertContains(page, 'id="id_occurred_at"')
    assertContains(page, f'value="{parts["day"]}"')  # what was typed is kept
    assert not ChronologyEntry.objects.exists()


def test_an_empty_summary_is_an_error(client, personas, accepted):
    client.force_login(personas["kcc.caseworker"])
    page = client.post(
        reverse("referrals:chronology_new", args=[accepted.pk]), chronology_post(hours_ago(1), summary="")
    )
    assert page.context["form"].errors["summary"] == ["Describe what happened"]
    assert not ChronologyEntry.objects.exists()


# --- actions ---------------------------------------------------------------------------


def action_post(owner, due, **overrides):
    return (
        {"description": "Visit the school", "owner": owner.pk}
        | date_time_post("due_date", due, with_time=False)
        | overrides
    )


def test_the_owner_choices_are_people_who_can_see_the_referral_in_full(client, personas, accepted):
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:action_new", args=[accepted.pk]))
    owners = set(page.context["form"].fields["owner"].queryset.values_list("username", flat=True))
    assert {"kcc.caseworker", "kcc.supervisor", "kent-police.caseworker", "kent-police.supervisor"} <= owners
    assert not owners & {"medway.caseworker", "health.practitioner", "kent-police.trainer"}
    assertContains(page, "Amira Hussain (Kent County Council Children&#x27;s Services)")


def test_a_person_given_a_share_can_own_an_action(client, personas, accepted):
    from sharing import services as sharing_services
    from sharing.models import LawfulBasis

    nurse = personas["health.practitioner"]
    sharing_services.share_record(
        shared_by=personas["kcc.caseworker"],
        record=accepted,
        level="full",
        purpose="Sexual health follow-up",
        lawful_basis=LawfulBasis.objects.filter(active=True, regime=personas["kcc.caseworker"].agency.regime).first(),
        recipient_agency=None,
        recipient_user=nurse,
    )
    client.force_login(personas["kcc.caseworker"])
    page = client.get(reverse("referrals:action_new", args=[accepted.pk]))
    owners = set(page.context["form"].fields["owner"].queryset.values_list("username", flat=True))
    assert "health.practitioner" in owners and "early-help.practitioner" not in owners


def test_a_caseworker_adds_an_action(client, personas, accepted):
    client.force_login(personas["kcc.caseworker"])
    due = timezone.localdate() + datetime.timedelta(days=7)
    owner = personas["kent-police.caseworker"]
    response = client.post(reverse("referrals:action_new", args=[accepted.pk]), action_post(owner, due))
    assert response.status_code == 302 and response.url == referral_url(accepted)
    action = Action.objects.get()
    assert (action.owner, action.owner_agency.code, action.due_date, action.agency.code) == (
        owner, "kent-police", due, "kcc"
    )  # fmt: skip


def test_an_owner_who_cannot_see_the_referral_is_refused(client, personas, accepted):
    client.force_login(personas["kcc.caseworker"])
    due = timezone.localdate() + datetime.timedelta(days=7)
    page = client.post(
        reverse("referrals:action_new", args=[accepted.pk]), action_post(personas["health.practitioner"], due)
    )
    assert page.context["form"].errors["owner"] == ["Choose someone from the list"]
    assert not Action.objects.exists()


def test_a_past_or_unreadable_due_date_is_an_error_next_to_it(client, personas, accepted):
    client.force_login(personas["kcc.caseworker"])
    url = reverse("referrals:action_new", args=[accepted.pk])
    owner = personas["kcc.caseworker"]
    page = client.post(url, action_post(owner, timezone.localdate() - datetime.timedelta(days=1)))
    assert page.context["form"].errors["due_date"] == ["The due date must be today or later"]
    page = client.post(
        url, action_post(owner, None) | {"due_date_day": "30", "due_date_month": "2", "due_date_year": "2030"}
    )
    assert "must be a real date" in page.context["form"].errors["due_date"][0]
    page = client.post(url, action_post(owner, None, description=" "))
    assert set(page.context["form"].errors) == {"description", "due_date"}
    assert not Action.objects.exists()


@pytest.mark.parametrize("username", ["medway.caseworker", "health.practitioner"])
def test_the_action_pages_are_404_for_those_who_cannot_see_the_referral(client, personas, accepted, username):
    action = services.action_create(
        referral=accepted, created_by=personas["kcc.caseworker"], description="Visit",
        owner=personas["kcc.caseworker"], due_date=timezone.localdate(),
    )  # fmt: skip
    client.force_login(personas[username])
    assert client.get(reverse("referrals:action_new", args=[accepted.pk])).status_code == 404
    assert client.get(reverse("referrals:action_complete", args=[accepted.pk, action.pk])).status_code == 404
    assert client.post(reverse("referrals:action_complete", args=[accepted.pk, action.pk])).status_code == 404
    action.refresh_from_db()
    assert action.status == "open"


def test_the_owner_marks_their_action_done(client, personas, referral_at):
    record = referral_at(Status.ACCEPTED, district="medway")
    action = services.action_create(
        referral=record, created_by=personas["kcc.caseworker"], description="Call <i>the</i> school",
        owner=personas["medway.caseworker"], due_date=timezone.localdate(),
    )  # fmt: skip
    client.force_login(personas["medway.caseworker"])
    url = reverse("referrals:action_complete", args=[record.pk, action.pk])
    assertContains(client.get(url), "Call &lt;i&gt;the&lt;/i&gt; school")
    response = client.post(url, {"outcome": "The school will watch for cars at home time"})
    assert response.status_code == 302 and response.url == referral_url(record)
    action.refresh_from_db()
    assert (action.status, action.completed_by) == ("done", personas["medway.caseworker"])
    assertContains(client.post(url, {"outcome": "Again"}), "This action is already done", status_code=409)


def test_someone_else_with_full_access_only_cannot_mark_it_done(client, personas, referral_at):
    record = referral_at(Status.ACCEPTED, district="medway")
    action = services.action_create(
        referral=record, created_by=personas["kcc.caseworker"], description="Call the school",
        owner=personas["kcc.caseworker"], due_date=timezone.localdate(),
    )  # fmt: skip
    client.force_login(personas["medway.supervisor"])
    url = reverse("referrals:action_complete", args=[record.pk, action.pk])
    outcome = {"outcome": "Spoke to the head of year"}
    assertContains(
        client.post(url, outcome), "Only the action&#x27;s owner or the case team can mark it done", status_code=403
    )
    action.refresh_from_db()
    assert action.status == "open"
    client.force_login(personas["kent-police.caseworker"])  # the CSE team: change access
    assert client.post(url, outcome).status_code == 302


def test_an_action_of_another_referral_is_404(client, personas, accepted, referral_at):
    other = referral_at(Status.ACCEPTED)
    action = services.action_create(
        referral=other, created_by=personas["kcc.caseworker"], description="Visit",
        owner=personas["kcc.caseworker"], due_date=timezone.localdate(),
    )  # fmt: skip
    client.force_login(personas["kcc.caseworker"])
    assert client.post(reverse("referrals:action_complete", args=[accepted.pk, action.pk])).status_code == 404


# --- missing episodes ------------------------------------------------------------------------


def episode_post(reported, found=None, **overrides):
    return (
        date_time_post("reported_missing_at", reported)
        | date_time_post("found_at", found)
        | date_time_post("return_interview_offered_at", None)
        | date_time_post("return_interview_done_at", None)
        | {"missing_from": "care_placement", "found_location": "", "cse_linked": "no", "interview_findings": ""}
        | overrides
    )


def test_a_caseworker_records_a_missing_episode(client, personas, accepted):
    client.force_login(personas["kcc.caseworker"])
    url = reverse("referrals:missing_episode_new", args=[accepted.pk])
    page = client.get(url)
    assertContains(page, "A return interview is due within 72 hours of the child being found")
    reported, found = hours_ago(30), hours_ago(6)
    data = episode_post(reported, found, found_location="Hotel <b>car park</b>", cse_linked="yes")
    response = client.post(url, data)
    assert response.status_code == 302 and response.url == referral_url(accepted)
    episode = MissingEpisode.objects.get()
    assert (episode.reported_missing_at, episode.found_at, episode.missing_from) == (reported, found, "care_placement")
    assert (episode.found_location, episode.cse_linked, episode.agency.code) == ("Hotel <b>car park</b>", True, "kcc")


def test_found_before_reported_missing_is_an_error_next_to_found(client, personas, accepted):
    client.force_login(personas["kcc.caseworker"])
    page = client.post(
        reverse("referrals:missing_episode_new", args=[accepted.pk]), episode_post(hours_ago(5), hours_ago(8))
    )
    assert page.status_code == 200
    assert page.context["form"].errors["found_at"] == ["The time found must be after the time reported missing"]
    assertContains(page, 'id="id_found_at-error"')
    assert not MissingEpisode.objects.exists()


def test_a_malformed_date_or_missing_answers_are_errors_not_500s(client, personas, accepted):
    client.force_login(personas["kcc.caseworker"])
    bad = {"found_at_day": "45", "found_at_month": "13", "found_at_year": "2025", "found_at_time": "10:00"}
    data = episode_post(hours_ago(5)) | bad | {"missing_from": "space", "cse_linked": ""}
    page = client.post(reverse("referrals:missing_episode_new", args=[accepted.pk]), data)
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert "must be a real date" in errors["found_at"][0]
    assert set(errors) == {"found_at", "missing_from", "cse_linked"}
    assertContains(page, 'href="#id_missing_from"')
    assertContains(page, 'id="id_missing_from"')
    assert not MissingEpisode.objects.exists()


def test_a_return_interview_before_the_child_was_found_is_an_error(client, personas, accepted):
    client.force_login(personas["kcc.caseworker"])
    data = episode_post(hours_ago(30), hours_ago(6)) | date_time_post("return_interview_done_at", hours_ago(10))
    page = client.post(reverse("referrals:missing_episode_new", args=[accepted.pk]), data)
    assert page.context["form"].errors["return_interview_done_at"] == [
        "The return interview must be after the child was found"
    ]
    assert not MissingEpisode.objects.exists()


def test_a_missing_episode_is_updated_and_shows_when_the_interview_is_due(client, personas, accepted):
    reported, found = hours_ago(100), hours_ago(80)
    episode = services.missing_episode_record(
        referral=accepted, recorded_by=personas["kcc.caseworker"], reported_missing_at=reported,
        missing_from="home", found_at=found, interview_findings="Went to <script>x</script> flat",
    )  # fmt: skip
    client.force_login(personas["kent-police.caseworker"])
    url = reverse("referrals:missing_episode_edit", args=[accepted.pk, episode.pk])
    page = client.get(url)
    assertContains(page, 'data-testid="return-interview-overdue"')
    local_found = timezone.localtime(found)
    assertContains(page, f'name="found_at_time" type="text" inputmode="text" value="{local_found:%H:%M}"')
    assertContains(page, "Went to &lt;script&gt;x&lt;/script&gt; flat")
    assertNotContains(page, "<script>x</script>")
    from audit.models import AccessEvent

    viewed = AccessEvent.objects.filter(action="view", record_kind="referrals.missingepisode")
    assert list(viewed.values_list("username", "record_ids")) == [("kent-police.caseworker", [str(episode.pk)])]
    done = hours_ago(2)
    data = episode_post(reported, found, missing_from="home", interview_findings="Met older men at the station")
    response = client.post(url, data | date_time_post("return_interview_done_at", done))
    assert response.status_code == 302 and response.url == referral_url(accepted)
    episode.refresh_from_db()
    assert (episode.return_interview_done_at, episode.interview_findings) == (done, "Met older men at the station")
    assert episode.return_interview_in_time is False


@pytest.mark.parametrize("username", ["medway.caseworker", "health.practitioner"])
def test_the_missing_episode_pages_are_404_for_those_who_cannot_see_the_referral(client, personas, accepted,
                                                                                 username):  # fmt: skip
    episode = services.missing_episode_record(
        referral=accepted, recorded_by=personas["kcc.caseworker"], reported_missing_at=hours_ago(5), missing_from="home"
    )
    client.force_login(personas[username])
    assert client.get(reverse("referrals:missing_episode_new", args=[accepted.pk])).status_code == 404
    edit = reverse("referrals:missing_episode_edit", args=[accepted.pk, episode.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, episode_post(hours_ago(5), hours_ago(1))).status_code == 404
    episode.refresh_from_db()
    assert episode.found_at is None


def test_marking_an_action_done_asks_for_its_outcome_and_puts_it_on_the_chronology(client, personas, referral_at):
    record = referral_at(Status.ACCEPTED)
    action = services.action_create(
        referral=record, created_by=personas["kcc.caseworker"], description="Visit the school",
        owner=personas["kcc.caseworker"], due_date=timezone.localdate(),
    )  # fmt: skip
    client.force_login(personas["kcc.caseworker"])
    page = client.get(referral_url(record)).content.decode()
    url = reverse("referrals:action_complete", args=[record.pk, action.pk])
    assert f'href="{url}" data-testid="mark-done"' in page  # a link to the outcome, not a one-click button
    refused = client.post(url, {"outcome": "  "})
    assert refused.status_code == 200
    assertContains(refused, "Say what the outcome of the action was")
    action.refresh_from_db()
    assert action.status == "open"
    assert client.post(url, {"outcome": "Head of year will report cars"}).status_code == 302
    entry = record.chronology.get()
    assert entry.summary == "Action done: Visit the school\nOutcome: Head of year will report cars"
    assert entry.recorded_by == personas["kcc.caseworker"]
