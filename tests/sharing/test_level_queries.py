"""The level CASE (`with_access_level`, `access_level`) and the grants'
EXISTS, as PostgreSQL and Django see them: what each row's level is must not
change, only how much it costs to compile and run (benchmarks/RESULTS.md,
"Platform: the sharing engine's levels")."""

from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler

from sharing import access, services
from tests.isp_testapp.models import CaseFile
from tests.sharing.harness import level_plan

pytestmark = pytest.mark.django_db


def share(record, recipient, level, shared_by, basis):
    """A share under the sharer's regime: police under DPA Part 3, councils under UK GDPR."""
    police = shared_by.agency.code == "kent-police"
    lawful_basis = basis("dpa3-sch8-para4" if police else "gdpr-public-task-safeguarding")
    services.share_record(
        shared_by=shared_by, record=record, recipient_agency=recipient, level=level,
        purpose="Safeguarding", lawful_basis=lawful_basis,
    )  # fmt: skip


def level_sql(user) -> str:
    sql, params = CaseFile.objects.with_access_level(user).values("access_level").query.sql_with_params()
    return sql % tuple(f"'{param}'" for param in params)


def test_each_when_of_the_level_case_names_only_its_own_rules(personas, protocol):
    """KCC's owner rule gives change, its authority rule full: the full WHEN
    is reached only by rows the change WHEN did not take, so the owner test is
    written once, not again in each lower level's WHEN."""
    sql = level_sql(personas["kcc.caseworker"])
    assert sql.count('"owning_agency_id"') == 1
    assert sql.count("THEN 'change'") == sql.count("THEN 'full'") == sql.count("THEN 'summary'") == 1


def test_each_record_has_the_level_it_had_when_rules_and_shares_overlap(personas, protocol, case_file, agency, basis):
    kcc, police = personas["kcc.caseworker"], personas["kent-police.caseworker"]
    own = case_file("kcc", "canterbury", reference="OWN")
    in_authority = case_file("kent-police", "canterbury", reference="AUTHORITY")
    shared_in_full = case_file("kent-police", "medway", reference="SHARED-FULL")
    shared_at_summary = case_file("kent-police", "medway", reference="SHARED-SUMMARY")
    shared_and_in_authority = case_file("kent-police", "maidstone", reference="BOTH")
    unseen = case_file("medway", "medway", reference="UNSEEN")
    share(shared_in_full, agency("kcc"), "full", police, basis)
    share(shared_at_summary, agency("kcc"), "summary", police, basis)
    share(shared_and_in_authority, agency("kcc"), "summary", police, basis)
    levels = dict(CaseFile.objects.with_access_level(kcc).values_list("reference", "access_level"))
    assert levels == {
        "OWN": "change", "AUTHORITY": "full", "SHARED-FULL": "full", "SHARED-SUMMARY": "summary",
        "BOTH": "full", "UNSEEN": "",
    }  # fmt: skip
    for record in (own, in_authority, shared_in_full, shared_at_summary, shared_and_in_authority):
        assert access.access_level(kcc, record) == levels[record.reference]
    assert access.access_level(kcc, unseen) is None


def test_the_grants_exists_is_written_not_compiled_through_the_orm(personas, protocol, case_file, agency, basis):
    """Early Help reads only through shares: of its list with levels, Django
    compiles the outer query and the few granted ids (the index hint of
    grant_predicate); the grants' EXISTS (one in the WHERE, one for each
    level) are written from a template (six compiled queries before)."""
    early_help = personas["early-help.practitioner"]
    record = case_file("kcc", "canterbury")
    share(record, agency("early-help"), "full", personas["kcc.caseworker"], basis)
    query = CaseFile.objects.visible_to(early_help).with_access_level(early_help)
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        rows = list(query)
    assert [(row.pk, row.access_level) for row in rows] == [(record.pk, "full")]
    assert compiled.call_count == 2


def test_a_long_lists_levels_probe_each_rows_grants_not_hash_them(personas, protocol, case_file, agency, basis):
    """With a plain EXISTS PostgreSQL hashed all of the agency's grants once
    for each level before the first row (all 25,000 of KCC's intelligence
    reports' grants for a 25-row page); the page's rows are few."""
    early_help, kcc = personas["early-help.practitioner"], personas["kcc.caseworker"]
    for number in range(120):
        record = case_file("kcc", "canterbury", reference=f"CF-{number:03}")
        if number % 2:
            share(record, agency("early-help"), ("summary", "full")[number % 4 // 2], kcc, basis)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE isp_testapp_casefile")
        cursor.execute("ANALYZE isp_testapp_casefilegroupobjectpermission")
    level = level_plan(CaseFile.objects.with_access_level(early_help))
    assert "SubPlan" in level
    assert "hashed SubPlan" not in level
