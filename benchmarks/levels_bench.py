"""Benchmark of the Python cost of the sharing engine's level CASE, on the
referrals a `referrals_bench.py` run loaded (it loads nothing itself).

    DATABASE_URL=postgres://.../cse_bench_x .venv/bin/python benchmarks/referrals_bench.py --records 100000 --load-only
    DATABASE_URL=postgres://.../cse_bench_x .venv/bin/python benchmarks/levels_bench.py > results/levels.jsonl

For the four personas of referrals_bench (bench.cse-team, kcc, medway, health):

- `compile`: building and compiling (`sql_with_params`, nothing sent to the
  database) the referral list's first page query with levels, the referral
  page's record query, and the level CASE alone, for a fresh user object each
  time (the request's rules and grant profile already read, as after the
  first query of a request; the predicates not);
- `page`: the referral list (`GET /referrals/`), a referral page (ten of the
  persona's, in turn) and the minimal signed-in page, through Django's test
  client: wall time and this process's CPU time (`time.process_time`: the
  Python, not the wait for PostgreSQL), which another process's load on a
  shared machine disturbs far less than the wall time.

stdout: one JSON object per measurement (medians); run the old and the new
code alternately (`git archive` the old one into a directory and run it from
there) to compare them.
"""

import argparse
import json
import os
import statistics
import sys
import time
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cse_team.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-use-anywhere-else-0123456789")
os.environ.setdefault("LOG_LEVEL", "ERROR")
os.environ.setdefault("STATIC_MANIFEST", "false")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_COOKIES", "false")
warnings.simplefilter("ignore")  # no static files directory in a bench checkout

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from accounts.models import User  # noqa: E402
from accounts.testing import mark_fully_signed_in  # noqa: E402
from referrals.models import Referral  # noqa: E402
from sharing import access, registry  # noqa: E402

PERSONAS = ("cse-team", "kcc", "medway", "health")
WARMUP = 5


def emit(line: dict) -> None:
    print(json.dumps(line), flush=True)


def fresh_copy(user):
    """The user as at a request's second query: rules and grant profile read,
    no predicate built yet."""
    fresh = User.__new__(User)
    fresh.__dict__.update({key: value for key, value in user.__dict__.items() if key != "_sharing_predicates"})
    return fresh


def measure_compile(user, name: str, runs: int) -> None:
    access.rules_in_force(user)
    access._grant_profile(registry.for_model(Referral), user)
    _ = user.role_codes
    pk = Referral.objects.visible_to(user).values_list("pk", flat=True).first()
    queries = {
        "list_query": lambda u: Referral.objects.visible_to(u).with_access_level(u).order_by("-received_at")[:25],
        "record_query": lambda u: Referral.objects.visible_to(u).with_access_level(u).filter(pk=pk),
        "level_case": lambda u: Referral.objects.filter(pk=pk).annotate(
            access_level=access.access_level_expression(Referral, u)
        ),
    }
    for label, build in queries.items():
        timings = []
        for number in range(runs + WARMUP):
            fresh = fresh_copy(user)
            started = time.perf_counter()
            sql, _params = build(fresh).query.sql_with_params()
            if number >= WARMUP:
                timings.append((time.perf_counter() - started) * 1000)
        emit({"measure": f"compile_{label}", "persona": name, "runs": runs,
              "median_ms": round(statistics.median(timings), 3), "sql_chars": len(sql)})  # fmt: skip


def measure_pages(user, name: str, runs: int) -> None:
    picked = Referral.objects.visible_to(user, "full").order_by("-id").values_list("pk", flat=True)[:10]
    client = Client()
    client.force_login(user)
    mark_fully_signed_in(client, user)
    pages = {
        "referral_list": ["/referrals/"],
        "referral_page": [f"/referrals/{pk}/" for pk in picked],
        "minimal_signed_in_page": ["/accounts/you/"],
    }
    for label, paths in pages.items():
        wall, cpu = [], []
        for number in range(runs + WARMUP):
            path = paths[number % len(paths)]
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            _ = response.content
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code} for {name}")
            if number >= WARMUP:
                wall.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
        emit({"measure": label, "persona": name, "runs": runs, "median_ms": round(statistics.median(wall), 2),
              "cpu_median_ms": round(statistics.median(cpu), 2)})  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="pages: runs after 5 warm-up ones (compile: 5x)")
    parser.add_argument("--skip", default="", help="comma-separated: compile,page")
    arguments = parser.parse_args()
    skip = set(filter(None, arguments.skip.split(",")))
    settings.ALLOWED_HOSTS = ["*"]
    emit({"measure": "machine", "cpus": os.cpu_count(), "load_average": os.getloadavg()})
    for name in PERSONAS:
        user = User.objects.select_related("agency").get(username=f"bench.{name}")
        if "compile" not in skip:
            measure_compile(user, name, arguments.runs * 5)
        if "page" not in skip:
            measure_pages(user, name, arguments.runs)
    emit({"measure": "done", "load_average": os.getloadavg()})


if __name__ == "__main__":
    main()
