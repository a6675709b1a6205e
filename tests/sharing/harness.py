"""The permission-matrix harness: a feature app declares its pages, API
endpoints and a record factory; the harness makes records owned by every
agency (about children in a KCC district and in Medway), shares some, signs
in as every persona and checks every page and endpoint against the plain-
Python reference model of the protocol in force: 200 with the right fields
where it gives access, 404 (or absence from lists) where it does not."""

from collections.abc import Callable
from dataclasses import dataclass

from accounts.models import Agency
from sharing.models import ScopeRule, Share
from tests.sharing import reference_model as ref

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
