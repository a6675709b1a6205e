"""Property test: for random agencies' users (with casework roles or not),
records, protocol versions, shares (some with an end date, checked after some
time has passed and before beat has run) and revocations, the ids `visible_to`
returns at each level equal the ids the plain-Python reference model gives,
and `with_access_level` gives each record the highest of those levels."""

import datetime
import itertools
from unittest import mock

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import services as accounts_services
from accounts.models import Agency, District, Role
from sharing import services
from sharing.models import LawfulBasis, Protocol, ScopeRule, Share
from sharing.registry import for_model
from tests.isp_testapp.models import CaseFile
from tests.sharing import reference_model as ref

pytestmark = pytest.mark.django_db

AGENCIES = ["kent-police", "kcc", "medway", "health", "early-help"]
DISTRICTS = ["maidstone", "thanet", "medway"]
CONDITIONS = ["all_records", "owned_by_recipient", "cse_team_member", "in_recipient_authority"]
LEVELS = ["summary", "full", "change"]
# A caseworker, roles without case access, and both at once.
ROLE_SETS = [("caseworker",), ("practitioner",), ("dpo",), ("sysadmin",), ("trainer",), ("dpo", "caseworker")]
# Shares end: never, before the check (beat has not run), or after it.
ENDS = [None, 1, 3]  # hours from when they are made; the check is 2 hours on

rules = st.lists(
    st.tuples(st.sampled_from([None, *AGENCIES]), st.sampled_from(CONDITIONS), st.sampled_from(LEVELS)),
    max_size=5,
    unique_by=lambda rule: rule[:2],
)
scenario = st.fixed_dictionaries(
    {
        "users": st.lists(
            st.tuples(st.sampled_from(AGENCIES), st.booleans(), st.booleans(), st.sampled_from(ROLE_SETS)),
            min_size=1,
            max_size=5,
        ),
        "records": st.lists(st.tuples(st.sampled_from(AGENCIES), st.sampled_from(DISTRICTS)), min_size=1, max_size=6),
        "old_rules": rules,
        "rules": rules,
        "superseded": st.booleans(),
        "shares": st.lists(
            st.tuples(
                st.integers(0, 5),
                st.one_of(st.sampled_from(AGENCIES), st.integers(0, 4)),
                st.sampled_from(LEVELS),
                st.sampled_from(ENDS),
            ),
            max_size=6,
        ),
        "revoked": st.sets(st.integers(0, 5), max_size=3),
    }
)


def make_protocol(version, status, rule_tuples, agencies):
    protocol = Protocol.objects.create(version=version, title=f"v{version}", purpose="Test", status=status)
    for recipient, condition, level in rule_tuples:
        ScopeRule.objects.create(
            protocol=protocol,
            record_kind="isp_testapp.casefile",
            recipient=agencies[recipient] if recipient else None,
            condition=condition,
            level=level,
        )
    return protocol


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=scenario)
def test_visible_to_matches_the_reference_model(case, personas):
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    districts = {district.code: district for district in District.objects.all()}
    basis = LawfulBasis.objects.first()
    kind = for_model(CaseFile)
    roles = {role.code: role for role in Role.objects.all()}
    counter = itertools.count()
    made_at = timezone.now()
    with transaction.atomic():
        if case["superseded"]:
            make_protocol(1, Protocol.Status.SUPERSEDED, case["old_rules"], agencies)
        protocol = make_protocol(2, Protocol.Status.AGREED, case["rules"], agencies)
        users = [
            accounts_services.user_create(
                username=f"p{next(counter)}",
                agency=agencies[code],
                is_cse_team_member=cse,
                roles=[roles[code] for code in role_codes],
            )
            for code, cse, _, role_codes in case["users"]
        ]
        for user, (_, _, active, _) in zip(users, case["users"], strict=True):
            user.is_active = active
        records = [
            CaseFile.objects.create(
                reference=f"R{next(counter)}", subject_name="x", district=districts[district],
                owning_agency=agencies[owner], risk_level="low",
            )
            for owner, district in case["records"]
        ]  # fmt: skip
        shares = []
        for index, recipient, level, ends in case["shares"]:
            record = records[index % len(records)]
            to_user = users[recipient % len(users)] if isinstance(recipient, int) else None
            share = Share.objects.create(
                record_kind=kind.kind, record_id=record.pk, protocol=protocol, shared_by=personas["admin"],
                sharing_agency=agencies["kent-police"], recipient_agency=None if to_user else agencies[recipient],
                recipient_user=to_user, level=level, purpose="Test", lawful_basis=basis,
                expires_at=None if ends is None else made_at + datetime.timedelta(hours=ends),
            )  # fmt: skip
            services.sync_grants(
                kind=kind, record_id=record.pk, recipient_agency=share.recipient_agency, recipient_user=to_user
            )
            shares.append(share)
        for index in case["revoked"]:
            if index < len(shares):
                services._end_shares(Share.objects.filter(pk=shares[index].pk), reason=Share.EndReason.REVOKED)

        # Two hours later, with no beat run: shares made to end after one hour
        # have ended; their share and grant rows are still there.
        later = made_at + datetime.timedelta(hours=2)
        clock = mock.patch.object(timezone, "now", return_value=later)
        clock.start()
        reference_rules = [ref.Rule(recipient, condition, level) for recipient, condition, level in case["rules"]]
        grants = [
            ref.Grant(record_id=s.record_id, level=s.level, agency=s.recipient_agency and s.recipient_agency.code,
                      user_id=s.recipient_user_id)
            for s in Share.objects.active(later)
        ]  # fmt: skip
        subjects = [
            ref.Record(record_id=r.pk, owner=r.owning_agency.code, authority=r.district.childrens_services.code)
            for r in records
        ]
        try:
            for user, (*_, role_codes) in zip(users, case["users"], strict=True):
                person = ref.Person(
                    user.pk, user.agency.code, user.is_cse_team_member, user.is_active, ref.reads_casework(role_codes)
                )
                highest = {record.pk: "" for record in records}
                for level in LEVELS:
                    got = set(CaseFile.objects.visible_to(user, level).values_list("pk", flat=True))
                    assert got == ref.visible_ids(person, subjects, reference_rules, grants, level), (user, level)
                    highest.update(dict.fromkeys(got, level))
                # Each record's level in a list is the highest it is visible at.
                listed = CaseFile.objects.filter(pk__in=highest).with_access_level(user)
                assert dict(listed.values_list("pk", "access_level")) == highest, user
        finally:
            clock.stop()
        transaction.set_rollback(True)
