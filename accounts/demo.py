"""Demo logins for trying the service: fictional people, one per agency and
role, named `<agency-code>.<role>`. Created only by `manage.py load_demo_users`
(which `make run` calls), never by migrations."""

from dataclasses import dataclass

from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from accounts import mfa, services
from accounts.models import Agency, Role, User


@dataclass(frozen=True)
class DemoUser:
    username: str
    agency: str
    roles: tuple[str, ...]
    first_name: str
    last_name: str
    job_title: str
    is_staff: bool = False
    is_superuser: bool = False
    is_cse_team_member: bool = False


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "kent-police.caseworker",
        "kent-police",
        ("caseworker",),
        "Priya",
        "Shah",
        "Detective constable",
        is_cse_team_member=True,
    ),
    DemoUser(
        "kent-police.supervisor",
        "kent-police",
        ("supervisor",),
        "Tom",
        "Okafor",
        "Detective sergeant",
        is_cse_team_member=True,
    ),
    DemoUser(
        "kent-police.intelligence-officer",
        "kent-police",
        ("intelligence-officer",),
        "Sam",
        "Whitfield",
        "Intelligence officer",
        is_cse_team_member=True,
    ),
    DemoUser(
        "kent-police.analyst",
        "kent-police",
        ("analyst",),
        "Alex",
        "Morgan",
        "Intelligence analyst",
        is_cse_team_member=True,
    ),
    DemoUser(
        "kent-police.investigator",
        "kent-police",
        ("investigator",),
        "Jo",
        "Brennan",
        "Investigator",
        is_cse_team_member=True,
    ),
    DemoUser("kent-police.trainer", "kent-police", ("trainer",), "Chris", "Daly", "CSE trainer"),
    DemoUser(
        "kent-police.manager",
        "kent-police",
        ("manager",),
        "Helen",
        "Price",
        "Detective inspector",
        is_cse_team_member=True,
    ),
    DemoUser("kcc.caseworker", "kcc", ("caseworker",), "Amira", "Hussain", "Social worker"),
    DemoUser("kcc.supervisor", "kcc", ("supervisor",), "Gareth", "Evans", "Operational delivery manager"),
    DemoUser("medway.caseworker", "medway", ("caseworker",), "Lucy", "Chen", "Social worker"),
    DemoUser("medway.supervisor", "medway", ("supervisor",), "Mark", "Adeyemi", "Team manager"),
    DemoUser("health.practitioner", "health", ("practitioner",), "Nadia", "Kowalski", "Safeguarding nurse"),
    DemoUser("early-help.practitioner", "early-help", ("practitioner",), "Ben", "Taylor", "Early Help worker"),
    DemoUser("mase.chair", "kcc", ("mase-chair",), "Ruth", "Abbott", "MASE chair"),
    DemoUser("dpo", "kent-police", ("dpo",), "Daniel", "Reid", "Data protection officer"),
    DemoUser(
        "admin",
        "kent-police",
        ("sysadmin",),
        "Morgan",
        "Ellis",
        "System administrator",
        is_staff=True,
        is_superuser=True,
    ),
)


@transaction.atomic
def load_demo_users(*, password: str, totp_secret: str | None = None) -> list[User]:
    """Create or refresh every demo user; running it again duplicates nothing.
    Those who must use a second factor (accounts.mfa) get an authenticator app
    with `totp_secret`, so a demo can sign in as them (`manage.py demo_totp_code`)."""
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    roles = {role.code: role for role in Role.objects.all()}
    users = []
    for demo in DEMO_USERS:
        agency = agencies[demo.agency]
        user = User.objects.filter(username=demo.username).first()
        if user is None:
            user = services.user_create(
                username=demo.username,
                agency=agency,
                password=password,
                first_name=demo.first_name,
                last_name=demo.last_name,
                email=f"{demo.username}@example.invalid",
                job_title=demo.job_title,
                is_staff=demo.is_staff,
                is_superuser=demo.is_superuser,
                is_cse_team_member=demo.is_cse_team_member,
            )
        else:
            user.set_password(password)
            user.is_active = True
            user.is_cse_team_member = demo.is_cse_team_member
            user.save(update_fields=["password", "is_active", "is_cse_team_member"])
            if user.agency_id != agency.pk:
                services.user_change_agency(user=user, agency=agency)
        services.user_set_roles(user=user, roles=[roles[code] for code in demo.roles])
        user.__dict__.pop("_held_roles", None)
        if totp_secret and mfa.mfa_required(user) and not mfa.has_second_factor(user):
            TOTP.activate(user, totp_secret)
        users.append(user)
    return users
