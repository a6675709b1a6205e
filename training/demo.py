"""Fictional demo training for trying the service (`make run` calls
`manage.py load_demo_training`): a year of sessions across the districts and
audiences, with realistic gaps (each district leaves some of its plan's
priority audiences unreached), upcoming sessions on the trainers' calendar,
two campaigns, a road-show and a campaign launch, Community Safety Plans
(Dartford and Gravesham share one) and anonymous feedback.

Every organisation, venue and attendee is made up. Deterministic (seeded) and
loaded once: the sessions' references start DEMO-, and a second run finds
them and adds nothing."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from accounts.models import District, User
from training.coverage import rebuild_coverage
from training.models import (
    Attendee,
    Audience,
    Campaign,
    CommunitySafetyPlan,
    Course,
    CourseVersion,
    Event,
    Feedback,
    Organisation,
    PlanPriority,
    Session,
)

CAMPAIGNS = (
    ("say-something", "Say Something", "Report concerns anonymously to the 116 000 helpline."),
    ("operation-willow", "Operation Willow", "Call 101 quoting Operation Willow with information about CSE."),
)

# (code, title, [(version, status, summary)])
COURSES = (
    ("night-time-economy", "CSE awareness for the night-time economy", [
        (1, "withdrawn", "First version, before the licensing changes."),
        (2, "current", "Spotting and reporting exploitation in pubs, clubs and takeaways."),
    ]),
    ("taxi-safeguarding", "Safeguarding for taxi and private hire drivers", [
        (1, "current", "Children travelling alone, late-night pick-ups, reporting through Operation Willow."),
    ]),
    ("hotel-watch", "Hotel Watch: exploitation in hotels", [
        (1, "current", "Check-in warning signs and what to do."),
    ]),
    ("housing-providers", "Safeguarding for housing providers", [
        (1, "under_review", "Cuckooing and exploitation in tenancies (content being updated)."),
    ]),
    ("schools", "Exploitation awareness for schools", [
        (1, "current", "Designated safeguarding leads and staff: signs, online grooming, referral routes."),
    ]),
    ("professionals", "CSE for professionals", [
        (1, "current", "Multi-agency: the toolkit, MASE and information sharing."),
    ]),
)  # fmt: skip

COURSE_FOR_AUDIENCE = {
    Audience.TAXI_DRIVERS: "taxi-safeguarding",
    Audience.TAXI_OPERATORS: "taxi-safeguarding",
    Audience.LICENSEES: "night-time-economy",
    Audience.DOOR_SUPERVISORS: "night-time-economy",
    Audience.HOTEL_STAFF: "hotel-watch",
    Audience.SOCIAL_HOUSING_LANDLORDS: "housing-providers",
    Audience.HOUSING_OFFICERS: "housing-providers",
    Audience.SCHOOLS: "schools",
    Audience.YOUTH_GROUPS: "schools",
    Audience.HEALTH: "professionals",
    Audience.POLICE_STAFF: "professionals",
    Audience.OTHER: "professionals",
}

ORGANISATION_KIND = {
    Audience.TAXI_DRIVERS: ("taxi-operator", "Cars", "PHO"),
    Audience.TAXI_OPERATORS: ("taxi-operator", "Private Hire", "PHO"),
    Audience.LICENSEES: ("licensed-premises", "Arms", "PL"),
    Audience.DOOR_SUPERVISORS: ("licensed-premises", "Nightclub", "PL"),
    Audience.HOTEL_STAFF: ("hotel", "Lodge Hotel", None),
    Audience.SOCIAL_HOUSING_LANDLORDS: ("housing-provider", "Homes", None),
    Audience.SCHOOLS: ("school", "Academy", None),
}

PLAN_PRIORITIES = (
    ("Exploitation in the night-time economy", "Licensed premises, takeaways and late-night transport."),
    ("Children going missing", "Repeat missing episodes and the places they are found."),
    ("Online grooming", "Schools, parents and youth groups."),
)

FIRST_NAMES = ("Alex", "Sam", "Jordan", "Casey", "Morgan", "Riley", "Taylor", "Jamie", "Robin", "Charlie")
SURNAMES = ("Fictionby", "Madeupson", "Demoworth", "Samplesby", "Inventley", "Testerton", "Exampleford")
COMMENTS = (
    "FICTIONAL DEMO: useful examples from real journeys.",
    "FICTIONAL DEMO: I did not know about the 101 Operation Willow line.",
    "FICTIONAL DEMO: too long for a night shift.",
    "FICTIONAL DEMO: would like a leaflet for new staff.",
)
VENUES = ("Community Hall", "Council Offices", "Fire Station", "Library")
CANCEL_REASONS = ("Venue unavailable", "Trainer unwell", "Too few bookings")


def _financial_year(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    start_year = today.year if today.month >= 4 else today.year - 1
    return datetime.date(start_year, 4, 1), datetime.date(start_year + 1, 3, 31)


@transaction.atomic
def load_demo_training(*, today: datetime.date | None = None) -> int:
    """Load the demo once; returns how many sessions were added (0 when already loaded)."""
    if Session.objects.filter(reference__startswith="DEMO-").exists():
        return 0
    try:
        trainer = User.objects.get(username="kent-police.trainer")
        manager = User.objects.get(username="kent-police.manager")
    except User.DoesNotExist:
        raise LookupError("Run load_demo_users first: the demo sessions need the trainer and manager") from None
    rng = random.Random(11)  # noqa: S311 - a repeatable demo, not a secret
    today = today or timezone.localdate()
    campaigns = {
        code: Campaign.objects.get_or_create(code=code, defaults={"name": name, "description": description})[0]
        for code, name, description in CAMPAIGNS
    }
    versions = {}
    for code, title, course_versions in COURSES:
        course, _ = Course.objects.get_or_create(code=code, defaults={"title": title})
        for number, status, summary in course_versions:
            version, _ = CourseVersion.objects.get_or_create(
                course=course, number=number, defaults={"status": status, "summary": summary}
            )
            if status in CourseVersion.PLANNABLE:
                versions[code] = version
    districts = list(District.objects.current(today))
    _plans(districts, today, rng)
    organisations = _organisations(districts, rng)
    priorities = {
        district.pk: set(audiences)
        for district, audiences in (
            (district, [a for plan in district.community_safety_plans.all() for a in plan.priority_audiences])
            for district in districts
        )
    }
    sessions = _sessions(districts, priorities, versions, campaigns, (trainer, manager), today, rng)
    _register_and_feedback(sessions, organisations, rng)
    _events(districts, campaigns, trainer, today)
    rebuild_coverage()  # loaded in bulk, not through the services that keep it
    return len(sessions)


def _plans(districts, today, rng):
    start, end = _financial_year(today)
    by_code = {district.code: district for district in districts}
    groups = [[by_code["dartford"], by_code["gravesham"]]]
    groups += [[district] for district in districts if district.code not in ("dartford", "gravesham")]
    core = [Audience.TAXI_DRIVERS, Audience.LICENSEES, Audience.HOTEL_STAFF, Audience.SCHOOLS]
    extra = [
        Audience.SOCIAL_HOUSING_LANDLORDS,
        Audience.TAXI_OPERATORS,
        Audience.DOOR_SUPERVISORS,
        Audience.YOUTH_GROUPS,
    ]
    for group in groups:
        names = " and ".join(district.name for district in group)
        plan = CommunitySafetyPlan.objects.create(
            title=f"{names} Community Safety Plan {start.year}-{str(end.year)[2:]}",
            period_start=start,
            period_end=end,
            priority_audiences=[*core, *rng.sample(extra, 2)],
        )
        plan.districts.set(group)
        PlanPriority.objects.bulk_create(
            PlanPriority(plan=plan, number=number, title=title, description=description)
            for number, (title, description) in enumerate(PLAN_PRIORITIES, start=1)
        )


def _organisations(districts, rng):
    made = {}
    for district in districts:
        for audience, (kind, suffix, licence_prefix) in ORGANISATION_KIND.items():
            for n in range(1, 4):
                licence = (
                    f"{licence_prefix}/{district.code[:3].upper()}/{rng.randint(1000, 9999)}{n}"
                    if licence_prefix
                    else None
                )
                organisation = Organisation.objects.create(
                    name=f"Fictional {district.name} {suffix} {n}", kind=kind, licence_number=licence, district=district
                )
                made.setdefault((district.pk, audience), []).append(organisation)
    return made


def _sessions(districts, priorities, versions, campaigns, trainers, today, rng):
    sessions = []
    tz = timezone.get_current_timezone()
    for district in districts:
        wanted = sorted(priorities.get(district.pk, ()))
        # Realistic gaps: each district leaves one or two priority audiences unreached this year.
        reached = wanted[: len(wanted) - rng.choice((1, 1, 2))]
        audiences = reached + rng.sample([a for a in Audience.values if a not in wanted], 2)
        for audience in audiences:
            for _ in range(rng.randint(1, 3)):
                days_ago = rng.randint(5, 360)
                day = today - datetime.timedelta(days=days_ago)
                sessions.append(_session(district, audience, day, versions, campaigns, trainers, rng, tz, past=True))
        for _ in range(2):  # upcoming, for the calendar
            day = today + datetime.timedelta(days=rng.randint(3, 60))
            audience = rng.choice(wanted or Audience.values)
            sessions.append(_session(district, audience, day, versions, campaigns, trainers, rng, tz, past=False))
    for number, session in enumerate(sessions, start=1):
        session.reference = f"DEMO-{number:04d}"
    return Session.objects.bulk_create(sessions)


def _session(district, audience, day, versions, campaigns, trainers, rng, tz, *, past):
    starts = datetime.datetime.combine(day, datetime.time(rng.choice((10, 14, 18, 19)), 0), tzinfo=tz)
    session = Session(
        course_version=versions[COURSE_FOR_AUDIENCE[audience]],
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=90),
        starts_on=day,
        district=district,
        venue=f"Fictional {district.name} {rng.choice(VENUES)}",
        trainer=trainers[0] if rng.random() < 0.8 else trainers[1],
        audience=audience,
        campaign=rng.choice((None, None, campaigns["say-something"], campaigns["operation-willow"])),
    )
    if not past:
        return session
    if rng.random() < 0.06:
        session.status = Session.Status.CANCELLED
        session.cancellation_reason = rng.choice(CANCEL_REASONS)
        return session
    session.attendee_count = rng.randint(6, 40)
    session.delivered_at = starts + datetime.timedelta(hours=2)
    session.feedback_closes_at = session.delivered_at + datetime.timedelta(days=14)
    session.status = Session.Status.EVALUATED if (timezone.now() - starts).days > 21 else Session.Status.DELIVERED
    return session


def _register_and_feedback(sessions, organisations, rng):
    attendees, feedback = [], []
    for session in sessions:
        if session.status not in Session.REACHED:
            continue
        reached = organisations.get((session.district_id, session.audience), [])
        if reached:
            session.organisations.add(*rng.sample(reached, rng.randint(1, len(reached))))
        if session.audience in (Audience.TAXI_DRIVERS, Audience.DOOR_SUPERVISORS) and rng.random() < 0.5:
            # Licensing asks for names for these audiences; others are counted only.
            for _ in range(min(session.attendee_count, 8)):
                name = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
                attendees.append(
                    Attendee(session=session, name=name, organisation=rng.choice(reached) if reached else None)
                )
        for _ in range(rng.randint(0, 6)):
            feedback.append(
                Feedback(
                    session=session,
                    content_score=rng.randint(3, 5),
                    delivery_score=rng.randint(2, 5),
                    relevance_score=rng.randint(3, 5),
                    comment=rng.choice(("", "", *COMMENTS)),
                    submitted_at=session.delivered_at + datetime.timedelta(hours=rng.randint(1, 72)),
                )
            )
    Attendee.objects.bulk_create(attendees)
    Feedback.objects.bulk_create(feedback)


def _events(districts, campaigns, organiser, today):
    tz = timezone.get_current_timezone()

    def at(days, hour):
        return datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour), tzinfo=tz)

    Event.objects.create(
        kind=Event.Kind.CAMPAIGN_LAUNCH, title="Say Something campaign relaunch", campaign=campaigns["say-something"],
        starts_at=at(-200, 11), venue="Fictional County Hall, Maidstone", organiser=organiser,
        status=Event.Status.HELD, people_reached=120, notes="FICTIONAL DEMO: launch with the safeguarding board.",
    )  # fmt: skip
    Event.objects.create(
        kind=Event.Kind.CAMPAIGN_LAUNCH, title="Operation Willow: 101 awareness week",
        campaign=campaigns["operation-willow"], starts_at=at(-90, 10), venue="Fictional Bus Station",
        district=districts[0], organiser=organiser, status=Event.Status.HELD, people_reached=300,
    )  # fmt: skip
    for offset, district in zip((-150, -120, -60, 20), districts[1::3], strict=False):
        Event.objects.create(
            kind=Event.Kind.ROAD_SHOW, title=f"Safeguarding board road-show: {district.name}",
            campaign=campaigns["say-something"], starts_at=at(offset, 10), district=district,
            venue=f"Fictional {district.name} Market Square", organiser=organiser,
            status=Event.Status.HELD if offset < 0 else Event.Status.PLANNED,
            people_reached=0 if offset > 0 else 80,
        )  # fmt: skip
