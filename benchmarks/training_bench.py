"""Benchmark of the training coverage and gaps matrix (issue #11): 13 districts
x 12 audiences over 50,000 sessions must render in <= 100 ms of server time.

    DATABASE_URL=postgres://... .venv/bin/python benchmarks/training_bench.py --sessions 50000

Loads sessions with bulk SQL (INSERT ... SELECT generate_series, not the
services): all of them in the measured year, across the current districts and
the 12 audiences, 90 % delivered or evaluated, half of them with an
organisation reached; a Community Safety Plan per district. Then, warm:

- `training.coverage.coverage(start, end)`: SQL time, whole call, query count;
- the coverage page, `GET /training/coverage/?start=...&end=...`, through
  Django's WSGI handler with a signed-in session (server time: the handler
  call and reading the body, what gunicorn would time), and the CSV download;
- `GET /accounts/you/`, signed in: the minimal signed-in page, timed in the
  same run, so the matrix is also reported as a multiple of it (a busy machine
  slows both).

stdout: one JSON object per measurement; stderr: progress. It owns its data:
sessions whose references start BENCH- and plans titled "BENCH ..."; each run
deletes and reloads them.
"""

import argparse
import datetime
import io
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_team.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-use-anywhere-else-training-0123")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("STATIC_MANIFEST", "false")
# Plain HTTP in process: production settings would redirect every request to HTTPS.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("VAR_DIR", str(BASE_DIR / "var" / "benchmark"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.models import Agency, District, Role, User  # noqa: E402
from training.coverage import coverage, rebuild_coverage  # noqa: E402
from training.models import Audience, CommunitySafetyPlan, Course, CourseVersion, Organisation, Session  # noqa: E402

PREFIX = "BENCH-"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def emit(line: dict) -> None:
    print(json.dumps(line), flush=True)


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


class SqlTimer:
    def __init__(self):
        self.total_ms = 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.total_ms += (time.perf_counter() - started) * 1000


def bench_user() -> User:
    user = User.objects.filter(username="bench.training-manager").first()
    if user is None:
        user = account_services.user_create(
            username="bench.training-manager", agency=Agency.objects.get(code="kent-police"),
            roles=[Role.objects.get(code="manager")], password=None, first_name="Bench", last_name="Manager",
        )  # fmt: skip
    return user


def load(sessions: int, start: datetime.date, user: User) -> float:
    with transaction.atomic():
        return _load(sessions, start, user)


def _load(sessions: int, start: datetime.date, user: User) -> float:
    started = time.perf_counter()
    Session.organisations.through.objects.filter(session__reference__startswith=PREFIX).delete()
    Session.objects.filter(reference__startswith=PREFIX).delete()
    CommunitySafetyPlan.objects.filter(title__startswith="BENCH ").delete()
    Organisation.objects.filter(name__startswith="BENCH ").delete()
    course, _ = Course.objects.get_or_create(code="bench-course", defaults={"title": "BENCH course"})
    version, _ = CourseVersion.objects.get_or_create(course=course, number=1, defaults={"status": "current"})
    districts = list(District.objects.current().values_list("pk", flat=True))
    audiences = Audience.values
    for pk in districts:
        plan = CommunitySafetyPlan.objects.create(
            title=f"BENCH plan {pk}", period_start=start, period_end=start + datetime.timedelta(days=364),
            priority_audiences=audiences[pk % 5 : pk % 5 + 5],
        )  # fmt: skip
        plan.districts.set([pk])
    Organisation.objects.bulk_create(Organisation(name=f"BENCH organisation {n}") for n in range(500))
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO training_session (reference, course_version_id, starts_at, ends_at, starts_on, district_id,
                venue, trainer_id, audience, attendee_count, status, cancellation_reason, feedback_token,
                created_at, version)
            SELECT %(prefix)s || n, %(version)s, day + interval '10 hours', day + interval '12 hours', day::date,
                (%(districts)s::bigint[])[1 + n %% cardinality(%(districts)s::bigint[])],
                'BENCH venue', %(trainer)s,
                (%(audiences)s::text[])[1 + (n / 13) %% cardinality(%(audiences)s::text[])],
                5 + n %% 30,
                CASE WHEN n %% 10 = 0 THEN 'planned' WHEN n %% 3 = 0 THEN 'evaluated' ELSE 'delivered' END,
                '', md5(random()::text || n), now(), 1
            FROM (SELECT n, %(start)s::date + (n %% 365) AS day FROM generate_series(1, %(count)s) AS n) AS series
            """,
            {"prefix": PREFIX, "version": version.pk, "districts": districts, "trainer": user.pk,
             "audiences": audiences, "start": start, "count": sessions},
        )  # fmt: skip
        cursor.execute(
            """
            INSERT INTO training_session_organisations (session_id, organisation_id)
            SELECT s.id, o.ids[1 + s.id % cardinality(o.ids)]
            FROM training_session s, (SELECT array_agg(id) AS ids FROM training_organisation
                                      WHERE name LIKE 'BENCH %') o
            WHERE s.reference LIKE 'BENCH-%' AND s.id % 2 = 0
            """
        )
    rebuild_coverage()  # bulk-loaded, not through the services that keep the rollup
    return time.perf_counter() - started


class SignedInSession:
    """Django's WSGI handler with a signed-in session cookie: what the server runs for a GET."""

    def __init__(self, user: User):
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(user)
        self.cookie = "; ".join(f"{morsel.key}={morsel.value}" for morsel in client.cookies.values())
        self.handler = WSGIHandler()

    def get(self, path: str, query: str = "") -> bytes:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver",
            "SERVER_PORT": "80", "HTTP_HOST": "testserver", "REMOTE_ADDR": "127.0.0.1", "HTTP_COOKIE": self.cookie,
            "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""), "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0), "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
        }  # fmt: skip
        status = []
        response = self.handler(environ, lambda code, _headers, *args: status.append(code))
        try:
            body = b"".join(response)
        finally:
            response.close()
        if not status[0].startswith("200"):
            raise RuntimeError(f"{path}?{query} answered {status[0]}")
        return body


def measure(name: str, operation, runs: int, warmup: int) -> dict:
    for _ in range(warmup):
        operation()
    server, sql, queries = [], [], []
    for _ in range(runs):
        timer = SqlTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            operation()
            server.append((time.perf_counter() - started) * 1000)
        sql.append(timer.total_ms)
        queries.append(len(captured.captured_queries))
    line = {
        "name": name,
        "median_ms": round(statistics.median(server), 2),
        "p95_ms": round(percentile(server, 0.95), 2),
        "sql_median_ms": round(statistics.median(sql), 2),
        "queries": max(queries),
        "runs": runs,
    }
    emit(line)
    return line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    arguments = parser.parse_args()
    call_command("migrate", verbosity=0)
    end = timezone.localdate()
    start = end - datetime.timedelta(days=364)
    user = bench_user()
    log(f"loading {arguments.sessions} sessions")
    seconds = load(arguments.sessions, start, user)
    with connection.cursor() as cursor:
        # As autovacuum would after a bulk load: statistics and the visibility map (index-only scans).
        cursor.execute("VACUUM ANALYZE training_session")
        cursor.execute("VACUUM ANALYZE training_session_organisations")
        cursor.execute("VACUUM ANALYZE training_coveragemonth")
        cursor.execute("SELECT version()")
        server_version = cursor.fetchone()[0].split(",")[0]
    log(f"loaded in {seconds:.1f} s")
    matrix = coverage(start, end)
    reached = sum(cell.sessions for row in matrix.rows for cell in row.cells)
    emit({"name": "data", "sessions": Session.objects.filter(reference__startswith=PREFIX).count(),
          "reached_in_period": reached, "districts": len(matrix.rows), "audiences": len(matrix.audiences),
          "gaps": matrix.gaps, "load_s": round(seconds, 1), "postgres": server_version,
          "python": platform.python_version(), "django": django.get_version(), "cpus": os.cpu_count()})  # fmt: skip
    browser = SignedInSession(user)
    query = f"start={start}&end={end}"
    runs, warmup = arguments.runs, arguments.warmup
    measure("coverage() (ORM call)", lambda: coverage(start, end), runs, warmup)
    page = measure("coverage page, server time", lambda: browser.get("/training/coverage/", query), runs, warmup)
    measure("coverage CSV, server time", lambda: browser.get("/training/coverage.csv", query), runs, warmup)
    home = measure("minimal signed-in page", lambda: browser.get("/accounts/you/"), runs, warmup)
    emit({"name": "coverage page / minimal page", "ratio": round(page["median_ms"] / home["median_ms"], 1),
          "target_ms": 100, "met": page["median_ms"] <= 100})  # fmt: skip


if __name__ == "__main__":
    main()
