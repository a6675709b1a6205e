"""Benchmark of the referral list, search, referral page and API at scale (issue #4).

    VAR_DIR=/tmp/benchvar .venv/bin/python benchmarks/referrals_bench.py --records 1000000

Loads children and referrals with bulk SQL (INSERT ... SELECT generate_series,
not the services), a status change per referral, chronology, actions,
assessments and missing episodes for one referral in ten, and shares with their
group permission rows as benchmarks/sharing_bench.py does for case files. Then,
warm, for four personas (CSE team member, KCC, Medway, Health via shares):

- the ORM reads: `visible_to(user).with_access_level(user)[:25]`, with each
  filter of the list page, and `.search()` with a misspelt name (SQL time);
- the pages through Django's WSGI handler with a signed-in session: the list
  page (first page, with and without filters, and a search) and the referral
  page (its access-log write included). "Server time" is the handler call plus
  reading the response body, what gunicorn would time; queries are counted with
  CaptureQueriesContext;
- the API list (`/api/referrals/`) against a trivial authenticated endpoint
  (`/api/instruments/`) through gunicorn on loopback at concurrency 8 (wrk if
  installed, else a Python load generator), token auth.

stdout: one JSON object per measurement; stderr: progress. Helpers come from
sharing_bench (users, timing, percentiles). It owns its data: children and
referrals whose references start BENCH-; it refuses a database holding others.
"""

import argparse
import functools
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

os.environ.setdefault("STATIC_MANIFEST", "false")  # templates' {% static %} without collectstatic
os.environ.setdefault("LOG_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sharing_bench as sb
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import F, Q
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts import mfa
from accounts import services as account_services
from accounts.models import Agency, District, Role, User
from referrals.models import (
    Action,
    Child,
    ChildNameWord,
    ChronologyEntry,
    Instrument,
    MissingEpisode,
    Referral,
    ReferralGroupObjectPermission,
    ReferralUserObjectPermission,
    RiskAssessment,
    StatusChange,
)
from referrals.services import name_words
from sharing import registry
from sharing.models import Share

BENCH_PURPOSE = "Benchmark share (benchmarks/referrals_bench.py)"
REFERENCE_PREFIX = "BENCH-"
PAGE = 25
START = "2021-11-01T00:00:00+00:00"  # 150 s a referral: 1M end in August 2026
PERSONAS = ("cse-team", "kcc", "medway", "health")  # the four of the issue (sharing_bench's users)
# The home page's personas (issue #12), one of each role with queues: the KCC
# caseworker (sharing_bench's, who leads 1 in 20 of KCC's cases), supervisors
# of KCC (which sees 91 % of the referrals) and Medway (which sees a tenth), the
# practitioners, the DPO and a manager of the CSE team.
HOME_PERSONAS = {
    "caseworker": "bench.kcc",
    "supervisor-kcc": "bench.supervisor-kcc",
    "supervisor-medway": "bench.supervisor-medway",
    "health": "bench.health",
    "early-help": "bench.early-help",
    "dpo": "bench.dpo",
    "manager": "bench.manager",
}
# Users the home page needs beside sharing_bench's: (agency, role, CSE team member).
HOME_USERS = {
    "bench.supervisor-kcc": ("kcc", "supervisor", False),
    "bench.supervisor-medway": ("medway", "supervisor", False),
    "bench.dpo": ("kent-police", "dpo", False),
    "bench.manager": ("kent-police", "manager", True),
}
LEADS_PER_AGENCY = 20
OWNERS = ("kcc", "kent-police", "medway", "early-help")
FILTER_DISTRICT = "maidstone"

# Names: ordinary British names, surnames skewed as real ones are (Smith is the
# commonest, about 1.5 %). "Smyth" is left out, so searching it is a misspelling.
FIRST_NAMES = (  # noqa: SIM905 - a block of names reads better than a list literal
    "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Rosie Sophia Grace Freya Willow Florence Emily Ella Poppy Evie "
    "Elsie Charlotte Evelyn Sienna Sofia Daisy Phoebe Harper Ruby Millie Lucy Jessica Chloe Sophie Matilda Alice "
    "Holly Scarlett Eva Layla Ellie Hannah Amber Leah Megan Courtney Jade Paige Kayleigh Shannon Demi Tia "
    "Noah Oliver George Arthur Muhammad Leo Harry Oscar Archie Henry Theodore Freddie Jack Charlie Theo Alfie "
    "Jacob Thomas Finley Arlo William Lucas Roman Tommy Isaac Teddy Joshua Mason Ethan Tyler Callum Kyle Connor "
    "Jordan Liam Reece Bradley Jamie Lewis Aaron Ryan Dylan Kieran Nathan Luke Owen Rhys"
).split()
LAST_NAMES = (  # noqa: SIM905 - a block of names reads better than a list literal
    "Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson Wright Walker "
    "White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris "
    "Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price Bennett Young "
    "Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan "
    "Marshall Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali "
    "Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher "
    "Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart "
    "Elliott Reynolds Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill "
    "Dawson Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson "
    "Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid Holland "
    "Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates "
    "Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long Freeman Warren Nicholls Hamilton "
    "Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers "
    "Kowalski Nowak Wisniewski Popescu Ionescu Okafor Adeyemi Mensah Osei Nguyen Tran Chen Wang Kaya Yilmaz Demir "
    "Ferreira Silva Costa Rossi Russo Murphy Doherty Quinn Gallagher"
).split()
CHANNELS = ("phone", "email", "partner_form", "say_something", "operation_willow", "front_door", "meeting")
MODELS = ("relationship", "peer", "group", "online", "familial", "party", "lone_offender", "unknown")


def log(message: str) -> None:
    sb.log(message)


RUN = {"variant": "as-is"}


def emit(line: dict) -> None:
    print(json.dumps({**line, "variant": RUN["variant"]}), flush=True)


execute, scalar, rounded, percentile = sb.execute, sb.scalar, sb.rounded, sb.percentile


# --- Loading ------------------------------------------------------------------------


def check_database_is_ours() -> None:
    foreign = Referral.objects.exclude(reference__startswith=REFERENCE_PREFIX).exists()
    foreign = foreign or Child.objects.exclude(external_references__has_key="bench").exists()
    kind = registry.for_model(Referral).kind
    if foreign or Share.objects.filter(record_kind=kind).exclude(purpose=BENCH_PURPOSE).exists():
        sys.exit(
            "This database holds children, referrals or referral shares that the benchmark did not make; "
            "it truncates its tables, so run it on a database of its own (VAR_DIR or DATABASE_URL)."
        )


def ensure_lead_users() -> dict[str, list[int]]:
    """Lead professionals per owning agency: the agency's persona first (so that
    "lead=me" finds rows), then bench.lead-<agency>-NN."""
    users = sb.ensure_users()
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    caseworker = Role.objects.filter(code="caseworker")
    first = {"kcc": "bench.kcc", "medway": "bench.medway", "kent-police": "bench.cse-team", "early-help": None}
    leads = {}
    for code in OWNERS:
        ids = [users[first[code]].pk] if first[code] else []
        for number in range(1, LEADS_PER_AGENCY + 1 - len(ids)):
            username = f"bench.lead-{code}-{number:02d}"
            user = User.objects.filter(username=username).first() or account_services.user_create(
                username=username,
                agency=agencies[code],
                roles=caseworker,
                first_name="Benchmark",
                last_name=f"lead {code} {number}",
                is_cse_team_member=code == "kent-police",
            )
            ids.append(user.pk)
        leads[code] = ids
    for username, (code, role, cse) in HOME_USERS.items():
        users[username] = User.objects.filter(username=username).first() or account_services.user_create(
            username=username,
            agency=agencies[code],
            roles=Role.objects.filter(code=role),
            first_name="Benchmark",
            last_name=username.split(".", 1)[1],
            is_cse_team_member=cse,
        )
    return users, leads


def referral_tables() -> list[str]:
    return [
        model._meta.db_table
        for model in (
            Child,
            Referral,
            StatusChange,
            RiskAssessment,
            ChronologyEntry,
            Action,
            MissingEpisode,
            ReferralGroupObjectPermission,
            ReferralUserObjectPermission,
        )
    ]


def secondary_indexes(tables: list[str]) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the indexes that back no constraint."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
            FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
            WHERE t.relname = ANY(%s) AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
            """,
            [tables],
        )
        return cursor.fetchall()


def load_referrals(records: int, users: dict, leads: dict[str, list[int]]) -> dict:
    """TRUNCATE and INSERT ... SELECT: children, referrals and their dependent rows.
    Secondary indexes are dropped and rebuilt afterwards, and triggers (foreign
    keys, change history) are off for the session, as a bulk loader does."""
    timings = {}
    started = time.perf_counter()
    districts = dict(District.objects.values_list("code", "id"))
    kcc_districts = [pk for code, pk in sorted(districts.items()) if code != "medway"]
    agency = dict(Agency.objects.values_list("code", "id"))
    creators = {code: users[sb.SHARERS[code]].pk for code in OWNERS}
    children = records * 4 // 5
    seraf = Instrument.objects.get(code="seraf", version=1)
    tables = referral_tables()
    with transaction.atomic():
        execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        execute("DELETE FROM sharing_share WHERE purpose = %s", [BENCH_PURPOSE])
        indexes = secondary_indexes(tables)
        for name, _definition in indexes:
            execute(f"DROP INDEX {name}")
        execute("SET LOCAL maintenance_work_mem = '1GB'")
        execute("SET LOCAL synchronous_commit = off")
        execute("SET LOCAL session_replication_role = replica")  # no FK or history triggers during the load
        lap = time.perf_counter()
        execute(
            f"""
            INSERT INTO {Child._meta.db_table}
                (first_name, last_name, aliases, date_of_birth, estimated_age, gender, ethnicity, first_language,
                 special_needs, district_id, school, looked_after, placing_authority, external_references,
                 search_names, created_at, version)
            SELECT n.first_name, n.last_name,
                   CASE WHEN g.h2 %% 33 = 0 THEN ARRAY['Lil ' || n.first_name] ELSE '{{}}'::varchar[] END,
                   CASE WHEN g.h2 %% 20 = 0 THEN NULL
                        ELSE (p.start + g.i * interval '150 seconds')::date - (3650 + g.h %% 2900)::int END,
                   CASE WHEN g.h2 %% 20 = 0 THEN 12 + g.h %% 6 END,
                   (ARRAY['female', 'female', 'female', 'male', 'not_known'])[1 + (g.h2 / 7) %% 5],
                   'not_stated', '', 'not_known',
                   CASE WHEN g.h %% 100 < 9 THEN p.medway_district ELSE p.kcc_districts[1 + (g.h / 100) %% 12] END,
                   '', g.h2 %% 4 = 0, '', '{{"bench": true}}'::jsonb,
                   lower(n.first_name || ' ' || n.last_name
                         || CASE WHEN g.h2 %% 33 = 0 THEN ' lil ' || n.first_name ELSE '' END),
                   p.start + g.i * interval '150 seconds', 1
            FROM (SELECT %s::timestamptz AS start, %s::bigint AS medway_district, %s::bigint[] AS kcc_districts,
                         %s::text[] AS first_names, %s::text[] AS last_names) AS p,
                 LATERAL (SELECT i, (i * 2654435761) %% 4294967296 AS h, (i * 2246822519) %% 4294967296 AS h2
                          FROM generate_series(1, %s) AS i) AS g,
                 LATERAL (SELECT p.first_names[1 + (g.h2 / 1000) %% cardinality(p.first_names)] AS first_name,
                                 p.last_names[1 + floor(cardinality(p.last_names)
                                     * power(((g.h2 / 97) %% 1000003) / 1000003.0, 1.6))::int] AS last_name) AS n
            """,  # noqa: S608 - table names from model metadata; values are parameters
            [START, districts["medway"], kcc_districts, FIRST_NAMES, LAST_NAMES, children],
        )
        timings["children_s"] = time.perf_counter() - lap
        lap = time.perf_counter()
        execute(
            f"""
            INSERT INTO {Referral._meta.db_table}
                (reference, received_at, channel, referrer_name, referrer_role, referrer_agency, source_agency_id,
                 owning_agency_id, child_id, district_id, concern_summary, exploitation_models, immediate_risk,
                 consent_outcome, consent_not_sought_reason, consent_decided_by, consent_decided_on,
                 lead_professional_id, status, risk_level, review_due, closure_reason, needs_linking, created_by_id,
                 created_at, updated_at, first_action_at, triaged_at, accepted_at, risk_assessed_at, opened_at,
                 closed_at, version)
            SELECT p.prefix || lpad(g.i::text, 8, '0'),
                   g.created_at - ((g.h2 / 13) %% 48) * interval '1 hour',
                   p.channels[1 + (g.h2 / 17) %% 7], 'Referrer ' || (g.h2 %% 997), '', '', NULL,
                   o.owner, c.id, c.district_id, 'Concern noted ' || md5(g.i::text),
                   ARRAY[p.models[1 + (g.h2 / 19) %% 8]]::varchar[], g.h2 %% 50 = 0,
                   CASE WHEN (g.h2 / 23) %% 10 < 7 THEN 'given' WHEN (g.h2 / 23) %% 10 < 8 THEN 'refused'
                        ELSE 'not_sought' END,
                   CASE WHEN (g.h2 / 23) %% 10 >= 8 THEN 'increase_risk' ELSE '' END, '', NULL,
                   CASE WHEN (g.h2 / 100) %% 100 < 30 OR o.owner_code = 'early-help' AND (g.h2 / 100) %% 100 < 60
                        THEN NULL
                        ELSE (p.leads->o.owner_code->>((g.h2 / 10000) %% {LEADS_PER_AGENCY})::int)::bigint END,
                   s.status,
                   CASE WHEN s.status IN ('risk_assessed', 'open') OR s.status = 'closed' AND g.h %% 3 > 0
                        THEN (ARRAY['low', 'medium', 'high'])[1 + (g.h2 / 29) %% 3] ELSE '' END,
                   CASE WHEN s.status IN ('risk_assessed', 'open')
                        THEN (g.created_at + (90 + (g.h2 / 31) %% 1000) * interval '1 day')::date END,
                   CASE WHEN s.status = 'closed' THEN 'risk_reduced' ELSE '' END,
                   false, (p.creators->>o.owner_code)::bigint,
                   g.created_at, g.created_at,
                   CASE WHEN s.status <> 'received' THEN g.created_at + interval '1 day' END,
                   CASE WHEN s.status <> 'received' THEN g.created_at + interval '1 day' END,
                   NULL, NULL, NULL,
                   CASE WHEN s.status = 'closed' THEN g.created_at + interval '90 days' END,
                   1
            FROM (SELECT %s::text AS prefix, %s::timestamptz AS start, %s::bigint AS medway_district,
                         %s::bigint AS medway, %s::bigint AS police, %s::bigint AS early_help, %s::bigint AS kcc,
                         %s::jsonb AS leads, %s::jsonb AS creators, %s::bigint AS children,
                         %s::text[] AS channels, %s::text[] AS models) AS p,
                 LATERAL (SELECT i, (i * 2654435761) %% 4294967296 AS h, (i * 2246822519) %% 4294967296 AS h2,
                                 p.start + i * interval '150 seconds'
                                     + (((i * 2654435761) %% 4294967296 / 13) %% 120) * interval '1 second'
                                     AS created_at
                          FROM generate_series(1, %s) AS i) AS g
                 JOIN {Child._meta.db_table} c
                     ON c.id = CASE WHEN g.i <= (SELECT children FROM (SELECT %s::bigint AS children) x) THEN g.i
                                    ELSE 1 + g.h %% %s END,
                 LATERAL (SELECT CASE WHEN c.district_id = p.medway_district THEN
                                     CASE WHEN (g.h / 1200) %% 100 < 60 THEN 'medway'
                                          WHEN (g.h / 1200) %% 100 < 95 THEN 'kent-police' ELSE 'early-help' END
                                 ELSE
                                     CASE WHEN (g.h / 1200) %% 100 < 45 THEN 'kcc'
                                          WHEN (g.h / 1200) %% 100 < 90 THEN 'kent-police'
                                          WHEN (g.h / 1200) %% 100 < 99 THEN 'early-help' ELSE 'medway' END
                                 END AS owner_code) AS oc,
                 LATERAL (SELECT oc.owner_code,
                                 CASE oc.owner_code WHEN 'medway' THEN p.medway WHEN 'kent-police' THEN p.police
                                      WHEN 'early-help' THEN p.early_help ELSE p.kcc END AS owner) AS o,
                 LATERAL (SELECT CASE WHEN (g.h2 / 37) %% 100 < 50 THEN 'closed'
                                      WHEN (g.h2 / 37) %% 100 < 66 THEN 'open'
                                      WHEN (g.h2 / 37) %% 100 < 72 THEN 'risk_assessed'
                                      WHEN (g.h2 / 37) %% 100 < 76 THEN 'accepted'
                                      WHEN (g.h2 / 37) %% 100 < 80 THEN 'received'
                                      WHEN (g.h2 / 37) %% 100 < 84 THEN 'triaged'
                                      WHEN (g.h2 / 37) %% 100 < 92 THEN 'no_further_action'
                                      WHEN (g.h2 / 37) %% 100 < 96 THEN 'signposted'
                                      ELSE 'front_door' END AS status) AS s
            """,  # noqa: S608 - table names from model metadata; values are parameters
            [
                REFERENCE_PREFIX,
                START,
                districts["medway"],
                agency["medway"],
                agency["kent-police"],
                agency["early-help"],
                agency["kcc"],
                json.dumps(leads),
                json.dumps(creators),
                children,
                list(CHANNELS),
                list(MODELS),
                records,
                children,
                children,
            ],
        )
        timings["referrals_s"] = time.perf_counter() - lap
        lap = time.perf_counter()
        referral = Referral._meta.db_table
        # The workflow's first and last steps; the dependent records of one referral in ten.
        execute(
            f"""
            INSERT INTO {StatusChange._meta.db_table}
                (referral_id, from_status, to_status, note, changed_by_id, agency_id, changed_at)
            SELECT r.id, '', 'received', '', r.created_by_id, r.owning_agency_id, r.created_at FROM {referral} r
            UNION ALL
            SELECT r.id, 'received', r.status, '', r.created_by_id, r.owning_agency_id, r.created_at + interval '2 days'
            FROM {referral} r WHERE r.status <> 'received'
            """,  # noqa: S608 - table names from model metadata; values are parameters
            [],
        )
        execute(
            f"""
            INSERT INTO {ChronologyEntry._meta.db_table}
                (referral_id, occurred_at, kind, summary, recorded_by_id, agency_id, created_at)
            SELECT r.id, r.created_at + k * interval '3 days', (ARRAY['contact', 'meeting', 'note'])[k],
                   'Chronology entry ' || k, r.created_by_id, r.owning_agency_id, r.created_at + k * interval '3 days'
            FROM {referral} r, generate_series(1, 3) AS k WHERE r.id %% 10 = 0
            """,  # noqa: S608 - table names from model metadata; values are parameters
            [],
        )
        execute(
            f"""
            INSERT INTO {Action._meta.db_table}
                (referral_id, description, owner_id, owner_agency_id, due_date, status, created_by_id, agency_id,
                 created_at, completed_at, completed_by_id)
            SELECT r.id, 'Action ' || k, r.created_by_id, r.owning_agency_id, (r.created_at + interval '14 days')::date,
                   CASE WHEN k = 1 THEN 'done' ELSE 'open' END, r.created_by_id, r.owning_agency_id, r.created_at,
                   CASE WHEN k = 1 THEN r.created_at + interval '7 days' END, CASE WHEN k = 1 THEN r.created_by_id END
            FROM {referral} r, generate_series(1, 2) AS k WHERE r.id %% 10 = 0
            """,  # noqa: S608 - table names from model metadata; values are parameters
            [],
        )
        execute(
            f"""
            INSERT INTO {RiskAssessment._meta.db_table}
                (referral_id, instrument_id, status, score, band_label, computed_level, override_rules_applied,
                 professional_level, rationale, assessed_by_id, agency_id, created_at, submitted_at, decided_by_id,
                 decided_at, return_reason, review_due)
            SELECT r.id, %s, 'approved', 7, 'Mild', r.risk_level, '[]'::jsonb, r.risk_level, '', r.created_by_id,
                   r.owning_agency_id, r.created_at + interval '5 days', r.created_at + interval '5 days',
                   r.created_by_id, r.created_at + interval '6 days', '', r.review_due
            FROM {referral} r WHERE r.id %% 10 = 0 AND r.risk_level <> ''
            """,  # noqa: S608 - table names from model metadata; values are parameters
            [seraf.pk],
        )
        execute(
            f"""
            INSERT INTO {MissingEpisode._meta.db_table}
                (referral_id, reported_missing_at, found_at, missing_from, found_location, cse_linked,
                 return_interview_offered_at, return_interview_done_at, interview_findings, recorded_by_id,
                 agency_id, created_at)
            SELECT r.id, r.created_at + interval '10 days', r.created_at + interval '11 days', 'home', '', true,
                   r.created_at + interval '12 days', r.created_at + interval '13 days', '', r.created_by_id,
                   r.owning_agency_id, r.created_at + interval '11 days'
            FROM {referral} r WHERE r.id %% 10 = 0
            """,  # noqa: S608 - table names from model metadata; values are parameters
            [],
        )
        timings["dependent_rows_s"] = time.perf_counter() - lap
        lap = time.perf_counter()
        execute("SET LOCAL session_replication_role = origin")
        for _name, definition in indexes:
            execute(definition)
        timings["indexes_s"] = time.perf_counter() - lap
        # The children's name words (ChildNameWord, name search's word list): the trigger that
        # adds a new child's words is off during the load, so count them all as the hourly task does.
        lap = time.perf_counter()
        name_words.refresh_child_name_words()
        timings["name_words_s"] = time.perf_counter() - lap
        for table in (Child._meta.db_table, referral):
            execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
    timings["seconds"] = time.perf_counter() - started
    return timings


def load_shares(users: dict, shares: int, health: int, personal: int) -> dict:
    """Share rows and their permission rows, made by sharing_bench.load_shares
    over referrals (the rows services.share_record and _resync write)."""
    protocol = sb.services.protocol_in_force()
    return sb.load_shares(
        users, protocol, shares, health, personal, model=Referral, purpose=BENCH_PURPOSE, summary_residue=1
    )


def vacuum_analyze() -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in [*referral_tables(), "sharing_share", "audit_accessevent"]:
            cursor.execute(f"VACUUM (ANALYZE) {table}")
    return time.perf_counter() - started


# --- Measuring: ORM -------------------------------------------------------------------


def measure_sql(name: str, persona: str, operation, *, runs: int, warmup: int, details=None, **extra) -> dict:
    for _ in range(warmup):
        operation()
    sql_times, e2e_times, statements, result = [], [], [], None
    for _ in range(runs):
        result, sql_ms, e2e_ms, statements = sb.timed(operation)
        sql_times.append(sql_ms)
        e2e_times.append(e2e_ms)
    line = {
        "name": name,
        "persona": persona,
        "median_ms": rounded(statistics.median(sql_times)),
        "p95_ms": rounded(percentile(sql_times, 0.95)),
        "e2e_median_ms": rounded(statistics.median(e2e_times)),
        "runs": runs,
        "statements": len(statements),
        "rows": len(result) if isinstance(result, list) else None,
        "kind": "sql",
        **extra,
    }
    emit(line)
    if details is not None:
        heaviest = max(statements, key=lambda statement: statement[2])
        details.append(
            f"### {name}, {persona}\n\n```sql\n{sb.sql_text(heaviest[0], heaviest[1])}\n```\n\n"
            f"```\n{sb.explain(heaviest[0], heaviest[1])}\n```\n"
        )
    return line


LIST_FILTERS = {
    "none": {},
    "status": {"status": ["open"]},
    "district": {"district": FILTER_DISTRICT},
    "risk_level": {"risk_level": ["high"]},
    "lead_me": {"lead": "me"},
    "overdue": {"overdue": True},
}


@functools.cache
def district_named(code: str) -> District:
    return District.objects.get(code=code)


def orm_page(user, filters: dict, search: str = ""):
    referrals = Referral.objects.visible_to(user).with_access_level(user)
    if "status" in filters:
        referrals = referrals.filter(status__in=filters["status"])
    if "risk_level" in filters:
        referrals = referrals.filter(risk_level__in=filters["risk_level"])
    if "district" in filters:  # as the filter set does: the district row, then its id as a constant
        referrals = referrals.filter(district=district_named(filters["district"]))
    if "lead" in filters:
        referrals = referrals.led_by(user)
    if "overdue" in filters:
        referrals = referrals.review_overdue()
    if search:
        referrals = referrals.search(search)
    return list(referrals.order_by("-created_at", "-id")[:PAGE])


# --- Measuring: pages through the WSGI handler ----------------------------------------


class Browser:
    """A signed-in session driving Django's WSGI handler directly: what the server
    runs for a request, without the test client's extras (template signals)."""

    def __init__(self, user: User):
        client = Client()
        client.force_login(user)
        if mfa.mfa_required(user):  # the DPO: a session that used its second factor, as after signing in
            request = RequestFactory().get("/")
            request.session, request.user = client.session, user
            mfa.record_second_factor(request, user, kind="totp")
            request.session.save()
        self.cookie = "; ".join(f"{morsel.key}={morsel.value}" for morsel in client.cookies.values())
        self.handler = WSGIHandler()

    def get(self, path: str, query: str = "", headers: dict | None = None):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "HTTP_HOST": "testserver",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_COOKIE": self.cookie,
            "wsgi.url_scheme": "http",
            "wsgi.input": _EmptyInput(),
            "wsgi.errors": sys.stderr,
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **(headers or {}),
        }
        status = []
        response = self.handler(environ, lambda code, _headers, *args: status.append(code))
        try:
            body = b"".join(response)
        finally:
            response.close()
        return int(status[0].split()[0]), body


class _EmptyInput:
    def read(self, *args):
        return b""

    def readline(self, *args):
        return b""


# The median server time of a minimal signed-in page (GET /accounts/you/, the
# account page: the layout, no case content)
# per persona, measured in the same run before the pages: every page line
# also gives its time as a multiple of it (`x_minimal_page`), which holds
# across machines of this kind where absolute times differ by up to 1.5x.
MINIMAL_PAGE = "/accounts/you/"
minimal_page_ms: dict[str, float] = {}


def measure_minimal_page(persona: str, browser: Browser, *, runs: int, warmup: int) -> None:
    line, _ = measure_page("minimal_signed_in_page", persona, browser, MINIMAL_PAGE, [""], runs=runs, warmup=warmup)
    minimal_page_ms[persona] = line["median_ms"]


def relative_to_minimal_page(persona: str, median_ms: float) -> dict:
    reference = minimal_page_ms.get(persona)
    return {"x_minimal_page": round(median_ms / reference, 2)} if reference else {}


def measure_page(name: str, persona: str, browser: Browser, path: str, queries, *, runs: int, warmup: int, **extra):
    """Server time (handler call and body), SQL time and query count of a GET."""
    queries = list(queries)
    for number in range(warmup):
        code, _body = browser.get(path, queries[number % len(queries)])
        if code != 200:
            raise RuntimeError(f"{path}?{queries[number % len(queries)]} answered {code} for {persona}")
    server, sql, counts = [], [], []
    body = b""
    for number in range(runs):
        query = queries[number % len(queries)]
        timer = sb.SqlTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            code, body = browser.get(path, query)
            server.append((time.perf_counter() - started) * 1000)
        if code != 200:
            raise RuntimeError(f"{path}?{query} answered {code} for {persona}")
        sql.append(timer.total_ms)
        counts.append(len(captured.captured_queries))
    rows = body.count(b'<tr class="govuk-table__row') - 1 if b"govuk-table__row" in body else None
    line = {
        "name": name,
        "persona": persona,
        "median_ms": rounded(statistics.median(server)),
        "p95_ms": rounded(percentile(server, 0.95)),
        "sql_median_ms": rounded(statistics.median(sql)),
        "queries": max(counts),
        "queries_min": min(counts),
        "runs": runs,
        "kind": "server",
        "path": path,
        "query": queries[0],
        "table_rows": rows,
        "bytes": len(body),
        **extra,
    }
    if name != "minimal_signed_in_page":
        line.update(relative_to_minimal_page(persona, line["median_ms"]))
    emit(line)
    return line, captured.captured_queries


# --- Measuring: API throughput through gunicorn ---------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def python_load(url: str, token: str, concurrency: int, seconds: float) -> dict:
    """Closed-loop load: `concurrency` threads, each a keep-alive connection."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    stop = time.perf_counter() + seconds
    latencies, errors = [], []
    lock = threading.Lock()

    def worker():
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        mine = []
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                conn.request("GET", parts.path + ("?" + parts.query if parts.query else ""),
                             headers={"Authorization": f"Token {token}"})  # fmt: skip
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(response.status)
            except OSError as error:
                errors.append(str(error))
                conn.close()
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    began = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "requests": len(latencies),
        "rps": round(len(latencies) / elapsed, 1),
        "latency_median_ms": rounded(statistics.median(latencies)) if latencies else None,
        "latency_p95_ms": rounded(percentile(latencies, 0.95)) if latencies else None,
        "errors": len(errors),
        "tool": "python",
    }


def wrk_load(url: str, token: str, concurrency: int, seconds: float) -> dict:
    output = subprocess.run(  # noqa: S603 - wrk from PATH, arguments built here
        [shutil.which("wrk"), "-t2", f"-c{concurrency}", f"-d{int(seconds)}s", "--latency",
         "-H", f"Authorization: Token {token}", url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)

    def latency(label):
        found = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", output, re.MULTILINE)
        if not found:
            return None
        value, unit = float(found.group(1)), found.group(2)
        return rounded(value / 1000 if unit == "us" else value * 1000 if unit == "s" else value)

    return {
        "requests": requests,
        "rps": rps,
        "latency_median_ms": latency(50),
        "latency_p99_ms": latency(99),
        "errors": int(non_2xx.group(1)) if non_2xx else 0,
        "tool": "wrk",
    }


def api_throughput(users: dict, *, concurrency: int, seconds: float, workers: int, threads: int) -> None:
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cse_team.settings", "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "cse_team.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--log-level",
        "warning",
    ]
    log(f"gunicorn: {workers} workers x {threads} threads on port {port}")
    server = subprocess.Popen(command, cwd=sb.BASE_DIR, env=env, start_new_session=True)  # noqa: S603
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        load = wrk_load if shutil.which("wrk") else python_load
        for key in PERSONAS:
            user = users[f"bench.{key}"]
            _, token = account_services.api_token_create(
                user=user, name="Benchmark", scope="read", days=1, created_by=user
            )
            results = {}
            for label, path in (("trivial", "/api/instruments/"), ("referral_list", "/api/referrals/")):
                url = f"http://127.0.0.1:{port}{path}"
                load(url, token, concurrency, 2)  # warm every worker
                results[label] = load(url, token, concurrency, seconds)
            ratio = results["referral_list"]["rps"] / results["trivial"]["rps"] if results["trivial"]["rps"] else None
            emit(
                {
                    "name": "api_throughput",
                    "persona": key,
                    "kind": "throughput",
                    "concurrency": concurrency,
                    "seconds": seconds,
                    "gunicorn": f"{workers} workers x {threads} threads",
                    "trivial": results["trivial"],
                    "referral_list": results["referral_list"],
                    "ratio": round(ratio, 3) if ratio else None,
                }
            )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


# --- Variants: proposed changes, patched in this process only -------------------------

VARIANTS = (
    "no-parallel",
    "search-joined-trigram",
    "search-two-step",
    "child-district-ids",
    "detail-lean",
    "search-expanded",
    "join-collapse-1",
)
FEW_CHILDREN = 5000


def apply_variants(variants: set[str]) -> None:
    """Patch proposed changes in (RESULTS.md, "Proposed changes"); the gunicorn run is never patched."""
    if "no-parallel" in variants:
        # What `-c max_parallel_workers_per_gather=0` in the connection options would do.
        execute("SET max_parallel_workers_per_gather = 0")
    if "search-joined-trigram" in variants:
        from referrals.models.referrals import ReferralQuerySet
        from referrals.search import parse_date

        original_search = ReferralQuerySet.search

        def joined_search(self, text: str):
            # The name on the child row the query joins anyway (select_related, visibility),
            # trigram only: `%>` also matches an exact word, so the full-text branch adds a
            # to_tsvector per row and nothing else.
            stripped = text.strip()
            if not stripped or stripped.upper().startswith("CSE-") or parse_date(stripped):
                return original_search(self, text)
            return self.filter(child__search_names__trigram_word_similar=stripped.lower())

        ReferralQuerySet.search = joined_search
    if "detail-lean" in variants:
        # Record pages: the level read with the record (no second access_level query; in the code
        # since 78f0a36), and "Why can I see this?" left to load when opened (its queries).
        from sharing import access, mixins

        def get_queryset(self):
            user = self.request.user
            return self.model._default_manager.visible_to(user, self.required_level).with_access_level(user)

        def get_object(self, queryset=None):
            record = super(mixins.VisibleRecordMixin, self).get_object(queryset)
            self.access_level = record.access_level
            return record

        mixins.VisibleRecordMixin.get_queryset = get_queryset
        mixins.VisibleRecordMixin.get_object = get_object
        mixins.access = type("LazyExplain", (), {
            "explain": staticmethod(lambda user, record, *, level=None: access.Explanation(level, [], [])),
            "access_level": staticmethod(access.access_level),
        })  # fmt: skip
    if "search-two-step" in variants:
        from referrals.models.referrals import ReferralQuerySet
        from referrals.search import parse_date

        original = ReferralQuerySet.search

        def search(self, text: str):
            stripped = text.strip()
            if not stripped or stripped.upper().startswith("CSE-") or parse_date(stripped):
                return original(self, text)
            # Few matching children: their ids, so the plan starts from them (child_id index);
            # many: the newest-first walk, which meets 25 matches soon.
            matched = list(Child.objects.named(stripped).order_by().values_list("pk", flat=True)[: FEW_CHILDREN + 1])
            if len(matched) <= FEW_CHILDREN:
                return self.filter(child_id__in=matched)
            return original(self, text)

        ReferralQuerySet.search = search
    if "search-expanded" in variants:
        search_expanded()
    if "join-collapse-1" in variants:
        # The planner keeps the written join order: the referral page's main query joins 9
        # tables (select_related) and spends 3 ms planning them for a 0.2 ms primary-key read.
        # Run with --skip orm,pages,api: it applies to every query of the session.
        execute("SET join_collapse_limit = 1")
    if "child-district-ids" in variants:
        # The same rule (the child's current district), with the authority's district ids as
        # constants instead of a join to accounts_district.
        kind = registry.for_model(Referral)
        authority_districts = {}

        def district_ids(recipient) -> list[int]:
            if recipient.pk not in authority_districts:
                authority_districts[recipient.pk] = list(
                    District.objects.filter(childrens_services=recipient).values_list("pk", flat=True)
                )
            return authority_districts[recipient.pk]

        kind.conditions["child_in_recipient_authority"] = lambda user, recipient: Q(
            child__district_id__in=district_ids(recipient)
        )


NAME_WORDS = "bench_name_word"  # made and dropped by the search-expanded variant


def search_expanded() -> None:
    """Name search on the stored tsvector only: each word of the query widened to the known name
    words similar to it (trigram, in a small table of the words and how many children have each),
    so the check per row is a cheap `@@`, the planner's estimate comes from the tsvector's
    statistics, and a rare name (few children, known from the word table) starts from its
    children's ids instead of leaving that choice to the planner."""
    from django.contrib.postgres.search import SearchQuery

    from referrals.models.referrals import ReferralQuerySet
    from referrals.search import parse_date

    execute(f"DROP TABLE IF EXISTS {NAME_WORDS}")
    execute(
        f"CREATE TABLE {NAME_WORDS} AS SELECT word, ndoc AS children"  # noqa: S608 - a constant
        f" FROM ts_stat('SELECT search_vector FROM {Child._meta.db_table}')"
    )
    execute(f"CREATE INDEX ON {NAME_WORDS} USING gin (word gin_trgm_ops)")
    execute(f"ANALYZE {NAME_WORDS}")
    original = ReferralQuerySet.search

    def search(self, text: str):
        stripped = text.strip()
        if not stripped or stripped.upper().startswith("CSE-") or parse_date(stripped):
            return original(self, text)
        groups, children = [], None
        for word in re.findall(r"\w+", stripped.lower()):
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT word, children FROM {NAME_WORDS} WHERE word %%> %s OR word = %s",  # noqa: S608
                    [word, word],
                )
                similar = cursor.fetchall()
            words = {word} | {known for known, _count in similar}
            groups.append(" | ".join("'" + known.replace("'", "''") + "'" for known in sorted(words)))
            count = sum(count for _known, count in similar)
            children = count if children is None else min(children, count)
        if not groups:
            return original(self, text)
        words = SearchQuery(" & ".join(f"({group})" for group in groups), search_type="raw", config="simple")
        if children <= FEW_CHILDREN:
            matched = Child.objects.filter(search_vector=words).values_list("pk", flat=True)
            return self.filter(child_id__in=list(matched))
        return self.filter(child__search_vector=words)

    ReferralQuerySet.search = search


# --- Main -------------------------------------------------------------------------------


def code_version() -> str:
    """The commit measured, and whether referrals/ or sharing/ had uncommitted changes."""
    git = shutil.which("git")
    head = subprocess.run([git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=sb.BASE_DIR)  # noqa: S603
    dirty = subprocess.run(  # noqa: S603
        [git, "status", "--porcelain", "referrals", "sharing", "cse_team", "audit"],
        capture_output=True, text=True, cwd=sb.BASE_DIR,
    ).stdout.strip()  # fmt: skip
    return head.stdout.strip() + (
        " (with uncommitted changes in referrals, sharing, cse_team or audit)" if dirty else ""
    )


def pick_detail_referrals(user, count: int = 10) -> list[int]:
    """Referrals with chronology, actions and episodes (id % 10 = 0) the user sees in full."""
    return list(
        Referral.objects.visible_to(user, level="full")
        .annotate(tenth=F("id") % 10)
        .filter(tenth=0)
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)[:count]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="referrals to load (default 100000)")
    parser.add_argument("--shares", type=int, help="agency shares (default records / 20)")
    parser.add_argument("--health-shares", type=int, default=200)
    parser.add_argument("--user-shares", type=int, default=300)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the referrals if that many are loaded")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--skip", default="", help="comma-separated: orm,pages,home,detail,api")
    parser.add_argument("--personas", default=",".join(PERSONAS), help="comma-separated subset of the four")
    parser.add_argument(
        "--home-personas", default=",".join(HOME_PERSONAS), help=f"comma-separated subset of {','.join(HOME_PERSONAS)}"
    )
    parser.add_argument("--api-seconds", type=float, default=10)
    parser.add_argument("--api-concurrency", type=int, default=8)
    parser.add_argument("--gunicorn-workers", type=int, default=4)
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    parser.add_argument("--variant", default="", help=f"comma-separated proposed changes to patch in: {VARIANTS}")
    parser.add_argument("--details", type=Path, help="write SQL and EXPLAIN ANALYZE plans (Markdown) here")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    shares = args.records // 20 if args.shares is None else args.shares
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    variants = set(filter(None, args.variant.split(",")))
    if variants - set(VARIANTS):
        parser.error(f"unknown variants: {variants - set(VARIANTS)}")
    RUN["variant"] = ",".join(sorted(variants)) or "as-is"

    began = time.perf_counter()
    # Load pg_trgm in this session now. Loaded first inside VACUUM (ANALYZE) of the
    # children's trigram index, it takes its default threshold (0.6), not the one the
    # connection options set (0.3), and "smyth" stops finding Smith (see RESULTS.md).
    # After migrating: on a fresh database the extension does not exist before it.
    log("migrating")
    call_command("migrate", verbosity=0)
    scalar("SELECT word_similarity('a', 'a')")
    check_database_is_ours()
    users, leads = ensure_lead_users()
    sb.reset_protocols(users["bench.cse-team"])
    timings = {}
    if args.reuse and Referral.objects.count() == args.records:
        log(f"reusing {args.records} referrals")
    else:
        log(f"loading {args.records} referrals")
        timings = load_referrals(args.records, users, leads)
        log(f"loaded: {timings}")
    log(f"loading {shares} agency shares")
    loaded_shares = load_shares(users, shares, args.health_shares, args.user_shares)
    log("VACUUM (ANALYZE)")
    vacuum_seconds = vacuum_analyze()
    personas = {key: users[f"bench.{key}"] for key in args.personas.split(",")}
    emit(
        {
            "name": "machine",
            "persona": None,
            "postgres": scalar("SELECT version()"),
            "code": code_version(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            **{
                name: sb.server_setting(name)
                for name in ("shared_buffers", "work_mem", "effective_cache_size", "random_page_cost", "jit")
            },
            "referrals": Referral.objects.count(),
            "children": Child.objects.count(),
            "status_changes": StatusChange.objects.count(),
            "chronology_entries": ChronologyEntry.objects.count(),
            "shares": Share.objects.filter(purpose=BENCH_PURPOSE).count(),
            "group_grants": ReferralGroupObjectPermission.objects.count(),
            "visible": {key: Referral.objects.visible_to(user).count() for key, user in personas.items()},
            "led_by_persona": {key: Referral.objects.led_by(user).count() for key, user in personas.items()},
            "smith_children": Child.objects.filter(last_name="Smith").count(),
            "child_name_words": ChildNameWord.objects.count(),
            "load": {key: round(value, 1) for key, value in timings.items()},
            "load_shares_s": round(loaded_shares["seconds"], 1),
            "vacuum_analyze_s": round(vacuum_seconds, 1),
            "referral_table_mb": round(scalar("SELECT pg_total_relation_size('referrals_referral')") / 2**20),
            "child_table_mb": round(scalar("SELECT pg_total_relation_size('referrals_child')") / 2**20),
        }
    )
    if args.load_only:
        return
    apply_variants(variants)
    details = [] if args.details else None
    runs, warmup = args.runs, args.warmup
    if "orm" not in skip:
        for key, user in personas.items():
            log(f"ORM: {key}")
            for label, filters in LIST_FILTERS.items():
                explained = details if label in ("none", "lead_me", "district") else None
                measure_sql(f"orm_list_{label}", key, lambda u=user, f=filters: orm_page(u, f), runs=runs,
                            warmup=warmup, details=explained)  # fmt: skip
            threshold = scalar("SHOW pg_trgm.word_similarity_threshold")
            if threshold != "0.3":
                sys.exit(f"pg_trgm.word_similarity_threshold is {threshold}, not the 0.3 the settings give")
            for text in ("smyth", "kowalsky"):
                measure_sql(f"orm_search_{text}", key, lambda u=user, t=text: orm_page(u, {}, t), runs=runs,
                            warmup=warmup, details=details)  # fmt: skip
    if not {"pages", "detail"} <= skip:
        for key, user in personas.items():
            measure_minimal_page(key, Browser(user), runs=runs, warmup=warmup)
    if "pages" not in skip:
        for key, user in personas.items():
            log(f"list page: {key}")
            browser = Browser(user)
            for label, query in (
                ("none", ""),
                ("status", "status=open"),
                ("district", f"district={FILTER_DISTRICT}"),
                ("risk_level", "risk_level=high"),
                ("lead_me", "lead=me"),
                ("overdue", "overdue=1"),
                ("combined", f"status=open&risk_level=high&district={FILTER_DISTRICT}"),
                ("search_smyth", "q=smyth"),
                ("search_kowalsky", "q=kowalsky"),
            ):
                measure_page(f"list_page_{label}", key, browser, "/referrals/", [query], runs=runs, warmup=warmup)
    if "home" not in skip:
        # The home page (cse_team/home.py): every queue of the persona counted in
        # one query of capped counts, and the supervisor's team caseload; the
        # issue's budget is 50 ms server time, for each role's persona, each also
        # as a multiple of the minimal signed-in page in the same run.
        for key in args.home_personas.split(","):
            user = users[HOME_PERSONAS[key]]
            log(f"home page: {key}")
            browser = Browser(user)
            measure_minimal_page(key, browser, runs=runs, warmup=warmup)
            measure_page("home_page", key, browser, "/", [""], runs=runs, warmup=warmup, username=user.username)
    if "detail" not in skip:
        for key, user in personas.items():
            log(f"referral page: {key}")
            picked = pick_detail_referrals(user)
            if not picked:
                emit({"name": "referral_page", "persona": key, "note": "no referral seen in full"})
                continue
            browser = Browser(user)
            before = scalar("SELECT count(*) FROM audit_accessevent")
            measure_page_many(browser, key, picked, runs=runs, warmup=warmup)
            logged = scalar("SELECT count(*) FROM audit_accessevent") - before
            emit({"name": "referral_page_access_events", "persona": key, "events": logged, "requests": runs + warmup})
    if "api" not in skip:
        api_throughput(
            users,
            concurrency=args.api_concurrency,
            seconds=args.api_seconds,
            workers=args.gunicorn_workers,
            threads=args.gunicorn_threads,
        )
    if details is not None:
        args.details.write_text(
            f"SQL and plans of `benchmarks/referrals_bench.py --records {args.records}`, "
            f"{time.strftime('%Y-%m-%d %H:%M')}, {scalar('SELECT version()')}\n\n" + "\n".join(details)
        )
    if "search-expanded" in variants:
        execute(f"DROP TABLE IF EXISTS {NAME_WORDS}")
    total = time.perf_counter() - began
    emit({"name": "total", "persona": None, "seconds": round(total, 1), "records": args.records})
    log(f"done in {total:.0f} s")


def measure_page_many(browser: Browser, key: str, picked: list[int], *, runs: int, warmup: int):
    """The referral page, rotating over a few referrals (each request logs a view)."""
    paths = [f"/referrals/{pk}/" for pk in picked]
    for number in range(warmup):
        code, _ = browser.get(paths[number % len(paths)])
        if code != 200:
            raise RuntimeError(f"{paths[number % len(paths)]} answered {code} for {key}")
    server, sql, counts = [], [], []
    for number in range(runs):
        timer = sb.SqlTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started = time.perf_counter()
            code, body = browser.get(paths[number % len(paths)])
            server.append((time.perf_counter() - started) * 1000)
        if code != 200:
            raise RuntimeError(f"{paths[number % len(paths)]} answered {code} for {key}")
        sql.append(timer.total_ms)
        counts.append(len(captured.captured_queries))
    line = {
        "name": "referral_page",
        "persona": key,
        "median_ms": rounded(statistics.median(server)),
        "p95_ms": rounded(percentile(server, 0.95)),
        "sql_median_ms": rounded(statistics.median(sql)),
        "queries": max(counts),
        "queries_min": min(counts),
        "runs": runs,
        "kind": "server",
        "referrals": len(paths),
        "bytes": len(body),
        **relative_to_minimal_page(key, rounded(statistics.median(server))),
    }
    emit(line)
    return line, captured.captured_queries


if __name__ == "__main__":
    main()
