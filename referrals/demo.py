"""Fictional demo referrals for trying the service (`make run` calls
`manage.py load_demo_referrals`). Every child, name and event is made up: the
concern summaries start "FICTIONAL DEMO:" and the surnames are invented.

The referrals go through the services, as the demo personas (accounts/demo.py),
so the workflow, the assessments and the access log are what real use makes.
Services stamp "now"; the demo then moves each story into the past (received,
triaged, accepted... days or months apart), so lists, timeliness and overdue
reviews look like a year of work. Deterministic (seeded) and loaded once: the
children carry {"demo": true} in their external references, and a second run
finds them and adds nothing."""

import datetime
import logging
import random
from collections import defaultdict
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Agency, District, User
from referrals import services
from referrals.models import (
    Action,
    Channel,
    Child,
    ChronologyEntry,
    ClosureReason,
    ConsentNotSoughtReason,
    ConsentOutcome,
    Ethnicity,
    ExploitationModel,
    Gender,
    Instrument,
    MissingEpisode,
    Referral,
    RiskAssessment,
    SpecialNeeds,
    Status,
    StatusChange,
)
from referrals.models.children import age_on
from referrals.scoring import Response
from sharing.models import LawfulBasis
from sharing.services import share_record

DEMO_MARKER = "demo"
DEMO_PREFIX = "FICTIONAL DEMO: "
DEFAULT_COUNT = 300
SEED = 20261129

FIRST_NAMES = (
    "Ava", "Ben", "Cara", "Dani", "Eden", "Finn", "Gracie", "Harley", "Isla", "Jade", "Kai", "Lacey", "Mia",
    "Noah", "Olivia", "Paige", "Quinn", "Riley", "Sophie", "Tyler", "Umar", "Violet", "Willow", "Xander",
    "Yasmin", "Zara", "Amber", "Brooke", "Chloe", "Demi", "Ellie", "Frankie", "Georgia", "Hollie", "Imogen",
    "Jordan", "Kacey", "Leah", "Macy", "Nadia",
)  # fmt: skip
# Surnames no real family has: the demo must never look like a real child.
LAST_NAMES = (
    "Demoson", "Sampleford", "Fictionley", "Mockridge", "Testwell", "Pretendon", "Madeupson", "Notrealby",
    "Examplewood", "Placeholderton", "Dummerfield", "Fakeham", "Inventley", "Storybrook", "Imaginary",
    "Trialworth", "Specimenby", "Draftwick", "Pseudonymous", "Fablemore", "Mythcombe", "Synthley",
    "Prototon", "Nonesuch", "Whimsbury",
)  # fmt: skip
ALIASES = ("Lil D", "Princess", "Smudge", "Bubbles", "K-Dog", "Shorty", "Mouse", "Sunny")
SCHOOLS = ("Fictional Academy", "Made-up High School", "Nowhere Grammar (fictional)", "Demo Community College", "")
CONCERNS = (
    "{name} has been seen getting into cars with older males after school and returns with new clothes.",
    "{name} told a teacher about an 'older boyfriend' met online who asks for photos.",
    "{name} has been missing overnight three times this month and will not say where they stay.",
    "{name} was found at a flat party with adults; alcohol and cannabis were present.",
    "{name} has a second phone and unexplained money; school attendance has dropped sharply.",
    "{name} is associating with a group of young adults known for drug supply in the town centre.",
    "Sexual health clinic concern: {name} has attended twice with an adult who gave a false relationship.",
    "{name} has been self-harming and mentioned 'owing' people for gifts.",
    "Foster carer reports {name} is collected from the placement by unknown men in taxis late at night.",
    "{name} disclosed being pressured to send images, then withdrew the disclosure the next day.",
)
CHRONOLOGY = (
    ("contact", "Home visit: spoke with {name} and the carer about staying safe online."),
    ("information", "School shared attendance figures: below 70 % this term."),
    ("meeting", "Strategy discussion held with police, children's services and health."),
    ("incident", "{name} reported missing and found in the early hours in another town."),
    ("disclosure", "{name} named an adult who buys them vapes and alcohol."),
    ("note", "Case note: safety plan reviewed with {name}; agreed a trusted adult at school."),
    ("information", "Police shared that a vehicle seen with {name} is linked to another investigation."),
    ("contact", "Phone call with the school nurse about a sexual health appointment."),
)
ACTIONS = (
    "Complete a return home interview",
    "Arrange a strategy discussion",
    "Share the safety plan with the school",
    "Request information from the sexual health service",
    "Visit the placement and speak with the carers",
    "Check the vehicle registration reported by the school",
    "Refer to the specialist CSE support worker",
    "Update the chronology after the MASE meeting",
)
FOUND_LOCATIONS = ("A fictional flat in the town centre", "Demo bus station", "A park (made-up location)", "")
REFERRERS = (
    ("Pat Example", "Designated safeguarding lead", "Fictional Academy"),
    ("Sam Placeholder", "School nurse", "Demo NHS Trust"),
    ("Jo Notreal", "Youth worker", "Made-up Youth Project"),
    ("Chris Sample", "Police constable", "Kent Police"),
    ("Alex Madeup", "Foster carer", "Fictional Fostering Agency"),
    ("Robin Test", "Parent", ""),
    ("Lee Imaginary", "GP", "Demo Surgery"),
)

# Target statuses and how many of each per 300 referrals.
STATUS_MIX = (
    (Status.RECEIVED, 30),
    (Status.TRIAGED, 20),
    (Status.NO_FURTHER_ACTION, 20),
    (Status.SIGNPOSTED, 15),
    (Status.FRONT_DOOR, 15),
    (Status.ACCEPTED, 30),
    (Status.RISK_ASSESSED, 40),
    (Status.OPEN, 80),
    (Status.CLOSED, 50),
)
# How old each story is, by target status: (fewest, most) days ago it was received.
AGE_DAYS = {
    Status.RECEIVED: (0, 5),
    Status.TRIAGED: (2, 20),
    Status.NO_FURTHER_ACTION: (10, 300),
    Status.SIGNPOSTED: (10, 300),
    Status.FRONT_DOOR: (10, 300),
    Status.ACCEPTED: (8, 60),
    Status.RISK_ASSESSED: (20, 200),
    Status.OPEN: (30, 500),
    Status.CLOSED: (90, 700),
}


@dataclass(frozen=True)
class Team:
    """Who records and works an owning agency's referrals."""

    agency: str
    creator: str
    caseworker: str  # triage, assessments, chronology
    supervisor: str  # accept, assign, approve, close
    leads: tuple[str, ...]


TEAMS = (
    (Team("kcc", "kcc.caseworker", "kcc.caseworker", "kcc.supervisor", ("kcc.caseworker",)), 35),
    (
        Team(
            "kent-police",
            "kent-police.caseworker",
            "kent-police.caseworker",
            "kent-police.supervisor",
            ("kent-police.caseworker", "kent-police.investigator"),
        ),
        25,
    ),
    (Team("medway", "medway.caseworker", "medway.caseworker", "medway.supervisor", ("medway.caseworker",)), 15),
    # Health and Early Help have no caseworkers: the CSE team works what they refer.
    (
        Team(
            "health",
            "health.practitioner",
            "kent-police.caseworker",
            "kent-police.supervisor",
            ("health.practitioner", "kent-police.caseworker"),
        ),
        12,
    ),
    (
        Team(
            "early-help",
            "early-help.practitioner",
            "kent-police.caseworker",
            "kent-police.supervisor",
            ("early-help.practitioner", "kent-police.caseworker"),
        ),
        13,
    ),
)


def demo_loaded() -> bool:
    return Child.objects.filter(external_references__contains={DEMO_MARKER: True}).exists()


@dataclass
class Story:
    """One referral's events, in order, with the times they are moved to."""

    referral: Referral
    received_at: datetime.datetime
    clock: datetime.datetime
    moves: list = field(default_factory=list)  # time of each StatusChange, in order
    stamps: dict = field(default_factory=dict)
    assessments: list = field(default_factory=list)  # (assessment, submitted, decided)
    actions: list = field(default_factory=list)  # (action, created, due, completed)

    def later(self, rng: random.Random, low_hours: float, high_hours: float) -> datetime.datetime:
        self.clock = min(self.clock + datetime.timedelta(hours=rng.uniform(low_hours, high_hours)), self.latest)
        return self.clock

    @property
    def latest(self) -> datetime.datetime:
        return timezone.now() - datetime.timedelta(minutes=30)


class DemoLoader:
    def __init__(self, *, count: int, seed: int):
        self.count = count
        self.rng = random.Random(seed)  # noqa: S311 - a repeatable demo, not a secret
        self.users = {user.username: user for user in User.objects.select_related("agency")}
        missing = {team.creator for team, _ in TEAMS} - set(self.users)
        if missing:
            raise LookupError(f"Load the demo users first (manage.py load_demo_users): {sorted(missing)} missing")
        self.agencies = {agency.code: agency for agency in Agency.objects.all()}
        districts = list(District.objects.current().select_related("childrens_services").order_by("code"))
        self.districts = districts
        self.kcc_districts = [d for d in districts if d.childrens_services.code == "kcc"]
        self.medway_districts = [d for d in districts if d.childrens_services.code == "medway"]
        self.instruments = list(Instrument.objects.filter(active=True).order_by("code"))
        self.indicators = {
            instrument.pk: list(
                instrument.sections.order_by("position").values_list("indicators__pk", "category", "position")
            )
            for instrument in self.instruments
        }
        self.stories: list[Story] = []
        self.entries: list[ChronologyEntry] = []
        self.children_by_agency = defaultdict(list)

    def user(self, username: str) -> User:
        return self.users[username]

    # --- one referral ----------------------------------------------------------------

    def plan(self):
        statuses = [status for status, share in STATUS_MIX for _ in range(round(share * self.count / 300))]
        while len(statuses) < self.count:
            statuses.append(Status.OPEN)
        statuses = statuses[: self.count]
        self.rng.shuffle(statuses)
        teams = [team for team, weight in TEAMS for _ in range(weight)]
        for number, status in enumerate(statuses):
            team = teams[self.rng.randrange(len(teams))]
            if team.agency == "medway":
                district = self.medway_districts[number % len(self.medway_districts)]
            elif team.agency == "kcc":
                district = self.kcc_districts[number % len(self.kcc_districts)]
            else:
                district = self.districts[number % len(self.districts)]
            yield team, district, status

    def new_child(self, district: District, received: datetime.date) -> dict:
        rng = self.rng
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        fields = {
            "first_name": first,
            "last_name": last,
            "aliases": [rng.choice(ALIASES)] if rng.random() < 0.2 else [],
            "district": district,
            "gender": rng.choices([Gender.FEMALE, Gender.MALE, Gender.OTHER, Gender.NOT_KNOWN], [70, 24, 3, 3])[0],
            "ethnicity": rng.choice(Ethnicity.values),
            "special_needs": rng.choice(SpecialNeeds.values),
            "school": rng.choice(SCHOOLS),
            "looked_after": rng.random() < 0.25,
            "external_references": {DEMO_MARKER: True},
        }
        if fields["looked_after"]:
            fields["placing_authority"] = rng.choice(["Kent County Council", "Medway Council", "A London borough"])
        if rng.random() < 0.9:
            age_days = rng.randint(10 * 365, 17 * 365 + 300)
            fields["date_of_birth"] = received - datetime.timedelta(days=age_days)
        else:
            fields["estimated_age"] = rng.randint(12, 17)
        return fields

    def referral(self, team: Team, district: District, status: str) -> Story:
        rng = self.rng
        low, high = AGE_DAYS[status]
        now = timezone.now()
        received_at = now - datetime.timedelta(days=rng.uniform(low, high), hours=rng.uniform(1, 6))
        received_at = received_at.replace(microsecond=0)
        creator = self.user(team.creator)
        known = self.children_by_agency[team.agency]
        child = None
        if known and rng.random() < 0.1:
            child = rng.choice(known)  # a second referral about a child the agency already knows
            district = child.district
            if child.date_of_birth and age_on(child.date_of_birth, received_at.date()) >= 18:
                child = None
        new_child = None if child else self.new_child(district, received_at.date())
        name = child.first_name if child else new_child["first_name"]
        consent = rng.choices(ConsentOutcome.values, [60, 15, 25])[0]
        referrer_name, referrer_role, referrer_agency = rng.choice(REFERRERS)
        source = rng.choice([None, None, "health", "early-help", "kent-police", "kcc", "medway"])
        referral = services.referral_create(
            created_by=creator,
            child=child,
            new_child=new_child,
            received_at=received_at,
            channel=rng.choice(Channel.values),
            referrer_name=referrer_name,
            referrer_role=referrer_role,
            referrer_agency=referrer_agency,
            source_agency=self.agencies.get(source) if source else None,
            concern_summary=DEMO_PREFIX + rng.choice(CONCERNS).format(name=name),
            exploitation_models=rng.sample(ExploitationModel.values, rng.randint(1, 2)),
            immediate_risk=rng.random() < 0.08,
            consent_outcome=consent,
            consent_not_sought_reason=(
                rng.choice(ConsentNotSoughtReason.values) if consent == ConsentOutcome.NOT_SOUGHT else ""
            ),
            consent_decided_by=creator.get_full_name()
            if consent != ConsentOutcome.NOT_SOUGHT or rng.random() < 0.5
            else "",
            consent_decided_on=received_at.date() if rng.random() < 0.7 else None,
        )
        if child is None:
            self.children_by_agency[team.agency].append(referral.child)
        story = Story(referral=referral, received_at=received_at, clock=received_at)
        story.moves.append(story.later(rng, 0.05, 1))
        story.stamps["created_at"] = story.clock
        self.work(story, team, status, name)
        self.stories.append(story)
        return story

    def work(self, story: Story, team: Team, status: str, name: str) -> None:
        rng = self.rng
        referral = story.referral
        caseworker, supervisor = self.user(team.caseworker), self.user(team.supervisor)
        if status == Status.RECEIVED:
            return
        referral = services.referral_triage(
            referral=referral, triaged_by=caseworker, note=DEMO_PREFIX + "Checked systems and spoke to the referrer."
        )
        story.moves.append(story.later(rng, 2, 60))
        story.stamps["first_action_at"] = story.stamps["triaged_at"] = story.clock
        self.chronology(story, caseworker, name, rng.randint(0, 1))
        if status == Status.TRIAGED:
            return
        outcomes = (Status.NO_FURTHER_ACTION, Status.SIGNPOSTED, Status.FRONT_DOOR)
        outcome = status if status in outcomes else None
        if status == Status.CLOSED and rng.random() < 0.4:
            outcome = rng.choice(outcomes)
        if outcome:
            referral = services.referral_decide(
                referral=referral, decided_by=caseworker, outcome=outcome, note=DEMO_PREFIX + "Triage decision."
            )
            story.moves.append(story.later(rng, 1, 48))
            if status == Status.CLOSED:
                self.close(story, supervisor, rng.choice([ClosureReason.NO_CSE_CONCERN, ClosureReason.DUPLICATE]))
            return
        referral = services.referral_accept(referral=referral, accepted_by=supervisor, note=DEMO_PREFIX + "Accepted.")
        story.moves.append(story.later(rng, 2, 72))
        story.stamps["accepted_at"] = story.clock
        lead = None
        if status != Status.ACCEPTED or rng.random() < 0.6:
            lead = self.user(rng.choice(team.leads))
            referral = services.referral_assign(referral=referral, assigned_by=supervisor, lead_professional=lead)
        self.chronology(story, caseworker, name, rng.randint(1, 2))
        if status == Status.ACCEPTED:
            kind = rng.choice(["none", "submitted", "returned"])
            if kind != "none":
                assessment = self.assess(story, caseworker)
                if kind == "returned":
                    services.assessment_return(
                        assessment=assessment,
                        returned_by=supervisor,
                        reason=DEMO_PREFIX + "Add the evidence for the missing-episode indicators.",
                    )
                    story.assessments[-1][2] = story.later(rng, 4, 48)
            self.actions(story, caseworker, lead or caseworker, rng.randint(0, 2))
            return
        if rng.random() < 0.1:  # returned once, then resubmitted
            first = self.assess(story, caseworker)
            services.assessment_return(
                assessment=first, returned_by=supervisor, reason=DEMO_PREFIX + "Explain the override."
            )
            story.assessments[-1][2] = story.later(rng, 4, 48)
        assessment = self.assess(story, caseworker)
        services.assessment_approve(assessment=assessment, approved_by=supervisor)
        story.moves.append(story.later(rng, 4, 96))
        story.assessments[-1][2] = story.stamps["risk_assessed_at"] = story.clock
        referral.refresh_from_db()
        self.actions(story, caseworker, lead, rng.randint(1, 3))
        self.missing_episodes(story, caseworker, rng.choices([0, 1, 2, 3], [55, 25, 12, 8])[0])
        if status == Status.RISK_ASSESSED:
            return
        services.referral_open(referral=referral, opened_by=caseworker, note=DEMO_PREFIX + "Case opened.")
        story.moves.append(story.later(rng, 2, 96))
        story.stamps["opened_at"] = story.clock
        self.chronology(story, caseworker, name, rng.randint(1, 3))
        if status == Status.OPEN and rng.random() < 0.75:
            self.review(story, caseworker, supervisor)
        if status == Status.CLOSED:
            story.later(rng, 24 * 20, 24 * 120)
            self.close(story, supervisor, rng.choice([ClosureReason.RISK_REDUCED, ClosureReason.MOVED_OUT_OF_AREA,
                                                     ClosureReason.TURNED_18, ClosureReason.RISK_REDUCED]))  # fmt: skip

    def review(self, story: Story, caseworker: User, supervisor: User) -> None:
        """A later assessment, as the three-monthly review asks: most open cases are reviewed in time."""
        rng = self.rng
        reviewed = timezone.now() - datetime.timedelta(days=rng.uniform(5, 100))
        if reviewed <= story.clock:
            return
        story.clock = reviewed
        assessment = self.assess(story, caseworker)
        services.assessment_approve(assessment=assessment, approved_by=supervisor)
        story.assessments[-1][2] = story.later(rng, 4, 72)

    def close(self, story: Story, supervisor: User, reason: str) -> None:
        services.referral_close(
            referral=story.referral, closed_by=supervisor, reason=reason, note=DEMO_PREFIX + "Closed."
        )
        story.moves.append(story.later(self.rng, 24, 24 * 30))
        story.stamps["closed_at"] = story.clock

    def assess(self, story: Story, caseworker: User) -> RiskAssessment:
        rng = self.rng
        instrument = rng.choice(self.instruments)
        severity = rng.choice([0.04, 0.12, 0.25, 0.45])
        responses, evidence = {}, {}
        for indicator_id, category, _position in self.indicators[instrument.pk]:
            weight = severity / 2 if category == 3 else severity
            if rng.random() < weight:
                answer = rng.choice(["yes", "yes", "suspected"])
                responses[indicator_id] = Response(answer, rng.choice(["current", "current", "past", "both"]))
                evidence[indicator_id] = DEMO_PREFIX + "Reported by the school and the carer."
            else:
                responses[indicator_id] = Response("no")
        computed = services.compute_for(instrument, story.referral.child, responses).computed_level
        professional, rationale = computed, ""
        if rng.random() < 0.2:
            professional = {"low": "medium", "medium": rng.choice(["low", "high"]), "high": "medium"}[computed]
            rationale = DEMO_PREFIX + (
                "Professional judgement: recent disclosures and missing episodes are not yet reflected in the score."
                if professional != "low"
                else "Professional judgement: protective factors at home and school reduce the risk."
            )
        assessment = services.assessment_submit(
            referral=story.referral,
            assessed_by=caseworker,
            instrument=instrument,
            responses=responses,
            evidence=evidence,
            professional_level=professional,
            rationale=rationale,
        )
        story.assessments.append([assessment, story.later(rng, 24, 24 * 7), None])
        return assessment

    def chronology(self, story: Story, user: User, name: str, number: int) -> None:
        # Bulk-created at the end: chronology_add only checks access (which the
        # workflow steps of the same user have checked) and saves the row, and
        # doing it 600 times is a third of the demo's load time.
        for _ in range(number):
            kind, text = self.rng.choice(CHRONOLOGY)
            occurred = story.later(self.rng, 1, 72)
            self.entries.append(
                ChronologyEntry(
                    referral=story.referral,
                    occurred_at=occurred,
                    kind=kind,
                    summary=DEMO_PREFIX + text.format(name=name),
                    recorded_by=user,
                    agency=user.agency,
                    created_at=min(occurred + datetime.timedelta(hours=self.rng.uniform(0.5, 20)), story.latest),
                )
            )

    def actions(self, story: Story, user: User, owner: User, number: int) -> None:
        rng = self.rng
        today = timezone.localdate()
        for _ in range(number):
            action = services.action_create(
                referral=story.referral,
                created_by=user,
                description=DEMO_PREFIX + rng.choice(ACTIONS),
                owner=owner,
                due_date=today + datetime.timedelta(days=7),
            )
            created = story.later(rng, 1, 24)
            due = (created + datetime.timedelta(days=rng.randint(3, 28))).date()
            completed = None
            if rng.random() < 0.5:  # still open, and not yet due
                due = today + datetime.timedelta(days=rng.randint(1, 21))
            elif rng.random() < 0.6:
                action = services.action_complete(action=action, completed_by=owner)
                done = created + datetime.timedelta(days=rng.uniform(1, 35))
                completed = min(done, story.latest)
            story.actions.append((action, created, due, completed))

    def missing_episodes(self, story: Story, user: User, number: int) -> None:
        rng = self.rng
        for _ in range(number):
            reported = story.later(rng, 24, 24 * 20)
            fields = {
                "reported_missing_at": reported,
                "missing_from": rng.choice(MissingEpisode.MissingFrom.values),
                "cse_linked": rng.random() < 0.6,
            }
            found = reported + datetime.timedelta(hours=rng.uniform(3, 60))
            if found < story.latest and rng.random() < 0.95:
                fields["found_at"] = found
                fields["found_location"] = rng.choice(FOUND_LOCATIONS)
                interview = rng.choice(["in_time", "in_time", "late", "not_done"])
                offered = found + datetime.timedelta(hours=rng.uniform(2, 20))
                done = found + datetime.timedelta(
                    hours=rng.uniform(20, 70) if interview == "in_time" else rng.uniform(80, 200)
                )
                if offered < story.latest:
                    fields["return_interview_offered_at"] = offered
                if interview != "not_done" and done < story.latest:
                    fields["return_interview_done_at"] = done
                    fields["interview_findings"] = DEMO_PREFIX + rng.choice(
                        [
                            "Stayed at an address in a neighbouring town with older friends.",
                            "Was given a lift by a man known only by a nickname.",
                            "Would not say where they had been; appeared tired and had a new phone.",
                        ]
                    )
            services.missing_episode_record(referral=story.referral, recorded_by=user, **fields)

    def shares(self, number: int) -> None:
        """A few KCC and police referrals shared with Health, so the Health persona
        sees some through shares, not only its own."""
        health = self.agencies.get("health")
        if health is None:
            return
        for story in self.stories:
            if number <= 0:
                break
            owner = story.referral.owning_agency.code
            if owner not in ("kcc", "kent-police") or story.referral.status == Status.RECEIVED:
                continue
            sharer = self.user("kcc.caseworker" if owner == "kcc" else "kent-police.caseworker")
            basis = LawfulBasis.objects.filter(regime=sharer.agency.regime, active=True).order_by("code").first()
            share_record(
                shared_by=sharer,
                record=story.referral,
                level=self.rng.choice(["full", "full", "summary"]),
                purpose=DEMO_PREFIX + "Health need to know for the child's sexual health appointments.",
                lawful_basis=basis,
                recipient_agency=health,
            )
            number -= 1

    # --- moving the stories into the past -------------------------------------------

    def backdate(self) -> None:
        ids = [story.referral.pk for story in self.stories]
        changes = defaultdict(list)
        for change in StatusChange.objects.filter(referral_id__in=ids).order_by("referral_id", "pk"):
            changes[change.referral_id].append(change)
        referrals = {referral.pk: referral for referral in Referral.objects.filter(pk__in=ids)}
        moved_changes, moved_referrals, moved_assessments, moved_actions = [], [], [], []
        stamp_fields = ("created_at", "first_action_at", "triaged_at", "accepted_at", "risk_assessed_at",
                        "opened_at", "closed_at")  # fmt: skip
        for story in self.stories:
            story.referral = referrals[story.referral.pk]
            rows = changes[story.referral.pk]
            if len(rows) != len(story.moves):
                raise AssertionError(f"{story.referral}: {len(rows)} status changes, {len(story.moves)} planned")
            for row, when in zip(rows, story.moves, strict=True):
                row.changed_at = when
                moved_changes.append(row)
            referral = referrals[story.referral.pk]
            for name in stamp_fields:
                if name in story.stamps:
                    setattr(referral, name, story.stamps[name])
            referral.updated_at = max(story.moves)
            for assessment, submitted, decided in story.assessments:
                assessment.refresh_from_db(fields=["status", "instrument"])
                assessment.created_at = assessment.submitted_at = submitted
                if assessment.status != RiskAssessment.Status.SUBMITTED:
                    assessment.decided_at = decided or submitted
                if assessment.status == RiskAssessment.Status.APPROVED:
                    assessment.review_due = timezone.localdate(assessment.decided_at) + relativedelta(
                        months=assessment.instrument.review_months
                    )
                    referral.review_due = assessment.review_due
                moved_assessments.append(assessment)
            for action, created, due, completed in story.actions:
                action.created_at, action.due_date = created, due
                if completed:
                    action.completed_at = completed
                moved_actions.append(action)
            moved_referrals.append(referral)
        StatusChange.objects.bulk_update(moved_changes, ["changed_at"], batch_size=500)
        Referral.objects.bulk_update(moved_referrals, [*stamp_fields, "updated_at", "review_due"], batch_size=500)
        RiskAssessment.objects.bulk_update(
            moved_assessments, ["created_at", "submitted_at", "decided_at", "review_due"], batch_size=500
        )
        Action.objects.bulk_update(moved_actions, ["created_at", "due_date", "completed_at"], batch_size=500)
        # The children were "created" when first referred.
        first_seen = {}
        for story in self.stories:
            first_seen.setdefault(story.referral.child_id, story.stamps["created_at"])
        children = list(Child.objects.filter(pk__in=first_seen))
        for child in children:
            child.created_at = first_seen[child.pk]
        Child.objects.bulk_update(children, ["created_at"], batch_size=500)

    def load(self) -> int:
        for team, district, status in self.plan():
            self.referral(team, district, status)
        ChronologyEntry.objects.bulk_create(self.entries, batch_size=500)
        self.backdate()
        self.shares(max(3, self.count // 25))
        return len(self.stories)


def load_demo_referrals(*, count: int = DEFAULT_COUNT, seed: int = SEED) -> int:
    """Load the fictional referrals unless they are there already; returns how many were added."""
    if demo_loaded():
        return 0
    # The immediate-risk alerts of made-up referrals go nowhere, and the
    # eager task runner's log line for each of them is noise.
    task_log = logging.getLogger("celery.app.trace")
    level = task_log.level
    task_log.setLevel(logging.WARNING)
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
            return DemoLoader(count=count, seed=seed).load()
    finally:
        task_log.setLevel(level)
