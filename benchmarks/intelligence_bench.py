"""Benchmark of intelligence at scale (issue #9): the two-hop network around a
person (SQL), the link chart's JSON (server time), entity search and the
triage queue's first page, for an intelligence officer, a KCC caseworker and
a Health practitioner.

    DATABASE_URL=postgres://.../cse_bench_intel .venv/bin/python benchmarks/intelligence_bench.py --scale 1

At --scale 1 the issue's numbers: 500,000 reports (each with its original),
200,000 entities (120,000 persons, 50,000 locations, 30,000 vehicles),
1,000,000 associations (two a report: person-person and person-location),
and 100,000 submissions (one in ten ungraded). Loaded with bulk SQL
(INSERT ... SELECT generate_series, history triggers off), not the services.
Each report links two persons, a location and a vehicle, so every
association's ends are on its evidencing report. KCC is granted 5 % of the
reports in full and Health 2 % (group permission rows, as a share writes
them; no Share rows, which no measured read uses). Then, warm:

- `intelligence.network.network(user, "person", pk, hops=2)`: SQL time and
  whole call, over persons the persona sees;
- the link chart's JSON, `GET .../network.json?hops=2`, through Django's WSGI
  handler with a signed-in session (server time: the handler call and
  reading the body);
- entity search, `GET /intelligence/entities/person/?q=<misspelt name>`;
- the triage queue's first page (the unit's; partners get 403, so for them
  their own submissions list is timed instead);
- the minimal signed-in page, `GET /accounts/you/` (the layout, no case
  content), timed in the same run; each page is also reported as a multiple
  of it;
- with `--only entity-lists`, instead: each kind's entity list page without a
  query (`GET /intelligence/entities/<kind>/`, 50 rows and a capped count),
  and the same rows with their levels read through the ORM, 50 and 100 of
  them (`visible_to(user).with_access_level(user)[:n]`: a derived kind's
  level, the hashed-subplan hazard of benchmarks/RESULTS.md).

stdout: one JSON object per measurement; stderr: progress. It owns its data
(references starting BENCH-) and refuses a database holding other
intelligence records.
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

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_team.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-use-anywhere-else-0123456789")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("STATIC_MANIFEST", "false")
# Plain HTTP through the test client: no redirect to HTTPS, cookies without the secure flag.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
if not os.environ.get("DATABASE_URL"):
    os.environ.setdefault("VAR_DIR", str(BASE_DIR / "var" / "benchmark"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts import services as account_services  # noqa: E402
from accounts.models import Agency, District, Role, User  # noqa: E402
from accounts.testing import mark_fully_signed_in  # noqa: E402
from intelligence.models import (  # noqa: E402
    IntelligenceReport,
    IntelligenceReportGroupObjectPermission,
    Location,
    PersonOfConcern,
    Vehicle,
)
from intelligence.network import network  # noqa: E402
from sharing import registry  # noqa: E402
from sharing.default_protocol import create_default_protocol  # noqa: E402

PREFIX = "BENCH-"
PERSONAS = {
    "intelligence-officer": ("kent-police", "intelligence-officer", True),
    "kcc-caseworker": ("kcc", "caseworker", False),
    "health-practitioner": ("health", "practitioner", False),
}
GRANTS = {"kcc": 20, "health": 50}  # one report in N granted to the agency, in full
FIRST = (  # noqa: SIM905 - a block of names reads better than a list literal
    "Daz Kieran Tyler Jordan Connor Liam Reece Bradley Jamie Lewis Aaron Ryan Dylan Nathan Luke Owen Rhys "
    "Callum Kyle Mason Ethan Jack Charlie Alfie Harry Oscar Leo Noah Oliver George"
).split()
LAST = (  # noqa: SIM905 - a block of names reads better than a list literal
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright "
    "Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill "
    "Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker "
    "Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw"
).split()


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


def execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# --- data ------------------------------------------------------------------------------


def check_database_is_ours() -> None:
    foreign = IntelligenceReport.objects.exclude(reference__startswith=PREFIX).exists()
    if foreign:
        sys.exit("This database holds intelligence reports the benchmark did not make: use a database of its own")


def ensure_users() -> dict[str, User]:
    users = {}
    for key, (agency, role, cse) in PERSONAS.items():
        username = f"bench.{key}"
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_services.user_create(
                username=username, agency=Agency.objects.get(code=agency), roles=Role.objects.filter(code=role),
                is_cse_team_member=cse, first_name="Bench", last_name=key, password=None,
            )  # fmt: skip
        users[key] = user
    return users


def maintain() -> None:
    """VACUUM ANALYZE, as autovacuum would have done by now (it is off on the
    project's shared PostgreSQL): a bulk load leaves the GIN indexes' pending
    lists full (every phone, handle and name lookup read all 120,000 pending
    entries, about 10 ms each) and no visibility map, so the grants' EXISTS
    could not be the index-only scans they are built to be."""
    execute("VACUUM ANALYZE")


def load(scale: float, unit: User) -> dict:
    reports = int(500_000 * scale)
    persons, locations, vehicles = int(120_000 * scale), int(50_000 * scale), int(30_000 * scale)
    submissions = int(100_000 * scale)
    police = Agency.objects.get(code="kent-police")
    districts = list(District.objects.values_list("pk", flat=True))
    started = time.perf_counter()
    tables = [model._meta.db_table for model in (IntelligenceReport, PersonOfConcern)]
    log(f"loading {reports:,} reports, {persons + locations + vehicles:,} entities, {2 * reports:,} associations")
    with transaction.atomic():
        execute("SET LOCAL session_replication_role = replica")  # no FK or history triggers during the load
        execute("SET LOCAL synchronous_commit = off")
        execute(
            "TRUNCATE intelligence_association, intelligence_intelligencereport_persons, "
            "intelligence_intelligencereport_locations, intelligence_intelligencereport_vehicles, "
            "intelligence_reportoriginal, intelligence_intelligencereportgroupobjectpermission, "
            "intelligence_intelligencereportuserobjectpermission, intelligence_review, "
            f"{tables[0]}, intelligence_submission_children, intelligence_submission, "
            f"{tables[1]}, intelligence_location, intelligence_vehicle CASCADE"
        )
        execute(
            """
            INSERT INTO intelligence_personofconcern (id, first_name, last_name, aliases, date_of_birth,
                estimated_age, description, phone_numbers, online_handles, taxi_licence, status, search_names,
                created_at)
            SELECT n, f, l, '{}', NULL, 18 + n %% 40, '', ARRAY['+4477009' || lpad((n %% 1000000)::text, 6, '0')],
                '{}', '', 'suspect', lower(f || ' ' || l), now()
            FROM (SELECT n, (%(first)s::text[])[1 + n %% cardinality(%(first)s::text[])] AS f,
                         (%(last)s::text[])[1 + (n / 31) %% cardinality(%(last)s::text[])] AS l
                  FROM generate_series(1, %(count)s) AS n) AS names
            """,
            {"first": FIRST, "last": LAST, "count": persons},
        )
        execute(
            """
            INSERT INTO intelligence_location (id, name, kind, address, postcode, district_id, created_at)
            SELECT n, 'Bench place ' || n, (ARRAY['hotel','takeaway','park','licensed_premises'])[1 + n %% 4], '',
                '', (%(districts)s::bigint[])[1 + n %% cardinality(%(districts)s::bigint[])], now()
            FROM generate_series(1, %(count)s) AS n
            """,
            {"districts": districts, "count": locations},
        )
        execute(
            """
            INSERT INTO intelligence_vehicle (id, registration, make, model, colour, private_hire, created_at)
            SELECT n, 'BN' || lpad(n::text, 6, '0'), 'Toyota', 'Prius', 'Silver', n %% 3 = 0, now()
            FROM generate_series(1, %(count)s) AS n
            """,
            {"count": vehicles},
        )
        execute(
            """
            INSERT INTO intelligence_submission (id, reference, owning_agency_id, submitted_by_id, submitted_at,
                what_happened, occurred_on, occurred_when, "where", who, how_known, further_information, status,
                outcome, outcome_at, outcome_by_id)
            SELECT n, %(prefix)s || 'S' || n, %(police)s, %(unit)s, now() - (n || ' minutes')::interval,
                'Bench submission ' || n, NULL, '', '', '', 'saw', '',
                CASE WHEN n %% 10 = 0 THEN 'received' ELSE 'graded' END, '', NULL, NULL
            FROM generate_series(1, %(count)s) AS n
            """,
            {"prefix": PREFIX, "police": police.pk, "unit": unit.pk, "count": submissions},
        )
        execute(
            """
            INSERT INTO intelligence_intelligencereport (id, reference, owning_agency_id, submission_id, title,
                district_id, handling_code, handling_conditions, sanitised_text, sanitised_by_id, sanitised_at,
                created_at, retention_status, review_due)
            SELECT n, %(prefix)s || n, %(police)s, NULL, 'Bench report ' || n,
                (%(districts)s::bigint[])[1 + n %% cardinality(%(districts)s::bigint[])], 'P', '',
                'Sanitised bench text ' || n, %(unit)s, now(), now() - (n || ' minutes')::interval, 'active',
                current_date + (n %% 3650)
            FROM generate_series(1, %(count)s) AS n
            """,
            {"prefix": PREFIX, "police": police.pk, "districts": districts, "unit": unit.pk, "count": reports},
        )
        execute(
            """
            INSERT INTO intelligence_reportoriginal (report_id, owning_agency_id, original_text, scheme,
                source_evaluation, intelligence_assessment, source_type, source_reference, graded_by_id, graded_at)
            SELECT n, %(police)s, 'Original bench text ' || n, '3x5x2', '1', 'B', 'partner', '', %(unit)s, now()
            FROM generate_series(1, %(count)s) AS n
            """,
            {"police": police.pk, "unit": unit.pk, "count": reports},
        )
        # Each report: persons p1 and p2, a location and a vehicle; associations p1-p2 and p1-location.
        ends = {"p1": f"1 + n %% {persons}", "p2": f"1 + (n * 7 + 3) %% {persons}", "l": f"1 + n %% {locations}",
                "v": f"1 + n %% {vehicles}"}  # fmt: skip
        execute(
            f"""
            INSERT INTO intelligence_intelligencereport_persons (intelligencereport_id, personofconcern_id)
            SELECT n, {ends["p1"]} FROM generate_series(1, %(count)s) AS n
            UNION SELECT n, {ends["p2"]} FROM generate_series(1, %(count)s) AS n
            """,  # noqa: S608 - numbers only
            {"count": reports},
        )
        execute(
            f"""
            INSERT INTO intelligence_intelligencereport_locations (intelligencereport_id, location_id)
            SELECT n, {ends["l"]} FROM generate_series(1, %(count)s) AS n
            """,  # noqa: S608
            {"count": reports},
        )
        execute(
            f"""
            INSERT INTO intelligence_intelligencereport_vehicles (intelligencereport_id, vehicle_id)
            SELECT n, {ends["v"]} FROM generate_series(1, %(count)s) AS n
            """,  # noqa: S608
            {"count": reports},
        )
        execute(
            f"""
            INSERT INTO intelligence_association (report_id, type, first_seen, last_seen, created_by_id, created_at,
                a_person_id, b_person_id, b_location_id)
            SELECT n, 'associate', NULL::date, current_date - (n %% 700), %(unit)s, now(), {ends["p1"]},
                {ends["p2"]}, NULL::bigint
            FROM generate_series(1, %(count)s) AS n
            UNION ALL
            SELECT n, 'frequents', NULL::date, current_date - (n %% 500), %(unit)s, now(), {ends["p1"]}, NULL::bigint,
                {ends["l"]}
            FROM generate_series(1, %(count)s) AS n
            """,  # noqa: S608
            {"unit": unit.pk, "count": reports},
        )
        kind = registry.for_model(IntelligenceReport)
        full = kind.permission_ids(["full"])[0]
        table = IntelligenceReportGroupObjectPermission._meta.db_table
        for code, every in GRANTS.items():
            group = Agency.objects.get(code=code).group_id
            execute(
                f"""
                INSERT INTO {table} (content_object_id, group_id, permission_id)
                SELECT n, %(group)s, %(full)s FROM generate_series(1, %(count)s) AS n WHERE n %% %(every)s = 1
                """,  # noqa: S608
                {"group": group, "full": full, "count": reports, "every": every},
            )
        for sequence_table in ("intelligence_personofconcern", "intelligence_location", "intelligence_vehicle",
                               "intelligence_submission", "intelligence_intelligencereport"):  # fmt: skip
            sequence = f"pg_get_serial_sequence('{sequence_table}', 'id')"
            execute(f"SELECT setval({sequence}, (SELECT max(id) FROM {sequence_table}))")  # noqa: S608
        execute("SET LOCAL session_replication_role = origin")
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    maintain()
    log(f"loaded in {load_seconds:.0f} s, vacuumed and analysed in {time.perf_counter() - started:.0f} s")
    return {"reports": reports, "entities": persons + locations + vehicles, "associations": 2 * reports,
            "submissions": submissions, "load_seconds": round(load_seconds, 1)}  # fmt: skip


# --- measuring -------------------------------------------------------------------------


def handler_ms(client: Client, path: str, runs: int, expect=200) -> dict:
    """Server time (the handler call and the body read), SQL time and queries of a GET."""
    for _ in range(3):
        response = client.get(path)
        if response.status_code != expect:
            raise RuntimeError(f"{path} answered {response.status_code}")
    server, sql, counts = [], [], []
    for _ in range(runs):
        timer = SqlTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            response = client.get(path)
            _ = response.content
            server.append((time.perf_counter() - started) * 1000)
        sql.append(timer.total_ms)
        counts.append(len(captured.captured_queries))
    return {"median_ms": round(statistics.median(server), 2), "p90_ms": round(percentile(server, 0.9), 2),
            "sql_median_ms": round(statistics.median(sql), 2), "queries": max(counts)}  # fmt: skip


def network_sql(user, persons: list[int]) -> dict:
    sql, whole, sizes = [], [], []
    for pk in persons:
        timer = SqlTimer()
        with connection.execute_wrapper(timer):
            started = time.perf_counter()
            found = network(user, "person", pk, hops=2)
            whole.append((time.perf_counter() - started) * 1000)
        sql.append(timer.total_ms)
        sizes.append(len(found["edges"]))
    return {"sql_p50_ms": round(statistics.median(sql), 2), "sql_p90_ms": round(percentile(sql, 0.9), 2),
            "call_p50_ms": round(statistics.median(whole), 2), "edges_median": statistics.median(sizes),
            "runs": len(persons)}  # fmt: skip


def persons_seen(user, count: int) -> list[int]:
    """Persons the user sees, spread over the id range."""
    seen = PersonOfConcern.objects.visible_to(user).order_by("pk").values_list("pk", flat=True)
    ids = list(seen[: count * 50])
    return ids[:: max(1, len(ids) // count)][:count]


def measure(users: dict, runs: int) -> None:
    for key, user in users.items():
        client = Client()
        client.force_login(user)
        mark_fully_signed_in(client, user)  # the unit must use a second factor: as after a full sign-in
        minimal = handler_ms(client, "/accounts/you/", runs)
        emit({"measure": "minimal_signed_in_page", "persona": key, **minimal})

        def ratio(line, minimal=minimal):
            return {**line, "x_minimal_page": round(line["median_ms"] / minimal["median_ms"], 2)}

        persons = persons_seen(user, runs)
        if not persons:
            log(f"{key} sees no person of concern")
            continue
        emit({"measure": "two_hop_network_sql", "persona": key, **network_sql(user, persons)})
        chart = handler_ms(client, f"/intelligence/entities/person/{persons[0]}/network.json?hops=2", runs)
        emit({"measure": "link_chart_json", "persona": key, **ratio(chart)})
        person = PersonOfConcern.objects.get(pk=persons[len(persons) // 2])
        misspelt = person.last_name[:-1] + ("y" if person.last_name[-1] != "y" else "i")
        search = handler_ms(client, f"/intelligence/entities/person/?q={person.first_name}+{misspelt}", runs)
        emit({"measure": "entity_search", "persona": key, "query": f"{person.first_name} {misspelt}", **ratio(search)})
        if key == "intelligence-officer":
            emit(
                {
                    "measure": "triage_first_page",
                    "persona": key,
                    **ratio(handler_ms(client, "/intelligence/triage/", runs)),
                }
            )
        else:
            handler_ms(client, "/intelligence/triage/", 1, expect=403)
            submissions = handler_ms(client, "/intelligence/submissions/", runs)
            emit({"measure": "own_submissions_first_page", "persona": key, **ratio(submissions)})


ENTITY_KINDS = {"person": PersonOfConcern, "location": Location, "vehicle": Vehicle}


def levels_ms(model, user, rows: int, runs: int) -> dict:
    """The first `rows` entities the user sees, with their levels, as the
    list page reads them (a fresh user object a run: nothing cached)."""
    timings = []
    for number in range(runs + 2):
        fresh = User.objects.get(pk=user.pk)
        started = time.perf_counter()
        found = list(model._default_manager.visible_to(fresh).with_access_level(fresh)[:rows])
        if number >= 2:
            timings.append((time.perf_counter() - started) * 1000)
    return {"rows": len(found), "median_ms": round(statistics.median(timings), 2),
            "p90_ms": round(percentile(timings, 0.9), 2)}  # fmt: skip


def measure_entity_lists(users: dict, runs: int) -> None:
    for key, user in users.items():
        client = Client()
        client.force_login(user)
        mark_fully_signed_in(client, user)
        minimal = handler_ms(client, "/accounts/you/", runs)
        emit({"measure": "minimal_signed_in_page", "persona": key, **minimal})
        for kind, model in ENTITY_KINDS.items():
            page = handler_ms(client, f"/intelligence/entities/{kind}/", runs)
            page["x_minimal_page"] = round(page["median_ms"] / minimal["median_ms"], 2)
            emit({"measure": "entity_list_page", "persona": key, "kind": kind, **page})
            for rows in (50, 100):
                levels = levels_ms(model, user, rows, runs)
                emit({"measure": "entity_levels_orm", "persona": key, "kind": kind, **levels})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1 = the issue's numbers")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--skip-load", action="store_true", help="measure the data already loaded")
    parser.add_argument("--vacuum", action="store_true", help="with --skip-load: VACUUM ANALYZE first")
    parser.add_argument("--only", choices=["entity-lists"], help="measure only the entity lists (see above)")
    arguments = parser.parse_args()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    check_database_is_ours()
    admin = User.objects.filter(is_superuser=True).first() or ensure_users()["intelligence-officer"]
    users = ensure_users()
    create_default_protocol(agreed_by=admin)
    emit({"measure": "machine", "python": platform.python_version(), "cpus": os.cpu_count(),
          "load_average": os.getloadavg(), "postgres": connection.cursor().connection.info.server_version})  # fmt: skip
    if not arguments.skip_load:
        emit({"measure": "load", "scale": arguments.scale, **load(arguments.scale, users["intelligence-officer"])})
    elif arguments.vacuum:
        maintain()
    if arguments.only == "entity-lists":
        measure_entity_lists(users, arguments.runs)
    else:
        measure(users, arguments.runs)
    emit({"measure": "done", "load_average": os.getloadavg()})


if __name__ == "__main__":
    main()
