"""Benchmark of the Information Sharing Protocol reads (sharing.access) at scale.

    VAR_DIR=/tmp/benchvar .venv/bin/python benchmarks/sharing_bench.py --records 1000000

Loads CaseFile records (the test app's sharable model) with bulk SQL, the
default protocol, and shares with their group permission rows; then measures,
warm, for a few personas: the first page of `visible_to` (newest first), the
same filtered by district, a capped count, what SharableListView runs (the page
with access levels and CappedCountPaginator's count), `access_level` for one
record, and django-guardian's `get_objects_for_user` on the same data; and last a
protocol change that stops sharing with one agency, revoked synchronously.
Findings 1 and 2 of benchmarks/RESULTS.md are now in sharing/ itself (the
granted-ids index hint for users with few grants; the unordered capped count).

Prints one JSON object per measurement on its own line (stdout); progress goes
to stderr. With --details FILE it also writes the SQL of each measured query
and EXPLAIN (ANALYZE, BUFFERS) plans as Markdown.

Times: `median_ms`/`p95_ms` are SQL time, the wall time of the executed
statements measured around cursor.execute by a Django execute_wrapper (planning,
execution and transfer of the rows over the socket; not the ORM's compiling or
building model instances). `e2e_median_ms` is the whole Python call.

It owns its data: CaseFile rows (references BENCH-...), shares whose purpose is
BENCH_PURPOSE, users named bench.*, and protocols titled BENCH_PROTOCOL_TITLE.
It refuses to run on a database whose CaseFile or CaseFile shares are not its own.
Use a database of its own: with DATABASE_URL unset, set VAR_DIR (default here:
var/benchmark) so that the embedded PostgreSQL is not the one you develop with.
"""

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_team.settings")
os.environ["CSE_TEST_APPS"] = "true"  # CaseFile lives in the test app
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production-4e8b1f7a2c")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("STATIC_MANIFEST", "false")  # the home page it times needs no collectstatic
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("VAR_DIR", str(BASE_DIR / "var" / "benchmark"))

import django  # noqa: E402

django.setup()

import pgtrigger  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.models import Count  # noqa: E402
from guardian.shortcuts import get_objects_for_user  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.models import Agency, District, Role, User  # noqa: E402
from cse_team.pagination import CappedCountPaginator  # noqa: E402
from sharing import access, registry, services  # noqa: E402
from sharing.default_protocol import create_default_protocol  # noqa: E402
from sharing.levels import ORDER  # noqa: E402
from sharing.models import LawfulBasis, Protocol, ScopeRule, Share, ShareRule, Signatory  # noqa: E402
from tests.isp_testapp.models import (  # noqa: E402
    CaseFile,
    CaseFileGroupObjectPermission,
    CaseFileUserObjectPermission,
)

BENCH_PURPOSE = "Benchmark share (benchmarks/sharing_bench.py)"
BENCH_PROTOCOL_TITLE = "Benchmark protocol change (benchmarks/sharing_bench.py)"
REFERENCE_PREFIX = "BENCH-"
PAGE = 25
COUNT_CAP = 10_001
FILTER_DISTRICT = "maidstone"
DROPPED_AGENCY = "early-help"  # the agency the protocol change stops sharing with
START = "2021-01-01T00:00:00+00:00"

# Who sees what (benchmarks/README.md, "The data"):
# 9 % of children live in Medway, the rest in KCC's twelve districts; in KCC
# districts KCC owns 45 %, Kent Police 45 %, Early Help 9 % and Medway 1 %; in
# Medway, Medway owns 60 %, Kent Police 35 %, Early Help 5 %. Health owns none.
MEDWAY_PERCENT = 9

# Personas: (key, agency, role, is_cse_team_member)
PERSONAS = [
    ("cse-team", "kent-police", "investigator", True),
    ("kcc", "kcc", "caseworker", False),
    ("medway", "medway", "caseworker", False),
    ("health", "health", "practitioner", False),
    ("health-named", "health", "practitioner", False),  # also holds personal (user) shares
    ("early-help", "early-help", "practitioner", False),  # owns 9 % and holds most agency shares
]
SHARERS = {
    "kent-police": "bench.police",
    "kcc": "bench.kcc",
    "medway": "bench.medway",
    "early-help": "bench.early-help",
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


RUN = {"variant": "applied"}


def emit(line: dict) -> None:
    print(json.dumps({**line, "variant": RUN["variant"]}), flush=True)


def percentile(values, fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def rounded(value: float) -> float:
    return round(value, 3)


class SqlTimer:
    """Times every statement executed on the connection while active."""

    def __init__(self):
        self.statements: list[tuple[str, object, float]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((sql, params, (time.perf_counter() - started) * 1000))

    @property
    def total_ms(self) -> float:
        return sum(elapsed for _sql, _params, elapsed in self.statements)


def timed(operation):
    """(result, SQL ms, end-to-end ms, statements) of one call."""
    timer = SqlTimer()
    with connection.execute_wrapper(timer):
        started = time.perf_counter()
        result = operation()
        e2e = (time.perf_counter() - started) * 1000
    return result, timer.total_ms, e2e, timer.statements


def sql_text(sql: str, params) -> str:
    with connection.cursor() as cursor:
        return cursor.mogrify(sql, params).decode()


def explain(sql: str, params) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


# --- Loading ------------------------------------------------------------------


def execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def check_database_is_ours() -> None:
    foreign_records = CaseFile.objects.exclude(reference__startswith=REFERENCE_PREFIX).count()
    foreign_shares = Share.objects.filter(record_kind=registry.for_model(CaseFile).kind).exclude(purpose=BENCH_PURPOSE)
    if foreign_records or foreign_shares.exists():
        sys.exit(
            "This database holds case files or case-file shares that the benchmark did not make; "
            "it resets its own data, so run it on a database of its own (VAR_DIR or DATABASE_URL)."
        )


def ensure_users() -> dict[str, User]:
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    wanted = [(f"bench.{key}", agency, role, cse) for key, agency, role, cse in PERSONAS]
    wanted += [(username, agency, "caseworker", False) for agency, username in SHARERS.items()]
    users = {}
    for username, agency, role, cse in wanted:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.user_create(
                username=username,
                agency=agencies[agency],
                roles=Role.objects.filter(code=role),
                is_cse_team_member=cse,
                first_name="Benchmark",
                last_name=username.split(".", 1)[1],
            )
        users[username] = user
    return users


def reset_protocols(admin: User) -> Protocol:
    """The default protocol in force (the version `create_default_protocol`
    reaches once every app's record kinds have joined), and no benchmark
    protocol change left over."""
    Share.objects.filter(purpose=BENCH_PURPOSE).delete()
    Protocol.objects.filter(title=BENCH_PROTOCOL_TITLE).delete()
    if services.protocol_in_force() is None:
        # The benchmark's change superseded the default chain's last version: restore it.
        latest = Protocol.objects.filter(status=Protocol.Status.SUPERSEDED).order_by("-version").first()
        if latest is not None:
            Protocol.objects.filter(pk=latest.pk).update(status=Protocol.Status.AGREED)
    in_force = create_default_protocol(agreed_by=admin)
    if in_force.title == BENCH_PROTOCOL_TITLE:
        sys.exit(f"Protocol version {in_force.version} is the benchmark's own change; reset the database")
    return in_force


def load_case_files(records: int) -> float:
    """TRUNCATE and INSERT ... SELECT generate_series; returns seconds."""
    started = time.perf_counter()
    table = CaseFile._meta.db_table
    districts = dict(District.objects.values_list("code", "id"))
    kcc_districts = [pk for code, pk in sorted(districts.items()) if code != "medway"]
    agency = dict(Agency.objects.values_list("code", "id"))
    tables = ", ".join(
        model._meta.db_table
        for model in (
            CaseFile,
            CaseFileGroupObjectPermission,
            CaseFileUserObjectPermission,
            CaseFile.notes.rel.related_model,
        )
    )
    event_table = CaseFile.events.rel.related_model._meta.db_table
    with transaction.atomic(), pgtrigger.ignore("isp_testapp.CaseFile:insert_insert"):
        execute(f"TRUNCATE {tables}, {event_table} RESTART IDENTITY")
        execute("SET LOCAL maintenance_work_mem = '512MB'")
        execute("SET LOCAL synchronous_commit = off")
        execute(
            f"""
            INSERT INTO {table}
                (reference, subject_name, district_id, owning_agency_id, risk_level, lead_contact, concern, created_at)
            WITH p AS (
                SELECT %s::text AS prefix, %s::int AS medway_percent, %s::bigint AS medway_district,
                       %s::bigint[] AS kcc_districts, %s::bigint AS medway, %s::bigint AS police,
                       %s::bigint AS early_help, %s::bigint AS kcc, %s::timestamptz AS start
            )
            SELECT
                p.prefix || lpad(g.i::text, 8, '0'),
                'Child ' || g.i,
                CASE WHEN g.h %% 100 < p.medway_percent THEN p.medway_district
                     ELSE p.kcc_districts[1 + (g.h / 100) %% 12] END,
                CASE WHEN g.h %% 100 < p.medway_percent THEN
                         CASE WHEN (g.h / 1200) %% 100 < 60 THEN p.medway
                              WHEN (g.h / 1200) %% 100 < 95 THEN p.police ELSE p.early_help END
                     ELSE
                         CASE WHEN (g.h / 1200) %% 100 < 45 THEN p.kcc
                              WHEN (g.h / 1200) %% 100 < 90 THEN p.police
                              WHEN (g.h / 1200) %% 100 < 99 THEN p.early_help ELSE p.medway END
                END,
                (ARRAY['low', 'medium', 'high'])[1 + (g.h / 120000) %% 3],
                'Lead professional ' || (g.h %% 997),
                'Concern noted ' || md5(g.i::text),
                p.start + g.i * interval '150 seconds' + ((g.h / 13) %% 120) * interval '1 second'
            FROM p, (SELECT i, (i * 2654435761) %% 4294967296 AS h FROM generate_series(1, %s) AS i) AS g
            """,  # noqa: S608 - table names come from model metadata, values are parameters
            [
                REFERENCE_PREFIX,
                MEDWAY_PERCENT,
                districts["medway"],
                kcc_districts,
                agency["medway"],
                agency["kent-police"],
                agency["early-help"],
                agency["kcc"],
                START,
                records,
            ],
        )
    return time.perf_counter() - started


def share_plan(shares: int, health: int) -> list[tuple[str, int]]:
    """How many agency shares each recipient gets: Health a fixed few hundred, the rest
    mostly Early Help, then Medway and Kent Police."""
    rest = max(0, shares - health)
    medway = rest // 5
    police = rest // 10
    return [("health", health), ("medway", medway), ("kent-police", police), ("early-help", rest - medway - police)]


def load_shares(
    users: dict[str, User],
    protocol: Protocol,
    shares: int,
    health: int,
    personal: int,
    *,
    model=CaseFile,
    purpose: str = BENCH_PURPOSE,
    summary_residue: int = 0,
) -> dict:
    """Share rows (bulk INSERT ... SELECT over the records of a sharable `model`,
    case files by default) and their permission rows, the same rows
    services.share_record and _resync would write. A record whose id is
    `summary_residue` modulo 5 is shared at summary, the rest at full.
    Returns counts."""
    started = time.perf_counter()
    kind = registry.for_model(model)
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    bases = dict(LawfulBasis.objects.values_list("code", "id"))
    basis_for_regime = {
        Agency.Regime.LAW_ENFORCEMENT: bases["dpa3-sch8-para4"],
        Agency.Regime.UK_GDPR: bases["gdpr-public-task-safeguarding"],
    }
    sharers = [
        (agencies[code].pk, users[username].pk, basis_for_regime[agencies[code].regime])
        for code, username in SHARERS.items()
    ]
    sharer_values = ", ".join(["(%s::bigint, %s::bigint, %s::bigint)"] * len(sharers))
    sharer_params = [value for row in sharers for value in row]
    records = model._meta.db_table
    levels = dict(zip(ORDER, kind.permission_ids(ORDER), strict=True))
    level_case = "CASE s.level " + " ".join(f"WHEN '{level}' THEN {pid}" for level, pid in levels.items()) + " END"
    group_table = kind.group_permission_model._meta.db_table
    user_table = kind.user_permission_model._meta.db_table
    recipients = [(agencies[code].pk, None, count) for code, count in share_plan(shares, health)]
    recipients.append((None, users["bench.health-named"].pk, personal))
    with transaction.atomic():
        execute(f"TRUNCATE {group_table}, {user_table}")
        Share.objects.filter(purpose=purpose).delete()
        execute("SET LOCAL synchronous_commit = off")
        # Disjoint record sets per recipient (residue of a hash), spread over the
        # whole history (ordered by another hash), never the recipient's own records.
        for residue, (agency_id, user_id, count) in enumerate(recipients):
            if not count:
                continue
            recipient_agency = agency_id or agencies["health"].pk
            params = [kind.kind, protocol.pk, agency_id, user_id, purpose, *sharer_params]
            params += [recipient_agency, residue, count]
            execute(
                f"""
                INSERT INTO sharing_share
                    (record_kind, record_id, protocol_id, shared_by_id, sharing_agency_id, recipient_agency_id,
                     recipient_user_id, level, purpose, lawful_basis_id, conditions, created_at, expires_at,
                     ended_at, ended_by_id, end_reason, end_note)
                SELECT %s, c.id, %s, s.user_id, c.owning_agency_id, %s, %s,
                       CASE WHEN c.id %% 5 = {summary_residue:d} THEN 'summary' ELSE 'full' END, %s, s.basis_id, '',
                       c.created_at + interval '1 day', NULL, NULL, NULL, '', ''
                FROM {records} c
                JOIN (VALUES {sharer_values}) AS s(agency_id, user_id, basis_id) ON s.agency_id = c.owning_agency_id
                WHERE c.owning_agency_id <> %s AND ((c.id * 40503) %% 16) = %s
                ORDER BY (c.id * 2654435761) %% 4294967296
                LIMIT %s
                """,  # noqa: S608
                params,
            )
        grants = execute(
            f"""
            INSERT INTO {group_table} (content_object_id, group_id, permission_id)
            SELECT DISTINCT s.record_id, a.group_id, {level_case}
            FROM sharing_share s JOIN accounts_agency a ON a.id = s.recipient_agency_id
            WHERE s.record_kind = %s AND s.purpose = %s AND s.ended_at IS NULL
            ON CONFLICT DO NOTHING
            """,  # noqa: S608
            [kind.kind, purpose],
        )
        user_grants = execute(
            f"""
            INSERT INTO {user_table} (content_object_id, user_id, permission_id)
            SELECT DISTINCT s.record_id, s.recipient_user_id, {level_case}
            FROM sharing_share s
            WHERE s.record_kind = %s AND s.purpose = %s AND s.ended_at IS NULL AND s.recipient_user_id IS NOT NULL
            ON CONFLICT DO NOTHING
            """,  # noqa: S608
            [kind.kind, purpose],
        )
    return {"seconds": time.perf_counter() - started, "group_grants": grants, "user_grants": user_grants}


def vacuum_analyze() -> float:
    """What autovacuum would do soon after a bulk load: statistics for the planner
    and the visibility map for index-only scans."""
    started = time.perf_counter()
    models = (CaseFile, CaseFileGroupObjectPermission, CaseFileUserObjectPermission, Share, District, Agency)
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    return time.perf_counter() - started


# --- Measuring ----------------------------------------------------------------


class Bench:
    def __init__(self, runs: int, guardian_runs: int, warmup: int, details: Path | None):
        self.runs = runs
        self.guardian_runs = guardian_runs
        self.warmup = warmup
        self.details = details
        self.sections: list[str] = []
        self.results: dict[tuple[str, str], dict] = {}

    def measure(self, name: str, persona: str, operation, *, runs=None, explain_plan=False, **extra) -> dict:
        runs = runs or self.runs
        for _ in range(self.warmup):
            operation()
        sql_times, e2e_times, statements, result = [], [], None, None
        for _ in range(runs):
            result, sql_ms, e2e_ms, statements = timed(operation)
            sql_times.append(sql_ms)
            e2e_times.append(e2e_ms)
        line = {
            "name": name,
            "persona": persona,
            "median_ms": rounded(statistics.median(sql_times)),
            "p95_ms": rounded(percentile(sql_times, 0.95)),
            "runs": runs,
            "e2e_median_ms": rounded(statistics.median(e2e_times)),
            "statements": len(statements),
            **extra,
        }
        if isinstance(result, int | list):
            line["rows"] = result if isinstance(result, int) else len(result)
        emit(line)
        self.results[(name, persona)] = line
        if self.details is not None:
            self.record_sql(name, persona, statements, explain_plan)
        return line

    def record_sql(self, name: str, persona: str, statements, explain_plan: bool) -> None:
        heaviest = max(statements, key=lambda statement: statement[2])
        text = [f"### {name}, {persona}", "", "```sql", sql_text(heaviest[0], heaviest[1]), "```", ""]
        if len(statements) > 1:
            text[1:1] = [f"{len(statements)} statements; the slowest:"]
        if explain_plan:
            text += ["```", explain(heaviest[0], heaviest[1]), "```", ""]
        self.sections.append("\n".join(text))

    def write_details(self, header: str) -> None:
        if self.details is not None:
            self.details.write_text(header + "\n\n" + "\n".join(self.sections))


def first_page(user, district=None):
    queryset = CaseFile.objects.visible_to(user)
    if district is not None:
        queryset = queryset.filter(district=district)
    return list(queryset.order_by("-created_at", "-id")[:PAGE])


def capped_count(user):
    # Without the model's default ordering, as audit.views does: with it, the
    # LIMIT subquery sorts every visible row before counting (see the _ordered line).
    return CaseFile.objects.visible_to(user).order_by()[:COUNT_CAP].count()


def capped_count_ordered(user):
    return CaseFile.objects.visible_to(user)[:COUNT_CAP].count()


def list_queryset(user):
    return CaseFile.objects.visible_to(user).with_access_level(user)


def guardian_queryset(user):
    return get_objects_for_user(
        user, "isp_testapp.view_casefile", klass=CaseFile.objects.all(), accept_global_perms=False
    )


class SignedInSession:
    """A signed-in session driving Django's WSGI handler directly (as
    referrals_bench.Browser does): the time of a minimal signed-in page, the
    home page, measured in the same run, is the reference the visibility
    queries are read against on a busy machine."""

    def __init__(self, user: User):
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.test import Client

        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        client = Client()
        client.force_login(user)
        self.cookie = "; ".join(f"{morsel.key}={morsel.value}" for morsel in client.cookies.values())
        self.handler = WSGIHandler()

    def get(self, path: str) -> bytes:
        import io

        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "testserver",
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
            raise RuntimeError(f"{path} answered {status[0]}")
        return body


def measure_minimal_page(bench: Bench, key: str, user: User) -> None:
    """The reference: server time of a minimal signed-in page (handler and
    body), GET /accounts/you/ (the layout, no case content; `/` is the home
    page with its work queues since issue #12)."""
    session = SignedInSession(user)
    bench.measure("minimal_signed_in_page", f"{key} ({user.agency.code})", lambda: len(session.get("/accounts/you/")))


def measure_persona(bench: Bench, key: str, user: User, district: District, explain_count: bool) -> None:
    persona = f"{key} ({user.agency.code})"
    page = first_page(user)
    bench.measure("visible_to_first_page", persona, lambda: first_page(user), explain_plan=True)
    fresh_users = iter([User.objects.get(pk=user.pk) for _ in range(bench.runs + bench.warmup)])
    bench.measure(
        "visible_to_first_page_per_request",
        persona,
        lambda: first_page(next(fresh_users)),
        note="a user object as a request has it: includes the per-request queries (agency, scope rules, "
        "personal grants) that the other lines have cached",
    )
    bench.measure(
        "visible_to_first_page_district",
        persona,
        lambda: first_page(user, district),
        explain_plan=True,
        district=district.code,
    )
    bench.measure(
        "visible_to_capped_count", persona, lambda: capped_count(user), explain_plan=explain_count, cap=COUNT_CAP
    )
    bench.measure(
        "visible_to_capped_count_ordered",
        persona,
        lambda: capped_count_ordered(user),
        cap=COUNT_CAP,
        note="the same count keeping Meta.ordering in the LIMIT subquery (CaseFile.objects.visible_to(user)[:10001])",
    )
    # What SharableListView runs: the page annotated with each row's access level, and
    # CappedCountPaginator's count of the same queryset (as cse_team/pagination.py has it).
    bench.measure(
        "list_view_first_page",
        persona,
        lambda: list(list_queryset(user).order_by("-created_at", "-id")[:PAGE]),
        explain_plan=key in ("medway", "health", "early-help"),
        note="visible_to(user).with_access_level(user), newest first, 25 rows (SharableListView)",
    )
    bench.measure(
        "list_view_capped_count",
        persona,
        lambda: CappedCountPaginator(list_queryset(user), PAGE).count,
        explain_plan=key in ("medway", "health"),
        cap=CappedCountPaginator.count_cap + 1,
        note="cse_team.pagination.CappedCountPaginator(visible_to(user).with_access_level(user), 25).count",
    )
    if page:
        records = iter(page * (bench.runs + bench.warmup + 1))
        bench.measure("access_level", persona, lambda: access.access_level(user, next(records)), explain_plan=True)
    guardian_page = bench.measure(
        "guardian_first_page",
        persona,
        lambda: list(guardian_queryset(user).order_by("-created_at", "-id")[:PAGE]),
        runs=bench.guardian_runs,
        explain_plan=key in ("kcc", "health"),
        knows="shares only (view_casefile object permissions), not scope rules",
    )
    guardian_count = bench.measure(
        "guardian_count",
        persona,
        lambda: guardian_queryset(user).count(),
        runs=bench.guardian_runs,
        explain_plan=key in ("kcc", "health"),
        knows="shares only (view_casefile object permissions), not scope rules",
    )
    ours_page = bench.results[("visible_to_first_page", persona)]
    ours_count = bench.results[("visible_to_capped_count", persona)]
    guardian_total = guardian_page["median_ms"] + guardian_count["median_ms"]
    ours_total = ours_page["median_ms"] + ours_count["median_ms"]
    emit(
        {
            "name": "ratio_guardian_over_visible_to",
            "persona": persona,
            "median_ms": rounded(guardian_total),
            "p95_ms": rounded(guardian_page["p95_ms"] + guardian_count["p95_ms"]),
            "runs": bench.guardian_runs,
            "ours_median_ms": rounded(ours_total),
            "ratio_page_and_count": round(guardian_total / ours_total, 1) if ours_total else None,
            "ratio_page": round(guardian_page["median_ms"] / ours_page["median_ms"], 1)
            if ours_page["median_ms"]
            else None,
            "note": "guardian: get_objects_for_user page of 25 + COUNT(*); ours: visible_to page of 25 + capped "
            "count. guardian only knows shares, not scope rules, so it returns fewer rows for scope-based personas.",
        }
    )


def protocol_change(admin: User) -> dict:
    """Agree a protocol whose share rules leave out DROPPED_AGENCY, then revoke the
    shares it no longer allows, synchronously; returns the timings."""
    current = services.protocol_in_force()
    dropped = Agency.objects.get(code=DROPPED_AGENCY)
    version = (Protocol.objects.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    draft = Protocol.objects.create(version=version, title=BENCH_PROTOCOL_TITLE, purpose=current.purpose)
    participants = list(current.participants.all())
    draft.participants.set(participants)
    for rule in current.scope_rules.all():
        ScopeRule.objects.create(
            protocol=draft,
            record_kind=rule.record_kind,
            recipient=rule.recipient,
            condition=rule.condition,
            level=rule.level,
        )
    for rule in current.share_rules.all():
        recipients = [rule.recipient] if rule.recipient_id else participants
        for recipient in recipients:
            if recipient.pk == dropped.pk:
                continue
            copy = ShareRule.objects.create(
                protocol=draft, record_kind=rule.record_kind, recipient=recipient, highest_level=rule.highest_level
            )
            copy.lawful_bases.set(rule.lawful_bases.all())
    for agency in participants:
        Signatory.objects.create(protocol=draft, agency=agency, signed_by=admin)
    active_before = Share.objects.active().count()
    queued = []
    started = time.perf_counter()
    # The revocation goes through the outbox; capture it instead of letting the
    # relay run it (eagerly, without a broker), so it is timed on its own.
    with mock.patch.object(services, "enqueue", side_effect=lambda task, **kwargs: queued.append((task, kwargs))):
        services.agree_protocol(protocol=draft, agreed_by=admin)
    agree_seconds = time.perf_counter() - started
    started = time.perf_counter()
    [(task, kwargs)] = queued
    if task != "sharing.revoke_disallowed_shares":
        raise RuntimeError(f"agreeing queued {task}, not the revocation")
    services.revoke_disallowed_shares(**kwargs)
    revoke_seconds = time.perf_counter() - started
    draft.transition.refresh_from_db()
    return {
        "agree_seconds": agree_seconds,
        "revoke_seconds": revoke_seconds,
        "active_before": active_before,
        "processed": draft.transition.processed,
        "revoked": draft.transition.revoked,
        "active_after": Share.objects.active().count(),
        "group_grants_after": CaseFileGroupObjectPermission.objects.count(),
    }


def server_setting(name: str) -> str:
    return scalar("SELECT current_setting(%s)", [name])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="case files to load (default 100000)")
    parser.add_argument("--shares", type=int, help="agency shares (default: records / 20, so 50000 at 1M)")
    parser.add_argument("--health-shares", type=int, default=200, help="of which to Health (default 200)")
    parser.add_argument("--user-shares", type=int, default=300, help="personal shares to bench.health-named")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per measurement (at least 20)")
    parser.add_argument("--guardian-runs", type=int, default=20, help="timed runs of the guardian route")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs before each measurement")
    parser.add_argument("--reuse", action="store_true", help="keep the case files if that many are already loaded")
    parser.add_argument("--no-protocol-change", action="store_true", help="skip the protocol change")
    parser.add_argument("--load-only", action="store_true", help="load (or reset) the data, measure nothing")
    parser.add_argument("--details", type=Path, help="write the SQL and EXPLAIN plans (Markdown) to this file")
    args = parser.parse_args()
    if args.runs < 20 or args.guardian_runs < 20:
        parser.error("--runs and --guardian-runs must be at least 20 (medians and p95 need them)")
    shares = args.records // 20 if args.shares is None else args.shares

    began = time.perf_counter()
    log("migrating")
    call_command("migrate", verbosity=0)
    check_database_is_ours()
    users = ensure_users()
    admin = users["bench.cse-team"]
    protocol = reset_protocols(admin)

    loaded = CaseFile.objects.count()
    if args.reuse and loaded == args.records:
        log(f"reusing {loaded} case files")
        load_seconds = 0.0
    else:
        log(f"loading {args.records} case files")
        load_seconds = load_case_files(args.records)
    log(f"loading {shares} agency shares and {args.user_shares} personal shares")
    loaded_shares = load_shares(users, protocol, shares, args.health_shares, args.user_shares)
    log("VACUUM (ANALYZE)")
    vacuum_seconds = vacuum_analyze()

    bench_users = {key: users[f"bench.{key}"] for key, *_ in PERSONAS}
    visible = {
        key: CaseFile.objects.visible_to(user).count() for key, user in bench_users.items()
    }  # exact counts, untimed: checks the data gives each persona its intended share
    emit(
        {
            "name": "machine",
            "persona": None,
            "postgres": scalar("SELECT version()"),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "shared_buffers": server_setting("shared_buffers"),
            "work_mem": server_setting("work_mem"),
            "effective_cache_size": server_setting("effective_cache_size"),
            "random_page_cost": server_setting("random_page_cost"),
            "jit": server_setting("jit"),
            "records": CaseFile.objects.count(),
            "shares": Share.objects.filter(purpose=BENCH_PURPOSE).count(),
            "shares_by_recipient": {
                code or "named users": count
                for code, count in Share.objects.filter(purpose=BENCH_PURPOSE)
                .values_list("recipient_agency__code")
                .annotate(count=Count("id"))
                .values_list("recipient_agency__code", "count")
            },
            "group_grants": CaseFileGroupObjectPermission.objects.count(),
            "user_grants": CaseFileUserObjectPermission.objects.count(),
            "visible_records": visible,
            "load_case_files_s": round(load_seconds, 1),
            "load_shares_s": round(loaded_shares["seconds"], 1),
            "vacuum_analyze_s": round(vacuum_seconds, 1),
            "database": connection.settings_dict["NAME"],
            "table_mb": round(scalar("SELECT pg_total_relation_size(%s)", [CaseFile._meta.db_table]) / 2**20),
        }
    )

    if args.load_only:
        return
    bench = Bench(args.runs, args.guardian_runs, args.warmup, args.details)
    district = District.objects.get(code=FILTER_DISTRICT)
    widest, narrowest = "cse-team", "health"
    for key, user in bench_users.items():
        log(f"measuring {key}")
        measure_persona(bench, key, user, district, explain_count=key in (widest, narrowest, "kcc", "medway"))
    measure_minimal_page(bench, "kcc", bench_users["kcc"])

    if not args.no_protocol_change:
        log(f"protocol change: no more sharing with {DROPPED_AGENCY}")
        change = protocol_change(admin)
        emit(
            {
                "name": "protocol_change_revoke",
                "persona": None,
                "median_ms": rounded(change["revoke_seconds"] * 1000),
                "p95_ms": rounded(change["revoke_seconds"] * 1000),
                "runs": 1,
                "seconds": round(change["revoke_seconds"], 2),
                "agree_seconds": round(change["agree_seconds"], 2),
                "dropped_agency": DROPPED_AGENCY,
                **{key: value for key, value in change.items() if not key.endswith("seconds")},
            }
        )
    total = time.perf_counter() - began
    emit({"name": "total", "persona": None, "seconds": round(total, 1), "records": args.records})
    bench.write_details(
        f"SQL and plans of `benchmarks/sharing_bench.py --records {args.records}`, "
        f"{time.strftime('%Y-%m-%d %H:%M')}, {scalar('SELECT version()')}"
    )
    log(f"done in {total:.0f} s")


if __name__ == "__main__":
    main()
