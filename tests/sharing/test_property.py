"""Property test: for random agencies' users, records, protocol versions,
shares and revocations, the ids `visible_to` returns at each level equal the
ids the plain-Python reference model gives."""

import itertools

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import services as accounts_services
from accounts.models import Agency, District
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

rules = st.lists(
    st.tuples(st.sampled_from([None, *AGENCIES]), st.sampled_from(CONDITIONS), st.sampled_from(LEVELS)),
    max_size=5,
    unique_by=lambda rule: rule[:2],
)
scenario = st.fixed_dictionaries(
    {
        "users": st.lists(st.tuples(st.sampled_from(AGENCIES), st.booleans(), st.booleans()), min_size=1, max_size=5),
        "records": st.lists(st.tuples(st.sampled_from(AGENCIES), st.sampled_from(DISTRICTS)), min_size=1, max_size=6),
        "old_rules": rules,
        "rules": rules,
        "superseded": st.booleans(),
        "shares": st.lists(
            st.tuples(
                st.integers(0, 5), st.one_of(st.sampled_from(AGENCIES), st.integers(0, 4)), st.sampled_from(LEVELS)
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
    counter = itertools.count()
    with transaction.atomic():
        if case["superseded"]:
            make_protocol(1, Protocol.Status.SUPERSEDED, case["old_rules"], agencies)
        protocol = make_protocol(2, Protocol.Status.AGREED, case["rules"], agencies)
        users = [
            accounts_services.user_create(username=f"p{next(counter)}", agency=agencies[code], is_cse_team_member=cse)
            for code, cse, _ in case["users"]
        ]
        for user, (_, _, active) in zip(users, case["users"], strict=True):
            user.is_active = active
        records = [
            CaseFile.objects.create(
                reference=f"R{next(counter)}", subject_name="x", district=districts[district],
                owning_agency=agencies[owner], risk_level="low",
            )
            for owner, district in case["records"]
        ]  # fmt: skip
        shares = []
        for index, recipient, level in case["shares"]:
            record = records[index % len(records)]
            to_user = users[recipient % len(users)] if isinstance(recipient, int) else None
            share = Share.objects.create(
                record_kind=kind.kind, record_id=record.pk, protocol=protocol, shared_by=personas["admin"],
                sharing_agency=agencies["kent-police"], recipient_agency=None if to_user else agencies[recipient],
                recipient_user=to_user, level=level, purpose="Test", lawful_basis=basis,
            )  # fmt: skip
            services.sync_grants(
                kind=kind, record_id=record.pk, recipient_agency=share.recipient_agency, recipient_user=to_user
            )
            shares.append(share)
        for index in case["revoked"]:
            if index < len(shares):
                services._end_shares(Share.objects.filter(pk=shares[index].pk), reason=Share.EndReason.REVOKED)

        reference_rules = [ref.Rule(recipient, condition, level) for recipient, condition, level in case["rules"]]
        grants = [
            ref.Grant(record_id=s.record_id, level=s.level, agency=s.recipient_agency and s.recipient_agency.code,
                      user_id=s.recipient_user_id)
            for s in Share.objects.active()
        ]  # fmt: skip
        subjects = [
            ref.Record(record_id=r.pk, owner=r.owning_agency.code, authority=r.district.childrens_services.code)
            for r in records
        ]
        for user in users:
            person = ref.Person(user.pk, user.agency.code, user.is_cse_team_member, user.is_active)
            for level in LEVELS:
                got = set(CaseFile.objects.visible_to(user, level).values_list("pk", flat=True))
                assert got == ref.visible_ids(person, subjects, reference_rules, grants, level), (user, level)
        transaction.set_rollback(True)
