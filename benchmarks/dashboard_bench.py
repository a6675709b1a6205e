"""Benchmark of the managers' dashboard at scale (issue #13): the whole
dashboard p50 <= 150 ms and p95 <= 400 ms of server time for a manager, and
<= 150 ms with one filter applied, over 1,000,000 referrals.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_dash2_bench \\
        nice -n 10 .venv/bin/python benchmarks/dashboard_bench.py --records 1000000

Loads the referrals with benchmarks/referrals_bench.py's loader (children,
referrals, status changes, assessments, missing episodes and shares, bulk
SQL), then proportionate MASE and training rows, also in bulk SQL:

- MASE: a county-wide strategic panel and an operational panel per district,
  a meeting of each every two weeks since the first referral (held, minutes
  circulated, up to today), an agenda item for one referral in 50 (at its
  district panel's first meeting two weeks or more after it was received; half
  of them discussed) and an action per item (70 % completed, 5 % cancelled, the
  rest open or in progress, some overdue);
- training: benchmarks/training_bench.py's 50,000 sessions over the last year,
  with Community Safety Plans and the coverage rollup;
- intelligence: benchmarks/intelligence_bench.py's loader at a fifth of its
  scale for 1,000,000 referrals (`--intelligence-scale`, default records /
  5,000,000: 100,000 reports, 20,000 submissions, 40,000 entities, 200,000
  associations), so that the partner intelligence and disruption figures
  count real rows.

Then, warm, for a manager of the CSE team (who may see every referral) and a
Medway supervisor (who sees a tenth of them, so small cells are suppressed):

- each indicator's computation (SQL time and the whole call), to see which
  are costly;
- the minimal signed-in page (`GET /accounts/you/`, rb.MINIMAL_PAGE) and the dashboard page
  (`GET /dashboard/`), unfiltered and with one filter (a district), through
  Django's WSGI handler with a signed-in session (server time: the handler
  call and reading the body, what gunicorn would time), live (no snapshot) and
  from the snapshot the beat task keeps (dashboard/snapshots.py), each also as
  a multiple of the minimal page timed in the same run.

stdout: one JSON object per measurement; stderr: progress. It owns its data
(referrals whose references start BENCH-, MASE panels named "BENCH ...", and
training_bench's sessions) and refuses a database holding others' referrals.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parent))

# referrals_bench first: through sharing_bench it installs the test app and sets Django up.
import referrals_bench as rb

# isort: split
import intelligence_bench as ib
import sharing_bench as sb
import training_bench as tb
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Agency, District, Role, User
from dashboard import indicators
from mase.models import AgendaItem, MaseAction, Meeting, Panel
from referrals.models import Referral
from sharing.default_protocol import create_default_protocol
from sharing.services import protocol_in_force

PANEL_PREFIX = "BENCH "
MANAGER = "bench.dashboard-manager"
SUPERVISOR = "bench.dashboard-medway-supervisor"
FILTER_DISTRICT = "maidstone"


def log(message: str) -> None:
    sb.log(message)


def emit(line: dict) -> None:
    print(json.dumps(line), flush=True)


def ensure_dashboard_users() -> dict[str, User]:
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    wanted = {
        "manager": (MANAGER, "kent-police", "manager", True),
        "medway-supervisor": (SUPERVISOR, "medway", "supervisor", False),
    }
    users = {}
    for key, (username, agency, role, cse) in wanted.items():
        user = User.objects.filter(username=username).first() or account_services.user_create(
            username=username, agency=agencies[agency], roles=Role.objects.filter(code=role),
            is_cse_team_member=cse, first_name="Benchmark", last_name=key,
        )  # fmt: skip
        users[key] = user
    return users


def ensure_protocol(admin: User) -> None:
    """A protocol in force (the apps that join it have added their changes)."""
    if protocol_in_force() is None:
        create_default_protocol(agreed_by=admin)


def load_mase(chair: User) -> dict:
    """Panels, fortnightly meetings, items for one referral in 50 and an action each (bulk SQL)."""
    started = time.perf_counter()
    with transaction.atomic():
        bench_panels = Panel.objects.filter(name__startswith=PANEL_PREFIX)
        MaseAction.objects.filter(meeting__panel__in=bench_panels)._raw_delete(MaseAction.objects.db)
        AgendaItem.objects.filter(meeting__panel__in=bench_panels)._raw_delete(AgendaItem.objects.db)
        Meeting.objects.filter(panel__in=bench_panels)._raw_delete(Meeting.objects.db)
        for panel in bench_panels:
            panel.districts.clear()
            panel.members.all().delete()
        bench_panels.delete()
        Panel.objects.create(
            name=f"{PANEL_PREFIX}county strategic MASE", kind="strategic", chair=chair, owning_agency=chair.agency
        )
        for district in District.objects.all():
            panel = Panel.objects.create(
                name=f"{PANEL_PREFIX}{district.name} operational MASE", kind="operational", chair=chair,
                owning_agency=chair.agency,
            )  # fmt: skip
            panel.districts.set([district])
        first = Referral.objects.order_by("received_at").values_list("received_at", flat=True).first()
        execute = sb.execute
        execute("SET LOCAL session_replication_role = replica")  # no history triggers during the load
        execute(
            """
            INSERT INTO mase_meeting (reference, panel_id, starts_at, venue, listing_deadline, status, owning_agency_id,
                created_by_id, created_at, agenda_closed_at, held_at, version, agenda_version)
            SELECT 'BENCH-M-' || p.id || '-' || n, p.id, s.at, 'BENCH venue', (s.at - interval '5 days')::date,
                   'circulated', p.owning_agency_id, p.chair_id, s.at - interval '28 days', s.at - interval '2 days',
                   s.at, 1, 1
            FROM mase_panel p,
                 LATERAL (SELECT n, %s::timestamptz + n * interval '14 days' + interval '10 hours' AS at
                          FROM generate_series(0, 400) AS n) AS s
            WHERE p.name LIKE 'BENCH %%' AND s.at < now()
            """,
            [first],
        )
        items = execute(
            """
            INSERT INTO mase_agendaitem (reference, meeting_id, referral_id, criterion, why, title, child_initials,
                position, minutes_allotted, discussion_summary, agreed_risk_level, decisions, discussed_at,
                owning_agency_id, created_at)
            SELECT 'BENCH-I-' || r.id, m.id, r.id, 'high_risk', 'Benchmark item', '', 'XX', 1, 10, '',
                   r.risk_level, '', CASE WHEN r.id %% 100 = 0 THEN m.starts_at END, r.owning_agency_id,
                   m.starts_at - interval '7 days'
            FROM referrals_referral r
            JOIN mase_panel_districts pd ON pd.district_id = r.district_id
            JOIN mase_panel p ON p.id = pd.panel_id AND p.name LIKE 'BENCH %%'
            CROSS JOIN LATERAL (SELECT id, starts_at FROM mase_meeting
                                WHERE panel_id = p.id AND starts_at >= r.received_at + interval '14 days'
                                ORDER BY starts_at LIMIT 1) AS m
            WHERE r.id %% 50 = 0
            """,
            [],
        )
        actions = execute(
            """
            INSERT INTO mase_maseaction (reference, meeting_id, agenda_item_id, description, owner_id, owner_agency_id,
                due_date, status, outcome_note, created_by_id, created_at, closed_at, version)
            SELECT 'BENCH-A-' || i.id, i.meeting_id, i.id, 'Benchmark action', m.created_by_id, i.owning_agency_id,
                   (m.starts_at + interval '28 days')::date,
                   CASE WHEN i.id %% 20 < 14 THEN 'completed' WHEN i.id %% 20 = 14 THEN 'cancelled'
                        WHEN i.id %% 20 < 18 THEN 'open' ELSE 'in_progress' END,
                   CASE WHEN i.id %% 20 < 15 THEN 'Benchmark outcome' ELSE '' END, m.created_by_id, m.starts_at,
                   CASE WHEN i.id %% 20 < 15 THEN m.starts_at + interval '21 days' END, 1
            FROM mase_agendaitem i JOIN mase_meeting m ON m.id = i.meeting_id
            WHERE i.reference LIKE 'BENCH-I-%%'
            """,
            [],
        )
        execute("SET LOCAL session_replication_role = origin")
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "meetings": Meeting.objects.filter(panel__name__startswith=PANEL_PREFIX).count(),
        "items": items,
        "actions": actions,
    }


def vacuum_analyze() -> None:
    with connection.cursor() as cursor:
        for table in ("mase_meeting", "mase_agendaitem", "mase_maseaction", "training_session",
                      "training_coveragemonth"):  # fmt: skip
            cursor.execute(f"VACUUM (ANALYZE) {table}")


def measure_indicators(key: str, user: User, scope: indicators.Scope, runs: int) -> None:
    for item in indicators.indicators():
        sql_times, whole = [], []
        for _ in range(runs):
            timer = sb.SqlTimer()
            with connection.execute_wrapper(timer):
                started = time.perf_counter()
                item.table(scope)
                item.monthly(scope)
                whole.append((time.perf_counter() - started) * 1000)
            sql_times.append(timer.total_ms)
        emit({"name": "indicator", "indicator": item.key, "persona": key, "filter": scope.district or None,
              "median_ms": rb.rounded(statistics.median(whole)),
              "sql_median_ms": rb.rounded(statistics.median(sql_times)), "runs": runs})  # fmt: skip


def measure_page(name: str, key: str, browser: "rb.Browser", path: str, query: str, *, runs: int, warmup: int,
                 before=None) -> dict:  # fmt: skip
    for _ in range(warmup):
        if before:
            before()
        code, _body = browser.get(path, query)
        if code != 200:
            raise RuntimeError(f"{path}?{query} answered {code}")
    server, sql, counts = [], [], []
    body = b""
    for _ in range(runs):
        if before:
            before()
        timer = sb.SqlTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            code, body = browser.get(path, query)
            server.append((time.perf_counter() - started) * 1000)
        if code != 200:
            raise RuntimeError(f"{path}?{query} answered {code}")
        sql.append(timer.total_ms)
        counts.append(len(captured.captured_queries))
    line = {
        "name": name, "persona": key, "path": path, "query": query,
        "median_ms": rb.rounded(statistics.median(server)), "p95_ms": rb.rounded(rb.percentile(server, 0.95)),
        "sql_median_ms": rb.rounded(statistics.median(sql)), "queries": max(counts), "runs": runs,
        "bytes": len(body), "suppressed_cells": body.count(b"fewer than 5"),
    }  # fmt: skip
    minimal = MINIMAL.get(key)
    if minimal and name != "minimal_signed_in_page":
        line["x_minimal_page"] = round(line["median_ms"] / minimal, 2)
    emit(line)
    return line


MINIMAL: dict[str, float] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--sessions", type=int, default=50_000, help="training sessions (default 50000)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--live-runs", type=int, default=5, help="runs of the live (uncached) dashboard")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--reuse", action="store_true", help="keep what is loaded if the referrals are there")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--skip", default="", help="comma-separated: indicators,live,snapshot,refresh")
    parser.add_argument("--personas", default="manager,medway-supervisor", help="comma-separated subset")
    parser.add_argument("--indicator-runs", type=int, default=3)
    parser.add_argument(
        "--intelligence-scale", type=float, help="intelligence_bench's scale (default: records / 5,000,000)"
    )
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    log("migrating")
    call_command("migrate", verbosity=0)
    rb.check_database_is_ours()
    users, leads = rb.ensure_lead_users()
    ensure_protocol(users["bench.cse-team"])
    people = ensure_dashboard_users()
    loaded = {}
    reuse = args.reuse and Referral.objects.count() == args.records
    if reuse:
        log(f"reusing {args.records} referrals")
    else:
        log(f"loading {args.records} referrals")
        timings = rb.load_referrals(args.records, users, leads)
        loaded["referrals"] = {key: round(value, 1) for key, value in timings.items()}
        log("loading shares")
        loaded["shares_s"] = round(rb.load_shares(users, args.records // 20, 200, 300)["seconds"], 1)
    if not reuse or not Meeting.objects.filter(panel__name__startswith=PANEL_PREFIX).exists():
        log("loading MASE")
        loaded["mase"] = load_mase(users["bench.cse-team"])
    if not reuse or not tb.Session.objects.filter(reference__startswith=tb.PREFIX).exists():
        log(f"loading {args.sessions} training sessions")
        today = timezone.localdate()
        seconds = tb.load(args.sessions, today - datetime.timedelta(days=364), tb.bench_user())
        loaded["training_s"] = round(seconds, 1)
    if not reuse or not ib.IntelligenceReport.objects.filter(reference__startswith=ib.PREFIX).exists():
        ib.check_database_is_ours()
        scale = args.intelligence_scale if args.intelligence_scale is not None else args.records / 5_000_000
        log(f"loading intelligence at scale {scale}")
        loaded["intelligence"] = ib.load(scale, ib.ensure_users()["intelligence-officer"])
    if loaded:
        log("VACUUM (ANALYZE)")
        rb.vacuum_analyze()
        vacuum_analyze()
    emit({
        "name": "machine", "postgres": sb.scalar("SELECT version()"), "python": platform.python_version(),
        "cpus": os.cpu_count(), "load_average": os.getloadavg(), "referrals": Referral.objects.count(),
        "meetings": Meeting.objects.count(), "agenda_items": AgendaItem.objects.count(),
        "mase_actions": MaseAction.objects.count(), "training_sessions": tb.Session.objects.count(),
        "intelligence_reports": ib.IntelligenceReport.objects.count(),
        "loaded": loaded,
    })  # fmt: skip
    if args.load_only:
        return

    from dashboard import snapshots

    today = timezone.localdate()
    chosen = args.personas.split(",")
    for key, user in people.items():
        if key not in chosen:
            continue
        scope = indicators.Scope(user=user, start=today - datetime.timedelta(days=364), end=today)
        if "indicators" not in skip:
            log(f"indicators: {key}")
            measure_indicators(key, user, scope, runs=args.indicator_runs)
        browser = rb.Browser(user)
        minimal = measure_page(
            "minimal_signed_in_page", key, browser, rb.MINIMAL_PAGE, "", runs=args.runs, warmup=args.warmup
        )
        MINIMAL[key] = minimal["median_ms"]
        filtered = f"district={FILTER_DISTRICT}"
        if "live" not in skip:
            log(f"live: {key}")

            def forget(user=user):
                snapshots.forget(user)

            measure_page("dashboard_live", key, browser, "/dashboard/", "", runs=args.live_runs, warmup=0,
                         before=forget)  # fmt: skip
            measure_page("dashboard_live_district", key, browser, "/dashboard/", filtered, runs=args.live_runs,
                         warmup=0, before=forget)  # fmt: skip
        if "snapshot" not in skip:
            log(f"snapshot: {key}")
            if "refresh" not in skip:
                started = time.perf_counter()
                refreshed = snapshots.refresh_all()
                emit({"name": "snapshot_refresh_all", "persona": None, "snapshots": refreshed,
                      "seconds": round(time.perf_counter() - started, 1)})  # fmt: skip
            measure_page("dashboard", key, browser, "/dashboard/", "", runs=args.runs, warmup=args.warmup)
            measure_page("dashboard_district", key, browser, "/dashboard/", filtered, runs=args.runs,
                         warmup=args.warmup)  # fmt: skip


if __name__ == "__main__":
    main()
