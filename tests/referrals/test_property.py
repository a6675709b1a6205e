"""Property test: for random referrals (several about one child), children
who move district after being referred, and shares (some revoked), under the
default protocol, what each persona sees equals the reference model:
- the referrals `visible_to` returns at each level;
- each child's level: the highest of any of their visible referrals."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Agency, District
from referrals.models import Child, Referral
from sharing import services as sharing_services
from sharing.levels import RANK
from sharing.models import LawfulBasis
from tests.referrals.factories import ChildFactory, ReferralFactory
from tests.sharing import reference_model as ref
from tests.sharing.harness import reference_grants, reference_rules

pytestmark = pytest.mark.django_db

RECORDERS = ["kent-police.caseworker", "kcc.caseworker", "medway.caseworker", "health.practitioner"]
DISTRICTS = ["maidstone", "thanet", "medway"]
LEVELS = ["summary", "full", "change"]
SHARERS = {"kent-police": "kent-police.caseworker", "kcc": "kcc.caseworker", "medway": "medway.caseworker",
           "health": "health.practitioner"}  # fmt: skip

scenario = st.fixed_dictionaries(
    {
        "children": st.lists(st.tuples(st.sampled_from(DISTRICTS), st.sampled_from(DISTRICTS)), min_size=1, max_size=4),
        "referrals": st.lists(st.tuples(st.integers(0, 3), st.sampled_from(RECORDERS)), min_size=1, max_size=6),
        "shares": st.lists(
            st.tuples(
                st.integers(0, 5),
                st.sampled_from(["health", "early-help", "medway", "kcc"]),
                st.sampled_from(["summary", "full"]),
                st.booleans(),
            ),
            max_size=4,
        ),
    }
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=scenario)
def test_referral_and_child_visibility_match_the_reference_model(case, personas, protocol):
    districts = {district.code: district for district in District.objects.all()}
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    # A lawful basis valid for the sharer's regime.
    bases = {
        "law_enforcement": LawfulBasis.objects.get(code="dpa3-sch8-para4"),
        "uk_gdpr": LawfulBasis.objects.get(code="gdpr-public-task-safeguarding"),
    }
    with transaction.atomic():
        children = [ChildFactory(district=districts[first]) for first, _ in case["children"]]
        referrals = [
            ReferralFactory(child=children[index % len(children)], created_by=personas[recorder])
            for index, recorder in case["referrals"]
        ]
        for index, recipient, level, revoke in case["shares"]:
            record = referrals[index % len(referrals)]
            sharer = personas[SHARERS[record.owning_agency.code]]
            if record.owning_agency.code == recipient:
                continue
            share = sharing_services.share_record(
                shared_by=sharer, record=record, recipient_agency=agencies[recipient], level=level,
                purpose="Property test", lawful_basis=bases[sharer.agency.regime],
            )  # fmt: skip
            if revoke:
                sharing_services.revoke_share(share=share, revoked_by=sharer, reason="Property test")
        # Children move after they were referred: visibility follows where they live now.
        for child, (_, now) in zip(children, case["children"], strict=True):
            Child.objects.filter(pk=child.pk).update(district=districts[now])

        rules, grants = reference_rules("referrals.referral"), reference_grants("referrals.referral")
        subjects = {
            referral.pk: ref.Record(
                record_id=referral.pk,
                owner=referral.owning_agency.code,
                authority=districts[case["children"][children.index(referral.child)][1]].childrens_services.code,
            )
            for referral in referrals
        }
        for username, user in personas.items():
            for cached in ("_sharing_scope_rules", "_sharing_grant_profile"):
                user.__dict__.pop(cached, None)
            person = ref.Person(
                user.pk, user.agency.code, user.is_cse_team_member, user.is_active, ref.reads_casework(user.role_codes)
            )
            for level in LEVELS:
                got = set(Referral.objects.visible_to(user, level).values_list("pk", flat=True))
                assert got == ref.visible_ids(person, subjects.values(), rules, grants, level), (username, level)
            child_levels = dict(Child.objects.with_access_level(user).values_list("pk", "access_level"))
            for child in children:
                expected = [
                    ref.expected_level(person, subjects[referral.pk], rules, grants)
                    for referral in referrals
                    if referral.child_id == child.pk
                ]
                expected = [level for level in expected if level]
                best = max(expected, key=RANK.__getitem__) if expected else ""
                assert child_levels[child.pk] == best, (username, child)
        transaction.set_rollback(True)
