import datetime

import pytest
from django.apps import apps

from accounts.models import Agency, District, Role
from accounts.reference import load_reference_data

pytestmark = pytest.mark.django_db


def test_the_five_founding_agencies_exist_with_their_regimes_and_groups():
    agencies = {agency.code: agency for agency in Agency.objects.select_related("group")}
    assert set(agencies) == {"kent-police", "kcc", "medway", "health", "early-help"}
    assert agencies["kent-police"].regime == Agency.Regime.LAW_ENFORCEMENT
    assert {agencies[code].regime for code in ("kcc", "medway", "health", "early-help")} == {Agency.Regime.UK_GDPR}
    assert agencies["kcc"].name == "Kent County Council Children's Services"
    assert {agency.group.name for agency in agencies.values()} == {f"agency:{code}" for code in agencies}


def test_twelve_kent_districts_belong_to_kcc_and_medway_to_medway():
    by_authority = {}
    for district in District.objects.select_related("childrens_services"):
        by_authority.setdefault(district.childrens_services.code, []).append(district.name)
    assert len(by_authority["kcc"]) == 12
    assert by_authority["medway"] == ["Medway"]
    assert "Folkestone and Hythe" in by_authority["kcc"]


def test_folkestone_and_hythe_remembers_it_was_shepway():
    district = District.objects.get(name="Folkestone and Hythe")
    assert district.former_names == ["Shepway"]
    assert district.valid_to is None


def test_current_districts_respect_effective_dates():
    medway = District.objects.get(code="medway")
    assert medway in District.objects.current()
    assert medway not in District.objects.current(on=datetime.date(1990, 1, 1))
    medway.valid_to = datetime.date(2020, 1, 1)
    medway.save()
    assert medway not in District.objects.current()


def test_roles_of_the_establishment_each_have_a_group():
    codes = set(Role.objects.values_list("code", flat=True))
    assert {"caseworker", "supervisor", "intelligence-officer", "analyst", "mase-chair", "manager", "dpo"} <= codes
    assert all(role.group.name == f"role:{role.code}" for role in Role.objects.select_related("group"))


def test_reference_data_migration_is_idempotent():
    before = (Agency.objects.count(), District.objects.count(), Role.objects.count())
    load_reference_data(apps)
    assert (Agency.objects.count(), District.objects.count(), Role.objects.count()) == before
