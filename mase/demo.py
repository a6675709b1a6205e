"""Fictional MASE demo data (`make run` calls `manage.py load_demo_mase`, after
the demo referrals): a panel for each area and a county strategic panel, every
agency a member; for the West Kent panel, whose chair (mase.chair, KCC) sees
its cases, two past meetings with their record and actions in every state, and
an upcoming meeting with listing requests awaiting the chair and accepted.

Everything goes through mase.services as the demo personas, so what the demo
shows is what real use makes. Loaded once: a second run finds the panels and
adds nothing."""

import datetime
import logging

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Agency, District, User
from mase import services
from mase.models import ActionStatus, Panel, PanelKind
from referrals.models import Referral, RiskAssessment
from sharing.levels import AccessLevel
from sharing.models import LawfulBasis

PREFIX = "FICTIONAL DEMO: "
AREAS = (
    ("North Kent operational MASE", PanelKind.OPERATIONAL, ("dartford", "gravesham", "sevenoaks")),
    ("West Kent operational MASE", PanelKind.OPERATIONAL, ("maidstone", "tonbridge-malling", "tunbridge-wells")),
    ("East Kent operational MASE", PanelKind.OPERATIONAL, ("ashford", "canterbury", "dover", "swale", "thanet")),
    ("Medway operational MASE", PanelKind.OPERATIONAL, ("medway",)),
    ("Kent and Medway strategic MASE", PanelKind.STRATEGIC, ()),
)
WORKED_PANEL = "West Kent operational MASE"
MEMBERS = {
    "kent-police": ("kent-police.supervisor", "kent-police.investigator"),
    "kcc": ("kcc.supervisor", "kcc.caseworker"),
    "medway": ("medway.supervisor", "medway.caseworker"),
    "health": ("health.practitioner", None),
    "early-help": ("early-help.practitioner", None),
}


def demo_loaded() -> bool:
    return Panel.objects.filter(name=WORKED_PANEL).exists()


def _user(username):
    return User.objects.get(username=username) if username else None


def _at(days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _listable_cases(caseworker, districts):
    """Open cases the caseworker sees in full in the area, with a current approved assessment."""
    today = timezone.localdate()
    approved = RiskAssessment.objects.filter(status="approved", review_due__gte=today).values("referral_id")
    return list(
        Referral.objects.visible_to(caseworker, AccessLevel.FULL)
        .active()
        .filter(child__district__code__in=districts, pk__in=approved)
        .select_related("child")
        .order_by("pk")[:6]
    )


def _past_meeting(panel, chair, days_ago, cases, owners, *, circulate):
    meeting = services.meeting_schedule(
        panel=panel,
        scheduled_by=chair,
        starts_at=_at(-days_ago),
        listing_deadline=(_at(-days_ago - 3)).date(),
        venue="Maidstone police station, conference room 2",
    )
    items = [
        services.agenda_item_add(
            meeting=meeting, added_by=chair, criterion="high_risk", referral=case, why=f"{PREFIX}risk level high"
        )
        for case in cases
    ]
    items.append(
        services.agenda_item_add(
            meeting=meeting, added_by=chair, criterion="topic", title=f"{PREFIX}takeaways near the bus station"
        )
    )
    services.meeting_close_agenda(meeting=meeting, closed_by=chair)
    services.meeting_hold(meeting=meeting, held_by=chair)
    for agency in Agency.objects.exclude(code="early-help"):
        services.attendance_record(
            meeting=meeting, recorded_by=chair, agency=agency, status="attended", attendee_name=f"{agency.name} lead"
        )
    services.attendance_record(
        meeting=meeting, recorded_by=chair, agency=Agency.objects.get(code="early-help"), status="apologies"
    )
    for item in items:
        services.agenda_item_record(
            item=item,
            recorded_by=chair,
            discussion_summary=f"{PREFIX}partners shared what they know; a disruption plan was agreed.",
            agreed_risk_level="high" if item.referral_id else "",
            decisions=f"{PREFIX}keep on the panel's list; review at the next meeting.",
        )
    actions = []
    for n, (owner, due_in, state) in enumerate(owners):
        action = services.action_create(
            meeting=meeting,
            created_by=chair,
            description=f"{PREFIX}action {n + 1}: follow up with the family and the school",
            owner=_user(owner),
            due_date=timezone.localdate() + datetime.timedelta(days=due_in),
            agenda_item=items[n % len(items)],
        )
        if state == ActionStatus.IN_PROGRESS:
            services.action_start(action=action, started_by=action.owner)
        elif state == ActionStatus.COMPLETED:
            services.action_complete(action=action, completed_by=action.owner, outcome_note=f"{PREFIX}done")
        elif state == ActionStatus.CANCELLED:
            services.action_cancel(action=action, cancelled_by=chair, outcome_note=f"{PREFIX}no longer needed")
        actions.append(action)
    if circulate:
        services.minutes_record(
            meeting=meeting, recorded_by=chair, minutes_notes=f"{PREFIX}minutes of the last meeting agreed."
        )
        for step in ("draft_minutes", "approve_minutes"):
            services.MEETING_STEPS[step].take(record=meeting, user=chair)
        services.meeting_circulate_minutes(
            meeting=meeting,
            circulated_by=chair,
            lawful_basis=LawfulBasis.objects.get(code="gdpr-public-task-safeguarding"),
        )
    return meeting


TERMS = (
    f"{PREFIX}Purpose: a shared picture of victims, offenders, locations and themes; oversight of high-risk "
    "and stuck cases.\nMembership: one member and a deputy from each agency on the panel.\nQuorum: three "
    "agencies, one of them police and one children's services.\nInformation: shared under the Kent and Medway "
    "CSE Information Sharing Protocol; packs and minutes hold only what each agency may see."
)


def _terms(panel, chair) -> None:
    """Version 1 signed off by every member agency; version 2 in draft."""
    first = services.terms_draft(panel=panel, drafted_by=chair, text=TERMS)
    services.terms_finalise(terms=first, finalised_by=chair)
    for seat in panel.members.select_related("member"):
        services.terms_sign(terms=first, signed_by=seat.member)
    services.terms_draft(panel=panel, drafted_by=chair, text=TERMS + f"\n{PREFIX}Meets every four weeks.")


def _load() -> int:
    chair = User.objects.get(username="mase.chair")
    admin = User.objects.get(username="admin")
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    members = {agencies[code]: (_user(member), _user(deputy)) for code, (member, deputy) in MEMBERS.items()}
    panels = {}
    for name, kind, districts in AREAS:
        panels[name] = services.panel_create(
            created_by=admin,
            name=name,
            kind=kind,
            chair=chair,
            districts=District.objects.filter(code__in=districts),
            members=members,
        )
    panel = panels[WORKED_PANEL]
    _terms(panel, chair)
    caseworker = User.objects.get(username="kcc.caseworker")
    districts = {name: codes for name, _, codes in AREAS}[WORKED_PANEL]
    cases = _listable_cases(caseworker, districts)
    _past_meeting(
        panel,
        chair,
        56,
        cases[3:5],
        [
            ("kcc.caseworker", -40, ActionStatus.COMPLETED),
            ("health.practitioner", -30, ActionStatus.CANCELLED),
            ("medway.caseworker", -20, ActionStatus.OPEN),
        ],
        circulate=True,
    )
    _past_meeting(
        panel,
        chair,
        28,
        cases[5:6],
        [
            ("medway.caseworker", 2, ActionStatus.OPEN),
            ("kent-police.caseworker", 10, ActionStatus.IN_PROGRESS),
            ("kcc.caseworker", -3, ActionStatus.OPEN),
        ],
        circulate=False,
    )
    upcoming = services.meeting_schedule(
        panel=panel,
        scheduled_by=chair,
        starts_at=_at(12),
        listing_deadline=timezone.localdate() + datetime.timedelta(days=8),
        venue="Maidstone police station, conference room 2",
    )
    for n, case in enumerate(cases[:3]):
        listing = services.listing_request_create(
            referral=case,
            requested_by=caseworker,
            panel=panel,
            meeting=upcoming,
            reason=("high_risk", "stuck", "new_links")[n],
            detail=f"{PREFIX}seen with older men near the station; school attendance falling.",
        )
        if n == 0:
            services.listing_request_accept(listing=listing, accepted_by=chair, note=f"{PREFIX}list it")
    services.agenda_item_add(
        meeting=upcoming, added_by=chair, criterion="topic", title=f"{PREFIX}hotels on the A20: awareness training"
    )
    _action_plan(chair, panels["Kent and Medway strategic MASE"])
    return Panel.objects.count()


WORK_STREAMS = (
    ("The information sharing protocol", "kent-police.manager", "green"),
    ("The intelligence picture", "kent-police.analyst", "amber"),
    ("Training", "kent-police.trainer", "amber"),
    ("District Community Safety Plans", "kcc.supervisor", "red"),
    ("MASE terms of reference", "mase.chair", "green"),
    ("Health and Early Help joining", "health.practitioner", "amber"),
    ('The "Say Something" campaign', "kent-police.manager", "amber"),
)


def _action_plan(chair, strategic):
    from mase.models import WorkStream

    for position, (name, owner, rag) in enumerate(WORK_STREAMS, start=1):
        stream = WorkStream.objects.create(name=name, position=position)
        action = services.plan_action_add(
            work_stream=stream,
            added_by=chair,
            description=f"{PREFIX}agree this quarter's milestones for {name.lower()}",
            owner=_user(owner),
            due_date=timezone.localdate() + datetime.timedelta(days=30 * position),
        )
        services.plan_update_record(
            action=action, recorded_by=chair, note=f"{PREFIX}reviewed at the strategic MASE", rag=rag
        )
    meeting = services.meeting_schedule(
        panel=strategic,
        scheduled_by=chair,
        starts_at=_at(20, hour=14),
        listing_deadline=timezone.localdate() + datetime.timedelta(days=14),
        venue="County Hall, Maidstone",
    )
    services.agenda_item_add(
        meeting=meeting, added_by=chair, criterion="action_plan", title="Strategic CSE action plan review",
        minutes_allotted=45,
    )  # fmt: skip


def load_demo_mase() -> int:
    """Load the MASE demo unless it is there already; returns how many panels were added."""
    if demo_loaded():
        return 0
    task_log = logging.getLogger("celery.app.trace")
    level = task_log.level
    task_log.setLevel(logging.WARNING)
    try:
        # The reminders and notices of made-up actions go nowhere.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            return _load()
    finally:
        task_log.setLevel(level)
