"""MASE's seam (settings.MASE_ASSOCIATIONS_SOURCE): referrals whose child was
newly associated with a person of concern, as the chair sees them."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from intelligence import services
from intelligence.models import Association
from referrals.models import Referral
from sharing.levels import AccessLevel
from tests.intelligence.test_services import make_report, share_with

pytestmark = pytest.mark.django_db


def link(unit, report, child, name):
    person = services.person_link(report=report, linked_by=unit, first_name=name, last_name="Fictional")
    return services.association_create(report=report, created_by=unit, a=("person", person), b=("child", child),
                                       type="older_boyfriend")  # fmt: skip


def test_the_agenda_builder_learns_of_new_associations_the_chair_may_see(unit, personas, child):
    chair = personas["mase.chair"]
    source = import_string(settings.MASE_ASSOCIATIONS_SOURCE)
    seen_child, hidden_child, old_child = child(), child(), child()
    shared = make_report(unit)
    share_with(shared, unit, "kcc")
    link(unit, shared, seen_child, "Daz")
    link(unit, shared, seen_child, "Kieran")
    link(unit, make_report(unit), hidden_child, "Unshared")  # a report KCC was never given
    old = link(unit, shared, old_child, "Earlier")
    since = timezone.now() - datetime.timedelta(days=7)
    Association.objects.filter(pk=old.pk).update(created_at=since - datetime.timedelta(days=1))
    referrals = Referral.objects.visible_to(chair, AccessLevel.FULL)
    assert referrals.filter(child__in=[seen_child, hidden_child, old_child]).count() == 3
    found = source(chair=chair, referrals=referrals, since=since)
    assert [referral.child for referral, _ in found] == [seen_child]
    why = found[0][1]
    assert "2 persons of concern" in why and "Daz Fictional" in why and "Kieran Fictional" in why
    assert "Unshared" not in why
    # The same, from the date of the last meeting rather than a time.
    assert len(source(chair=chair, referrals=referrals, since=since.date())) == 1
    # The unit sees every one of them.
    everything = source(chair=unit, referrals=Referral.objects.visible_to(unit, AccessLevel.FULL), since=since)
    assert {referral.child for referral, _ in everything} == {seen_child, hidden_child}
