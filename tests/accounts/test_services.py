import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts import services
from accounts.models import Agency, Role, User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def agency(code):
    return Agency.objects.get(code=code)


def test_a_new_user_is_in_their_agency_group_and_role_groups():
    user = UserFactory(agency=agency("kcc"), roles=["caseworker", "mase-chair"])
    assert set(user.groups.values_list("name", flat=True)) == {"agency:kcc", "role:caseworker", "role:mase-chair"}
    assert user.role_codes == {"caseworker", "mase-chair"}
    assert user.has_role("caseworker") and not user.has_role("supervisor")


def test_changing_agency_moves_the_user_to_the_new_agency_group_only():
    user = UserFactory(agency=agency("kcc"), roles=["caseworker"])
    services.user_change_agency(user=user, agency=agency("medway"))
    assert set(user.groups.values_list("name", flat=True)) == {"agency:medway", "role:caseworker"}


def test_setting_roles_replaces_roles_and_keeps_the_agency_group():
    user = UserFactory(agency=agency("kent-police"), roles=["caseworker"])
    services.user_set_roles(user=user, roles=[Role.objects.get(code="supervisor")])
    assert set(user.groups.values_list("name", flat=True)) == {"agency:kent-police", "role:supervisor"}
    assert user.role_codes == {"supervisor"}


def test_createsuperuser_path_joins_the_agency_group():
    user = User.objects.create_superuser("root", "root@example.invalid", "a-long-password-1", agency=agency("kcc").pk)
    assert list(user.groups.values_list("name", flat=True)) == ["agency:kcc"]


def test_an_invalid_username_is_refused_and_nothing_is_saved():
    with pytest.raises(ValidationError, match="username"):
        services.user_create(username="has spaces!", agency=agency("kcc"))
    assert not User.objects.filter(username="has spaces!").exists()


def test_dormant_accounts_are_deactivated_but_recent_ones_and_superusers_are_not():
    now = timezone.now()
    long_ago = now - datetime.timedelta(days=200)
    dormant = UserFactory(username="dormant")
    never_used = UserFactory(username="never-used")
    recent = UserFactory(username="recent")
    UserFactory(username="new-starter")
    superuser = UserFactory(username="superuser", is_superuser=True)
    User.objects.filter(pk__in=[dormant.pk, recent.pk, superuser.pk, never_used.pk]).update(date_joined=long_ago)
    User.objects.filter(pk=dormant.pk).update(last_login=long_ago)
    User.objects.filter(pk=recent.pk).update(last_login=now - datetime.timedelta(days=3))

    deactivated = services.deactivate_dormant_accounts(dormant_days=90, now=now)

    assert sorted(deactivated) == ["dormant", "never-used"]
    active = dict(User.objects.values_list("username", "is_active"))
    assert active["dormant"] is False and active["never-used"] is False
    assert active["recent"] and active["new-starter"] and active["superuser"]
    assert services.deactivate_dormant_accounts(dormant_days=90, now=now) == []
