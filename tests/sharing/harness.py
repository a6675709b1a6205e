"""The permission-matrix harness: a feature app declares its pages, API
endpoints and a record factory; the harness makes records owned by every
agency (about children in a KCC district and in Medway), shares some, signs
in as every persona and checks every page and endpoint against the plain-
Python reference model of the protocol in force: 200 with the right fields
where it gives access, 404 (or absence from lists) where it does not."""

import re
from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import Agency
from sharing.models import ScopeRule, Share
from tests.sharing import reference_model as ref

# A persona of each agency records that agency's records in the matrices.
RECORDER = {
    "kent-police": "kent-police.caseworker",
    "kcc": "kcc.caseworker",
    "medway": "medway.caseworker",
    "health": "health.practitioner",
    "early-help": "early-help.practitioner",
}
# Personas holding no casework role: Kent Police staff outside the CSE team
# who read no case content (the DPO and administrator oversee access).
NO_CASE_ACCESS = {"dpo", "admin", "kent-police.trainer"}


def level_plan(queryset) -> str:
    """The line of the queryset's plan (EXPLAIN VERBOSE) that computes the
    access level's CASE: where a grant or source is probed or hashed."""
    from django.db import connection

    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (VERBOSE) " + sql, params)
        plan = [row[0] for row in cursor.fetchall()]
    return next(line for line in plan if "CASE WHEN" in line)


def casework_personas(personas) -> dict:
    """The personas a matrix checks against the reference model (which gives
    its people no roles: every one holds a casework role); the others have
    their own tests."""
    chosen = {name: user for name, user in personas.items() if ref.reads_casework(user.role_codes)}
    assert set(personas) - set(chosen) == NO_CASE_ACCESS
    return chosen


DISTRICTS = ("maidstone", "medway")


@dataclass
class MatrixSpec:
    make_record: Callable  # (owner agency code, district code) -> record
    detail_url: Callable  # record -> url
    list_url: str
    api_list_url: str
    api_detail_url: Callable  # record -> url
    summary_text: Callable  # record -> text every level shows
    full_text: Callable  # record -> text only full (and change) shows
    full_only_api_field: str
    search_url: Callable | None = None  # record -> url of a search that should find it
    authority: Callable = lambda record: record.district.childrens_services.code
    owner: Callable = lambda record: record.owning_agency.code


def reference_rules(kind: str) -> list[ref.Rule]:
    return [
        ref.Rule(
            recipient=rule.recipient.code if rule.recipient_id else None, condition=rule.condition, level=rule.level
        )
        for rule in ScopeRule.objects.filter(protocol__status="agreed", record_kind=kind).select_related("recipient")
    ]


def reference_grants(kind: str) -> list[ref.Grant]:
    return [
        ref.Grant(
            record_id=share.record_id,
            level=share.level,
            agency=share.recipient_agency.code if share.recipient_agency_id else None,
            user_id=share.recipient_user_id,
        )
        for share in Share.objects.active().filter(record_kind=kind).select_related("recipient_agency")
    ]


def make_records(spec: MatrixSpec) -> list:
    return [spec.make_record(agency.code, district) for agency in Agency.objects.active() for district in DISTRICTS]


def run_matrix(client, personas: dict, spec: MatrixSpec, records: list) -> tuple[int, list[str]]:
    """Returns (checks made, failures); each failure names persona, record and check."""
    kind = records[0]._meta.label_lower
    rules, grants = reference_rules(kind), reference_grants(kind)
    failures, checks = [], 0
    for username, user in personas.items():
        person = ref.Person(user_id=user.pk, agency=user.agency.code, is_cse_team_member=user.is_cse_team_member)
        client.force_login(user)
        listed = client.get(spec.list_url).content.decode()
        api_ids = {row["id"] for row in client.get(spec.api_list_url).json()["results"]}
        for record in records:
            subject = ref.Record(record_id=record.pk, owner=spec.owner(record), authority=spec.authority(record))
            level = ref.expected_level(person, subject, rules, grants)
            where = f"{username} -> {record} (expected {level or 'no access'})"

            page = client.get(spec.detail_url(record))
            api = client.get(spec.api_detail_url(record))
            checks += 4
            if level is None:
                if page.status_code != 404:
                    failures.append(f"{where}: page answered {page.status_code}, not 404")
                if api.status_code != 404:
                    failures.append(f"{where}: API answered {api.status_code}, not 404")
            else:
                body = page.content.decode()
                if page.status_code != 200 or spec.summary_text(record) not in body:
                    failures.append(f"{where}: page answered {page.status_code} without the summary")
                elif (spec.full_text(record) in body) != (level != "summary"):
                    failures.append(f"{where}: page full-level fields shown={spec.full_text(record) in body}")
                if api.status_code != 200:
                    failures.append(f"{where}: API answered {api.status_code}")
                elif (spec.full_only_api_field in api.json()) != (level != "summary"):
                    failures.append(f"{where}: API full-level field shown={spec.full_only_api_field in api.json()}")
            if (spec.summary_text(record) in listed) != (level is not None):
                failures.append(f"{where}: list page shows it={spec.summary_text(record) in listed}")
            if (record.pk in api_ids) != (level is not None):
                failures.append(f"{where}: API list shows it={record.pk in api_ids}")
            if spec.search_url:
                found = spec.summary_text(record) in client.get(spec.search_url(record)).content.decode()
                checks += 1
                if found != (level is not None):
                    failures.append(f"{where}: search finds it={found}")
    return checks, failures


# --- canaries: no field above summary reaches a summary reader ----------------------
#
# Every non-summary field a person can enter (text, choice, array, date, date
# and time) of each record, and of the records with levels it reaches through
# a summary field (a referral's child), is filled with a value found nowhere
# else: a string `Cnry0042` or a day in 1907. Then, for every persona, every
# response that may show a record the persona holds at summary (or not at
# all) must contain none of that record's canaries: its page, its API
# detail in every renderer format, the list page and API list, a search,
# the list filtered on each filter, sorted each way, every page's cursors
# (decoded), and each CSV export. A filter or sort on a non-summary field must
# not list a summary row at all.

CANARY_YEAR = 1907


@dataclass
class Canaries:
    texts: list[str]
    dates: list  # datetime.date

    def found_in(self, body: str) -> list[str]:
        found = [text for text in self.texts if text in body]
        for day in self.dates:
            variants = (
                day.isoformat(),
                f"{day.day} {day:%B} {day.year}",
                f"{day.day} {day:%b} {day.year}",
                day.strftime("%d/%m/%Y"),
            )
            # "9 Jun 1907" is inside "19 Jun 1907": a date starts after a non-digit.
            found.extend(variant for variant in variants if re.search(rf"(?<!\d){re.escape(variant)}", body))
        return found


class _Sequence:
    def __init__(self):
        self.next = 0

    def __call__(self):
        self.next += 1
        return self.next


def _canary_values(model, seq) -> tuple[dict, Canaries]:
    import datetime

    from django.contrib.postgres.fields import ArrayField
    from django.db import models as django_models
    from django.utils import timezone

    from sharing import registry

    summary = set(registry.summary_fields(model))
    values, canaries = {}, Canaries(texts=[], dates=[])
    for field in model._meta.concrete_fields:
        if field.primary_key or field.name in summary or not field.editable or field.is_relation:
            continue
        base = field.base_field if isinstance(field, ArrayField) else field
        if isinstance(base, django_models.DateTimeField):
            day = datetime.date(CANARY_YEAR, 1, 1) + datetime.timedelta(days=seq())
            value = datetime.datetime.combine(day, datetime.time(12, 0), tzinfo=datetime.UTC)
            canaries.dates.append(timezone.localtime(value).date())
            canaries.texts.append(str(value))
        elif isinstance(base, django_models.DateField):
            value = datetime.date(CANARY_YEAR, 1, 1) + datetime.timedelta(days=seq())
            canaries.dates.append(value)
        elif isinstance(base, django_models.CharField | django_models.TextField):
            value = f"Cnry{seq():04d}"
            if base.max_length and base.max_length < len(value):
                continue
            canaries.texts.append(value)
        else:  # numbers, booleans, JSON: no value unique enough to look for
            continue
        values[field.name] = [value] if isinstance(field, ArrayField) else value
    return values, canaries


def plant_canaries(records: list) -> tuple[list, dict]:
    """Fill the records' non-summary fields (and those of the records with
    levels they reach through summary fields) with canaries. Returns the
    records re-read and {record pk: Canaries}."""
    from sharing import registry

    seq = _Sequence()
    planted = {}
    for record in records:
        model = type(record)
        values, canaries = _canary_values(model, seq)
        model._default_manager.filter(pk=record.pk).update(**values)
        for name in registry.summary_fields(model):
            field = model._meta.get_field(name)
            related = field.related_model if field.is_relation and field.many_to_one else None
            if related is None or not registry.has_levels(related):
                continue
            related_values, related_canaries = _canary_values(related, seq)
            related._default_manager.filter(pk=getattr(record, field.attname)).update(**related_values)
            canaries.texts += related_canaries.texts
            canaries.dates += related_canaries.dates
        planted[record.pk] = canaries
    return [type(record)._default_manager.get(pk=record.pk) for record in records], planted


@dataclass
class CanarySpec:
    """What the canary check asks of a list, beyond MatrixSpec's pages."""

    filterset: type | None = None  # the list page's FilterSet
    filter_values: dict | None = None  # filter name -> (record -> value), for method filters
    filter_reads: dict | None = None  # method filter name -> fields it reads
    sorts: dict | None = None  # ?sort= value -> ordering fields
    export_urls: tuple[str, ...] = ()
    other_pages: Callable = lambda record: []  # record -> other pages a summary reader may open
    other_api_urls: Callable = lambda record: []  # record -> other API reads (each checked in every format)
    api_formats: tuple[str, ...] = ("json", "api", "html", "csv", "yaml", "xml")


def _cursors(body: str) -> list[str]:
    """The cursors of the links in a page or API answer, decoded."""
    import base64
    from urllib.parse import unquote

    decoded = []
    for value in re.findall(r"cursor=([A-Za-z0-9%_=\-+/]+)", body):
        value = unquote(value)
        try:
            decoded.append(base64.b64decode(value + "=" * (-len(value) % 4)).decode("utf-8", "replace"))
        except ValueError:
            decoded.append(value)
    return decoded


def _filter_value(spec: CanarySpec, name, flt, record):
    if spec.filter_values and name in spec.filter_values:
        return spec.filter_values[name](record)
    if flt.method is not None or flt.field_name is None:
        return "on"
    value = getattr(record, type(record)._meta.get_field(flt.field_name).attname)
    return "on" if value is True else value


def run_canaries(client, personas: dict, spec: MatrixSpec, canary_spec: CanarySpec, records: list, planted: dict):
    """Returns (checks made, failures): each names persona, record and where a
    canary (or a summary row that should not be there) was found."""
    from django.test import RequestFactory

    from sharing import registry

    kind = records[0]._meta.label_lower
    model = type(records[0])
    rules, grants = reference_rules(kind), reference_grants(kind)
    summary = set(registry.summary_fields(model)) | {"id", "pk"}
    failures, checks = [], 0

    def reads_above_summary(fields) -> bool:
        return any(field.lstrip("-").split("__")[0] not in summary for field in fields)

    for username, user in personas.items():
        person = ref.Person(user_id=user.pk, agency=user.agency.code, is_cse_team_member=user.is_cse_team_member)
        levels = {
            record.pk: ref.expected_level(
                person, ref.Record(record_id=record.pk, owner=spec.owner(record), authority=spec.authority(record)),
                rules, grants,
            )
            for record in records
        }  # fmt: skip
        hidden = [record for record in records if levels[record.pk] in (None, "summary")]
        summary_rows = [record for record in records if levels[record.pk] == "summary"]
        if not hidden:
            continue
        client.force_login(user)

        def check(where: str, response, *, unlisted=(), hidden=hidden, username=username):
            nonlocal checks
            checks += 1
            content = b"".join(response.streaming_content) if response.streaming else response.content
            body = content.decode(errors="replace")
            if response.status_code >= 500:
                failures.append(f"{username}: {where} answered {response.status_code}")
            text = body + "\n".join(_cursors(body)) + str(response.get("Location", ""))
            for record in hidden:
                found = planted[record.pk].found_in(text)
                if found:
                    import os

                    if os.environ.get("CANARY_DEBUG"):
                        i = text.index(found[0])
                        print("DEBUG", where, text[max(0, i - 600) : i + 100])
                    failures.append(f"{username} -> {record}: {where} shows canaries {found}")
            for record in unlisted:
                if spec.summary_text(record) in body or f'"id":{record.pk},' in body.replace(" ", ""):
                    failures.append(f"{username} -> {record}: {where} lists a summary row")

        for record in summary_rows:
            check("the page", client.get(spec.detail_url(record)))
            for page in canary_spec.other_pages(record):
                check(f"the page {page}", client.get(page))
            for url in (spec.api_detail_url(record), *canary_spec.other_api_urls(record)):
                for fmt in canary_spec.api_formats:
                    check(f"{url}?format={fmt}", client.get(url, {"format": fmt}))
                for accept in ("text/html", "text/html,application/xhtml+xml,*/*;q=0.8", "application/json"):
                    check(f"{url} (Accept: {accept})", client.get(url, HTTP_ACCEPT=accept))
            if spec.search_url:
                check("a search", client.get(spec.search_url(record)))
        check("the list page", client.get(spec.list_url))
        check("the API list", client.get(spec.api_list_url))
        for url in canary_spec.export_urls:
            check(f"the export {url}", client.get(url))
        if not summary_rows:
            # A list holds only rows the persona sees: without a summary row,
            # no filter, sort or cursor can be asked about one.
            continue
        for fmt in canary_spec.api_formats:
            check(f"the API list (?format={fmt})", client.get(spec.api_list_url, {"format": fmt}))
        if canary_spec.filterset is not None:
            request = RequestFactory().get(spec.list_url)
            request.user = user
            filters = canary_spec.filterset(queryset=model._default_manager.none(), request=request).filters
            for name, flt in filters.items():
                reads = (canary_spec.filter_reads or {}).get(name) or (flt.field_name,)
                for record in summary_rows:
                    value = _filter_value(canary_spec, name, flt, record)
                    if value in (None, ""):
                        continue
                    check(
                        f"the list filtered on {name}={value}",
                        client.get(spec.list_url, {name: value}),
                        unlisted=[record] if reads_above_summary(reads) else (),
                    )
        for sort, ordering in (canary_spec.sorts or {}).items():
            response = client.get(spec.list_url, {"sort": sort})
            check(f"the list sorted {sort}", response, unlisted=summary_rows if reads_above_summary(ordering) else ())
            # Walk the pages one row at a time: every cursor is checked.
            for base, is_api in ((spec.list_url, False), (spec.api_list_url, True)):
                url, pages = f"{base.split('?')[0]}?sort={sort}&page_size=1", 0
                while url and pages <= len(records):
                    response = client.get(url)
                    check(f"page {pages + 1} of {base} sorted {sort}, one a page", response)
                    if response.status_code != 200:
                        break
                    url = response.json().get("next") if is_api else response.context.get("next_url")
                    if url and url.startswith("?"):
                        url = base.split("?")[0] + url
                    pages += 1
    return checks, failures
