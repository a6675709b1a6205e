"""Reference data for accounts: the agencies that have joined the team and the
roles of its establishment. Data migrations create rows from these; agencies
that join later are added by a new migration or in the admin."""

import datetime
from dataclasses import dataclass

from cse_team.districts import DISTRICTS


@dataclass(frozen=True)
class AgencyDefinition:
    code: str
    name: str
    kind: str
    regime: str
    joined_on: datetime.date


@dataclass(frozen=True)
class RoleDefinition:
    code: str
    name: str
    description: str


AGENCIES: tuple[AgencyDefinition, ...] = (
    AgencyDefinition("kent-police", "Kent Police", "police", "law_enforcement", datetime.date(2015, 4, 1)),
    AgencyDefinition(
        "kcc", "Kent County Council Children's Services", "childrens_services", "uk_gdpr", datetime.date(2015, 4, 1)
    ),
    AgencyDefinition(
        "medway",
        "Medway Council Children's Services",
        "childrens_services",
        "uk_gdpr",
        datetime.date(2015, 4, 1),
    ),
    AgencyDefinition("health", "Health", "health", "uk_gdpr", datetime.date(2026, 4, 1)),
    AgencyDefinition("early-help", "Early Help", "early_help", "uk_gdpr", datetime.date(2026, 4, 1)),
)

ROLES: tuple[RoleDefinition, ...] = (
    RoleDefinition("caseworker", "Caseworker", "Logs and works referrals, risk screening, chronology and actions."),
    RoleDefinition("practitioner", "Practitioner", "A partner professional who contributes to and follows cases."),
    RoleDefinition(
        "supervisor",
        "Supervisor",
        "Detective inspector, sergeant or operational delivery manager: accepts and closes cases, approves risk.",
    ),
    RoleDefinition("intelligence-officer", "Intelligence officer", "Receives, grades, sanitises and disseminates."),
    RoleDefinition("investigator", "Investigator", "Investigates offences against children."),
    RoleDefinition("analyst", "Analyst", "Links people, places and vehicles; writes problem profiles."),
    RoleDefinition("trainer", "Trainer", "Plans and records awareness training and events."),
    RoleDefinition("mase-chair", "MASE chair", "Chairs MASE panels: agendas, packs, decisions and actions."),
    RoleDefinition("manager", "Manager", "Sees dashboards of the team's scale and scope."),
    RoleDefinition("dpo", "Data protection officer", "Reads the audit trail and who can see each record."),
    RoleDefinition("sysadmin", "System administrator", "Manages accounts and reference data; no case access."),
)


def load_reference_data(apps, schema_editor=None):
    """Create or update the agencies, districts and roles, each with its group.

    Takes an app registry so a migration can pass its historical models;
    idempotent (update_or_create on codes)."""
    Group = apps.get_model("auth", "Group")
    Agency = apps.get_model("accounts", "Agency")
    District = apps.get_model("accounts", "District")
    Role = apps.get_model("accounts", "Role")

    agencies = {}
    for definition in AGENCIES:
        group, _ = Group.objects.get_or_create(name=f"agency:{definition.code}")
        agencies[definition.code], _ = Agency.objects.update_or_create(
            code=definition.code,
            defaults={
                "name": definition.name,
                "kind": definition.kind,
                "regime": definition.regime,
                "joined_on": definition.joined_on,
                "active": True,
                "group": group,
            },
        )
    for definition in DISTRICTS:
        District.objects.update_or_create(
            code=definition.code,
            defaults={
                "name": definition.name,
                "former_names": list(definition.former_names),
                "childrens_services": agencies[definition.childrens_services],
                "valid_from": definition.valid_from,
            },
        )
    for definition in ROLES:
        group, _ = Group.objects.get_or_create(name=f"role:{definition.code}")
        Role.objects.update_or_create(
            code=definition.code,
            defaults={"name": definition.name, "description": definition.description, "group": group},
        )
