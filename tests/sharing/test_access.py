"""visible_to, access_level and explain under the default protocol."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.reference import ROLES
from sharing import access, services
from tests.isp_testapp.models import CaseFile, CaseNote

pytestmark = pytest.mark.django_db


def visible(user, level="summary"):
    return set(CaseFile.objects.visible_to(user, level).values_list("reference", flat=True))


@pytest.fixture
def files(protocol, case_file):
    return {
        "police-maidstone": case_file("kent-police", "maidstone", reference="POL-MAI"),
        "kcc-canterbury": case_file("kcc", "canterbury", reference="KCC-CAN"),
        "kcc-medway": case_file("kcc", "medway", reference="KCC-MED"),
        "medway-medway": case_file("medway", "medway", reference="MED-MED"),
        "health-thanet": case_file("health", "thanet", reference="HEA-THA"),
    }


def test_each_agency_sees_what_the_default_protocol_gives_it(personas, files):
    assert visible(personas["kent-police.caseworker"]) == {"POL-MAI", "KCC-CAN", "KCC-MED", "MED-MED", "HEA-THA"}
    assert visible(personas["kcc.caseworker"]) == {"KCC-CAN", "KCC-MED", "POL-MAI", "HEA-THA"}
    assert visible(personas["medway.caseworker"]) == {"KCC-MED", "MED-MED"}
    assert visible(personas["health.practitioner"]) == {"HEA-THA"}
    assert visible(personas["early-help.practitioner"]) == set()


def test_levels_owner_changes_cse_team_reads_in_full(personas, files):
    police, kcc = personas["kent-police.caseworker"], personas["kcc.caseworker"]
    assert access.access_level(police, files["police-maidstone"]) == "change"
    assert access.access_level(police, files["kcc-canterbury"]) == "full"
    assert access.access_level(kcc, files["kcc-medway"]) == "change"
    assert access.access_level(kcc, files["police-maidstone"]) == "full"
    assert access.access_level(personas["medway.caseworker"], files["police-maidstone"]) is None


def test_police_staff_outside_the_cse_team_see_only_their_own_records(make_persona, files):
    investigator = make_persona("kent-police", "investigator", username="kent-police.outside-team")
    assert visible(investigator) == {"POL-MAI"}


@pytest.mark.parametrize("username", ["dpo", "admin", "kent-police.trainer"])
def test_roles_without_case_access_see_no_casework_of_their_agency(personas, files, username, agency, basis):
    """Finding 7: the DPO, the administrator and the trainer are Kent Police
    staff outside the CSE team; the owning-agency rule must not reach them."""
    user = personas[username]
    CaseNote.objects.create(case_file=files["police-maidstone"], text="Seen at school")
    services.share_record(
        shared_by=personas["kcc.caseworker"],
        record=files["kcc-canterbury"],
        recipient_agency=agency("kent-police"),
        level="full",
        purpose="Police investigation",
        lawful_basis=basis("gdpr-public-task-safeguarding"),
    )
    for level in ("summary", "full", "change"):
        assert visible(user, level) == set()
    assert access.access_level(user, files["police-maidstone"]) is None
    assert access.access_level(user, files["kcc-canterbury"]) is None
    assert not CaseNote.objects.visible_to(user).exists()
    assert access.explain(user, files["kcc-canterbury"]).shares == []


def test_a_casework_role_alongside_oversight_still_reads_casework(make_persona, files):
    dpo_and_caseworker = make_persona("kent-police", "dpo", "caseworker", username="kent-police.dpo-caseworker")
    assert visible(dpo_and_caseworker) == {"POL-MAI"}
    assert access.access_level(dpo_and_caseworker, files["police-maidstone"]) == "change"


def test_a_share_naming_an_oversight_user_reaches_them(personas, files, basis):
    """A share to a named person is an explicit, recorded decision about that
    person: it reaches them whatever their role (agency shares do not)."""
    record = files["kcc-canterbury"]
    services.share_record(
        shared_by=personas["kcc.caseworker"],
        record=record,
        recipient_user=personas["dpo"],
        level="summary",
        purpose="Subject access request",
        lawful_basis=basis("gdpr-public-task-safeguarding"),
    )
    assert visible(personas["dpo"]) == {"KCC-CAN"}
    assert access.access_level(personas["dpo"], record) == "summary"
    assert [share.purpose for share in access.explain(personas["dpo"], record).shares] == ["Subject access request"]


def test_every_role_is_either_casework_or_not():
    codes = {role.code for role in ROLES}
    assert codes == access.CASEWORK_ROLES | access.NON_CASEWORK_ROLES
    assert not access.CASEWORK_ROLES & access.NON_CASEWORK_ROLES


def test_nobody_sees_anything_without_a_protocol_in_force_except_their_own(personas, case_file, db):
    case_file("kcc", "canterbury", reference="KCC-ONLY")
    assert visible(personas["kcc.caseworker"]) == set()


def test_inactive_users_see_nothing(personas, files):
    user = personas["kent-police.caseworker"]
    user.is_active = False
    assert visible(user) == set()
    assert access.access_level(user, files["police-maidstone"]) is None


def test_a_share_gives_the_recipient_agency_exactly_the_shared_level(personas, files, agency, basis):
    health = personas["health.practitioner"]
    record = files["kcc-canterbury"]
    share = services.share_record(
        shared_by=personas["kcc.caseworker"],
        record=record,
        recipient_agency=agency("health"),
        level="summary",
        purpose="Sexual health nurse is seeing the child",
        lawful_basis=basis("gdpr-public-task-safeguarding"),
    )
    assert visible(health) == {"HEA-THA", "KCC-CAN"}
    assert visible(health, "full") == {"HEA-THA"}
    assert access.access_level(health, record) == "summary"
    assert access.access_level(personas["early-help.practitioner"], record) is None

    services.revoke_share(share=share, revoked_by=personas["kcc.caseworker"], reason="Nurse no longer involved")
    assert visible(health) == {"HEA-THA"}


def test_a_share_with_a_named_person_reaches_only_that_person(personas, files, basis, make_persona):
    colleague = make_persona("health", "practitioner", username="health.other")
    record = files["medway-medway"]
    services.share_record(
        shared_by=personas["medway.caseworker"],
        record=record,
        recipient_user=personas["health.practitioner"],
        level="full",
        purpose="Named nurse for the child",
        lawful_basis=basis("gdpr-public-task-safeguarding"),
    )
    assert access.access_level(personas["health.practitioner"], record) == "full"
    assert access.access_level(colleague, record) is None


def test_explain_names_the_rules_and_the_shares(personas, files, agency, basis):
    kcc = personas["kcc.caseworker"]
    explanation = access.explain(kcc, files["kcc-medway"])
    assert explanation.level == "change"
    assert [(rule.recipient_id, rule.condition) for rule in explanation.scope_rules] == [(None, "owned_by_recipient")]

    services.share_record(
        shared_by=personas["kent-police.caseworker"],
        record=files["police-maidstone"],
        recipient_agency=agency("early-help"),
        level="full",
        purpose="Early Help worker supports the family",
        lawful_basis=basis("dpa3-sch8-para4"),
    )
    explanation = access.explain(personas["early-help.practitioner"], files["police-maidstone"])
    assert explanation.scope_rules == []
    assert [(s.purpose, s.shared_by.username) for s in explanation.shares] == [
        ("Early Help worker supports the family", "kent-police.caseworker")
    ]
    assert explanation.shares[0].protocol.status == "agreed"


def test_kcc_reason_for_a_police_record_is_the_authority_rule(personas, files):
    explanation = access.explain(personas["kcc.caseworker"], files["police-maidstone"])
    assert [rule.condition for rule in explanation.scope_rules] == ["in_recipient_authority"]
    assert explanation.scope_rules[0].protocol.status == "agreed"


def test_visible_to_is_one_query_and_uses_constants_not_joins(personas, files):
    user = personas["kcc.caseworker"]
    CaseFile.objects.visible_to(user).exists()  # rules and grant check cached on the user for the request
    with CaptureQueriesContext(connection) as queries:
        list(CaseFile.objects.visible_to(user)[:25])
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "EXISTS" in sql
    assert "auth_permission" not in sql and "django_content_type" not in sql and "auth_group" not in sql


def test_access_level_is_one_query(personas, files):
    user = personas["medway.caseworker"]
    access.access_level(user, files["kcc-medway"])
    with CaptureQueriesContext(connection) as queries:
        assert access.access_level(user, files["kcc-medway"]) == "full"
    assert len(queries) == 1


def test_dependent_records_follow_their_parent(personas, files):
    CaseNote.objects.create(case_file=files["medway-medway"], text="Seen at school")
    CaseNote.objects.create(case_file=files["kcc-canterbury"], text="Missing overnight")
    notes = set(CaseNote.objects.visible_to(personas["medway.caseworker"]).values_list("text", flat=True))
    assert notes == {"Seen at school"}


def test_change_history_is_kept_by_triggers(personas, files):
    record = files["kcc-canterbury"]
    CaseFile.objects.filter(pk=record.pk).update(risk_level="high")  # a bulk update, no save()
    events = record.events.order_by("pgh_id")
    assert [event.risk_level for event in events] == ["medium", "high"]
