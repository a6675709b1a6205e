"""Benchmark of the MASE agenda builder and meeting packs at scale (issue #10).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cse_mase_bench \\
        nice -n 10 .venv/bin/python benchmarks/mase_bench.py --records 1000000 [--reuse]

Loads the referrals with benchmarks/referrals_bench.py's loader (imported, not
copied: children, referrals, chronology, actions, assessments and missing
episodes by bulk SQL), then, with the protocol in force including the "MASE
records" change, a MASE chair (KCC) and two panels: a county-wide strategic
panel and the Maidstone operational panel, every agency a member with a named
member. Then, warm:

- `mase.agenda.candidates(meeting, chair)` for a meeting of each panel: every
  criterion's rows and counts (SQL time; target 100 ms);
- the pages through Django's WSGI handler for the chair: the minimal
  signed-in page (the home page), the agenda builder and the meeting page,
  each also as a multiple of the minimal page (`x_minimal_page`);
- packs for a 25-item agenda (county panel, high-risk cases the chair sees
  in full), one per agency on the panel, built one after another in this one
  process, as one worker would (`mase.packs.build_pack`: the visibility query,
  the HTML and the PDF by WeasyPrint; target 60 s for six agencies). The system
  has five agencies, so five packs are built; the per-pack time and the
  projection to six are reported.

stdout: one JSON object per measurement; stderr: progress. It owns its data:
referrals_bench's (it refuses a database holding other referrals), and panels
named "BENCH ..." with their meetings, items and packs, remade on each run.
"""

import argparse
import contextlib
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import referrals_bench as rb  # sets Django up (through sharing_bench)
import sharing_bench as sb
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import Agency, District, Role, User
from mase import agenda, packs, services
from mase.models import MeetingPack, Panel
from referrals.models import Referral
from sharing.default_protocol import create_default_protocol
from sharing.levels import AccessLevel
from sharing.models import LawfulBasis

PANEL_PREFIX = "BENCH "
CHAIR = "bench.mase-chair"
# A named member for each agency's seat: its bench persona (sharing_bench's users).
MEMBERS = {"kent-police": "bench.police", "kcc": "bench.kcc", "medway": "bench.medway",
           "health": "bench.health", "early-help": "bench.early-help"}  # fmt: skip
TARGET_CANDIDATES_MS = 100
TARGET_PACKS_S = 60
SIX = 6


def log(message: str) -> None:
    sb.log(message)


def ensure_chair() -> User:
    chair = User.objects.filter(username=CHAIR).first()
    return chair or account_services.user_create(
        username=CHAIR,
        agency=Agency.objects.get(code="kcc"),
        roles=Role.objects.filter(code="mase-chair"),
        first_name="Benchmark",
        last_name="MASE chair",
    )


@transaction.atomic
def reset_panels(admin: User, chair: User, users: dict) -> dict[str, Panel]:
    """The two benchmark panels, made afresh (their meetings, items and packs with them)."""
    for panel in Panel.objects.filter(name__startswith=PANEL_PREFIX):
        for meeting in panel.meetings.all():
            meeting.packs.all().delete()
            meeting.items.all().delete()
        panel.listing_requests.all().delete()
        panel.meetings.all().delete()
        panel.delete()
    members = {Agency.objects.get(code=code): (users[username], None) for code, username in MEMBERS.items()}
    county = services.panel_create(
        created_by=chair, name=f"{PANEL_PREFIX}county strategic MASE", kind="strategic", chair=chair, members=members
    )
    maidstone = services.panel_create(
        created_by=chair, name=f"{PANEL_PREFIX}Maidstone operational MASE", kind="operational", chair=chair,
        districts=District.objects.filter(code="maidstone"), members=members,
    )  # fmt: skip
    return {"county": county, "maidstone": maidstone}


def schedule(panel: Panel, chair: User):
    return services.meeting_schedule(
        panel=panel, scheduled_by=chair, starts_at=timezone.now() + datetime.timedelta(days=7),
        listing_deadline=timezone.localdate() + datetime.timedelta(days=5), venue="Benchmark",
    )  # fmt: skip


def measure_candidates(meetings: dict, chair: User, *, runs: int, warmup: int) -> None:
    for key, meeting in meetings.items():
        log(f"agenda candidates: {key}")
        line = rb.measure_sql(
            f"agenda_candidates_{key}", "mase-chair", lambda m=meeting: agenda.candidates(m, chair),
            runs=runs, warmup=warmup, target_ms=TARGET_CANDIDATES_MS,
        )  # fmt: skip
        groups = agenda.candidates(meeting, chair)
        rb.emit({"name": f"agenda_candidates_{key}_counts", "persona": "mase-chair",
                 "counts": {group.criterion: group.count for group in groups}, "within_target":
                 line["median_ms"] <= TARGET_CANDIDATES_MS})  # fmt: skip


def _as_first_written_group(criterion, records, why, *, one_walk=True):
    return ORIGINAL_GROUP(criterion, records, why, one_walk=False)


ORIGINAL_GROUP, ORIGINAL_WITHOUT_JIT = agenda._group, agenda._without_jit
# The candidates' read shapes compared by --compare: a separate capped count
# for each criterion (the shape before) or one walk, JIT on (as before) or off.
# Review overdue reads referrals' own definition in all four (the walk needs it).
SHAPES = {
    "count_per_criterion_jit_on": (_as_first_written_group, contextlib.nullcontext),
    "one_walk_jit_on": (ORIGINAL_GROUP, contextlib.nullcontext),
    "count_per_criterion_jit_off": (_as_first_written_group, ORIGINAL_WITHOUT_JIT),
    "one_walk_jit_off": (ORIGINAL_GROUP, ORIGINAL_WITHOUT_JIT),
}


def load_agenda_module(path: str):
    """mase/agenda.py as it was at another commit (`git show <commit>:mase/agenda.py > file`)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("agenda_compared", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compare_shapes(meetings: dict, chair: User, *, runs: int, warmup: int, other: str = "") -> None:
    """Each shape of the candidates' reads (and, with `other`, the whole
    candidates of mase/agenda.py from another commit) and the minimal page,
    interleaved run by run (so each sees the same load): SQL medians, and
    each as a multiple of the minimal page's server time measured alongside."""
    browser = rb.Browser(chair)
    shapes = dict(SHAPES)
    if other:
        shapes = {"code_from_" + Path(other).stem: (load_agenda_module(other), None), **shapes}
    for key, meeting in meetings.items():
        log(f"comparing shapes: {key}")
        sql = {name: [] for name in shapes}
        page = []
        for run in range(warmup + runs):
            started = time.perf_counter()
            code, _body = browser.get(rb.MINIMAL_PAGE)
            elapsed = (time.perf_counter() - started) * 1000
            if code != 200:
                raise RuntimeError(f"{rb.MINIMAL_PAGE} answered {code}")
            for name, (group, without_jit) in shapes.items():
                module = group if without_jit is None else agenda
                if without_jit is not None:
                    agenda._group, agenda._without_jit = group, without_jit
                try:
                    _result, sql_ms, _e2e, _statements = sb.timed(lambda m=meeting, a=module: a.candidates(m, chair))
                finally:
                    agenda._group, agenda._without_jit = ORIGINAL_GROUP, ORIGINAL_WITHOUT_JIT
                if run >= warmup:
                    sql[name].append(sql_ms)
            if run >= warmup:
                page.append(elapsed)
        reference = statistics.median(page)
        rb.emit({"name": f"minimal_page_alongside_{key}", "persona": "mase-chair", "median_ms": round(reference, 1),
                 "runs": runs})  # fmt: skip
        for name, values in sql.items():
            median = statistics.median(values)
            rb.emit({
                "name": f"agenda_candidates_{key}_{name}", "persona": "mase-chair", "median_ms": round(median, 1),
                "p95_ms": round(rb.percentile(values, 0.95), 1), "runs": runs, "kind": "sql",
                "x_minimal_page": round(median / reference, 2), "within_target": median <= TARGET_CANDIDATES_MS,
            })  # fmt: skip


def measure_pages(meetings: dict, chair: User, *, runs: int, warmup: int) -> None:
    browser = rb.Browser(chair)
    rb.measure_minimal_page("mase-chair", browser, runs=runs, warmup=warmup)
    for key, meeting in meetings.items():
        log(f"pages: {key}")
        rb.measure_page(f"agenda_builder_{key}", "mase-chair", browser, f"/mase/meetings/{meeting.pk}/agenda/", [""],
                        runs=runs, warmup=warmup)  # fmt: skip
        rb.measure_page(f"meeting_page_{key}", "mase-chair", browser, f"/mase/meetings/{meeting.pk}/", [""],
                        runs=runs, warmup=warmup)  # fmt: skip


def build_agenda(meeting, chair: User, items: int) -> int:
    cases = list(
        Referral.objects.visible_to(chair, AccessLevel.FULL)
        .active()
        .filter(risk_level="high")
        .order_by("-id")
        .values_list("pk", flat=True)[:items]
    )
    for pk in cases:
        services.agenda_item_add(meeting=meeting, added_by=chair, criterion="high_risk",
                                 referral=Referral.objects.get(pk=pk), why="High risk (benchmark)")  # fmt: skip
    return len(cases)


def measure_packs(meeting, chair: User, *, runs: int) -> None:
    basis = LawfulBasis.objects.get(code="gdpr-public-task-safeguarding")
    issued = services.packs_issue(meeting=meeting, issued_by=chair, lawful_basis=basis)  # built in-process: warm-up
    ids = [pack.pk for pack in issued]
    totals, per_pack, items_each = [], [], {}
    for run in range(runs):
        MeetingPack.objects.filter(pk__in=ids).update(status=MeetingPack.Status.QUEUED, progress=0, html="", pdf=None)
        log(f"packs: run {run + 1} of {runs}")
        started = time.perf_counter()
        for pk in ids:
            one = time.perf_counter()
            items_each[pk] = packs.build_pack(pack_id=pk)
            per_pack.append(time.perf_counter() - one)
        totals.append(time.perf_counter() - started)
    agencies = dict(MeetingPack.objects.filter(pk__in=ids).values_list("pk", "agency__code"))
    median_total = statistics.median(totals)
    mean_pack = statistics.mean(per_pack)
    rb.emit({
        "name": "packs_one_worker", "persona": "mase-chair", "agenda_items": meeting.items.count(),
        "packs": len(ids), "runs": runs, "median_total_s": round(median_total, 2), "max_total_s": round(max(totals), 2),
        "mean_pack_s": round(mean_pack, 2), "max_pack_s": round(max(per_pack), 2),
        "projected_six_agencies_s": round(mean_pack * SIX, 2), "target_s": TARGET_PACKS_S,
        "within_target": mean_pack * SIX <= TARGET_PACKS_S,
        "items_per_agency": {agencies[pk]: count for pk, count in items_each.items()},
        "pdf_kib": {agencies[pk]: round(len(bytes(pdf)) / 1024) for pk, pdf in
                    MeetingPack.objects.filter(pk__in=ids).values_list("pk", "pdf")},
    })  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000, help="referrals to load (default 100000)")
    parser.add_argument("--reuse", action="store_true", help="keep the referrals if that many are loaded")
    parser.add_argument("--load-only", action="store_true")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--pack-runs", type=int, default=3)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument(
        "--compare",
        action="store_true",
        help="only the candidates' read shapes (before and now), interleaved with the minimal page",
    )
    parser.add_argument(
        "--compare-with",
        default="",
        help="with --compare: also mase/agenda.py from another commit, saved to this file",
    )
    args = parser.parse_args()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    log("migrating")
    call_command("migrate", verbosity=0)
    sb.scalar("SELECT word_similarity('a', 'a')")  # as referrals_bench: pg_trgm loaded before VACUUM
    rb.check_database_is_ours()
    users, leads = rb.ensure_lead_users()
    # The protocol in force with every later record kind (MASE records among them), idempotent.
    create_default_protocol(agreed_by=users["bench.cse-team"])
    load = {}
    if args.reuse and Referral.objects.count() == args.records:
        log(f"reusing {args.records} referrals")
    else:
        log(f"loading {args.records} referrals (referrals_bench's loader)")
        load = rb.load_referrals(args.records, users, leads)
        log("VACUUM (ANALYZE)")
        rb.vacuum_analyze()
    chair = ensure_chair()
    rb.emit({
        "name": "machine", "persona": None, "postgres": sb.scalar("SELECT version()"), "code": rb.code_version(),
        "cpus": os.cpu_count(), "load_average": os.getloadavg(), "referrals": Referral.objects.count(),
        "chair_sees_in_full": Referral.objects.visible_to(chair, AccessLevel.FULL).count(),
        "load": {key: round(value, 1) for key, value in load.items()},
    })  # fmt: skip
    if args.load_only:
        return
    panels = reset_panels(users["bench.cse-team"], chair, users)
    meetings = {key: schedule(panel, chair) for key, panel in panels.items()}
    if args.compare:
        compare_shapes(meetings, chair, runs=args.runs, warmup=args.warmup, other=args.compare_with)
        rb.emit({"name": "done", "persona": None, "load_average": os.getloadavg()})
        return
    measure_candidates(meetings, chair, runs=args.runs, warmup=args.warmup)
    measure_pages(meetings, chair, runs=args.runs, warmup=args.warmup)
    log(f"agenda of {args.items} items")
    added = build_agenda(meetings["county"], chair, args.items)
    log(f"{added} items; packs")
    measure_packs(meetings["county"], chair, runs=args.pack_runs)
    rb.emit({"name": "done", "persona": None, "load_average": os.getloadavg()})


if __name__ == "__main__":
    main()
