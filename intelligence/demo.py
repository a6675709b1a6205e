"""Fictional demo intelligence (`make run` calls `manage.py load_demo_intelligence`).
Every person, place, vehicle and event is made up: texts start "FICTIONAL
DEMO:", phone numbers are Ofcom's drama range (07700 900xxx), registrations
are invented and locations are named for nowhere real.

Submissions from every agency (some waiting in the triage queue, of every
age), reports graded in both schemes, a few networks around demo children
(persons of concern, hotels, takeaways, taxis), and reports shared back to
partners, some with handling code C and its conditions; then (`load_demo_later`,
loaded once on its own so an existing demo gains it) CAWNs in every state,
other disruptions of every kind, reports due for MoPI review (one disposed),
and two problem profiles, one disseminated. Loaded through the
services as the demo personas, then moved into the past. Deterministic
(seeded) and loaded once: a second run finds the demo originals (unit
reference "DEMO-...") and adds nothing."""

import datetime
import random

from django.db import transaction
from django.db.models import Q
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import Agency, District, User
from intelligence import services
from intelligence.models import Association, IntelligenceReport, ReportOriginal, Submission
from referrals.models import Child
from sharing.models import LawfulBasis
from sharing.services import share_record

PREFIX = "FICTIONAL DEMO: "
MARKER = "DEMO-"
SEED = 20261201
NETWORKS = 6

SUBMITTERS = ("health.practitioner", "early-help.practitioner", "kcc.caseworker", "medway.caseworker",
              "kcc.supervisor", "medway.supervisor", "kent-police.caseworker", "kent-police.investigator")  # fmt: skip
FIRST = ("Dazza", "Kane", "Reece", "Lewis", "Troy", "Jordan", "Callum", "Aaron", "Shane", "Dean", "Mason", "Bradley",
         "Connor", "Jamie", "Kyle", "Liam", "Marcus", "Nathan", "Owen", "Ryan")  # fmt: skip
LAST = ("Varnell", "Oakridge", "Pelling", "Quarry", "Rushmere", "Stanbrook", "Thistlewood", "Underhay", "Wexcombe",
        "Yarrowby", "Ashgrove", "Brackley", "Cindermoor", "Dunhollow", "Elmstead")  # fmt: skip
NICKNAMES = ("Dazz", "K", "Smokey", "Big T", "Jay", "Cal", "Snowy", "Deano", "Mase", "Brad")
PLACES = {
    "hotel": ("Lakeside Budget Hotel", "Riverside Rest Inn", "Station Lodge", "Orchard Motel"),
    "takeaway": ("Golden Grill", "Chicken Corner", "Pizza Planet Express", "Late Night Kebab"),
    "taxi_office": ("Star Cars", "A1 Private Hire", "Fastline Taxis"),
    "park": ("Mill Pond Park", "Castle Green Rec", "Beacon Fields"),
    "licensed_premises": ("The Crooked Anchor", "The Lamplighter", "Club Neon"),
    "private_address": ("Flat 3, 14 Nowhere Road", "27 Fictional Close", "Flat 9, Demo House"),
    "childrens_home": ("Willow View (demo)",),
    "online_platform": ("Snapgram (demo)", "ChatNest (demo)"),
}
COLOURS = ("silver", "black", "white", "blue", "grey", "red")
CARS = (("Toyota", "Prius"), ("Skoda", "Octavia"), ("Vauxhall", "Corsa"), ("Ford", "Focus"), ("BMW", "3 Series"))
EVENTS = (
    "a girl of about 14 was seen getting into a {colour} car outside {place} late at night",
    "two girls said an older man called {nick} buys them vodka and drives them to {place}",
    "a child in care was found at {place} at 2am with men in their twenties",
    "staff at {place} saw a man bring different young girls to a room on several nights",
    "a taxi driver was seen giving free lifts to girls from the children's home to {place}",
    "a girl has a new phone and says her boyfriend {nick} bought it; he is about 25",
)


def demo_loaded() -> bool:
    return ReportOriginal.objects.filter(source_reference__startswith=MARKER).exists()


class Loader:
    def __init__(self, seed: int, *, networks: int = NETWORKS, submissions: int = 220, direct: int = 110):
        self.networks, self.submissions, self.direct = networks, submissions, direct
        self.rng = random.Random(seed)  # noqa: S311 - demo data, not security
        self.users = {user.username: user for user in User.objects.select_related("agency")}
        self.unit = self.user("kent-police.intelligence-officer")
        self.analyst = self.user("kent-police.analyst")
        self.districts = list(District.objects.order_by("code"))
        self.count = 0
        self.phone = 0

    def user(self, username: str) -> User:
        try:
            return self.users[username]
        except KeyError:
            raise LookupError(f"Run load_demo_users first: {username} is missing") from None

    def children(self) -> list:
        children = Child.objects.filter(external_references__demo=True).order_by("pk")
        return list(children[:60])

    def next_phone(self) -> str:
        self.phone += 1
        return f"07700 900{self.phone:03d}"

    def grade(self, legacy: bool) -> dict:
        rng = self.rng
        if legacy:
            return {
                "scheme": "5x5x5",
                "source_evaluation": rng.choice("ABCE"),
                "intelligence_assessment": rng.choice("1234"),
                "handling_code": rng.choice("12344"),
            }
        code = rng.choice("PPPC")
        return {
            "scheme": "3x5x2",
            "source_evaluation": rng.choice("1122"),
            "intelligence_assessment": rng.choice("ABBCD"),
            "handling_code": code,
            "handling_conditions": "Not to be disclosed to the family or the child" if code == "C" else "",
        }

    def report(self, text: str, district, submission=None, legacy=False):
        self.count += 1
        source_type = "partner" if submission else self.rng.choice(["police", "public", "sensitive", "open_source"])
        return services.report_create(
            created_by=self.rng.choice([self.unit, self.analyst]),
            submission=submission,
            title=f"{PREFIX}{text[:60]}",
            district=district,
            sanitised_text=f"{PREFIX}{text[0].upper()}{text[1:]}. Details withheld.",
            original_text=f"{PREFIX}Original account: {text}. Source detail recorded by the unit.",
            source_type=source_type,
            source_reference=f"{MARKER}{self.count:04d}",
            **self.grade(legacy),
        )

    def submission(self, text: str, submitter: User, children=()):
        return services.submission_create(
            submitted_by=submitter,
            what_happened=f"{PREFIX}{text[0].upper()}{text[1:]}.",
            how_known=self.rng.choice(["saw", "child", "other_person", "online"]),
            where=self.rng.choice(["", "Near the station", "Outside the takeaway", "On social media"]),
            children=children,
        )

    def network(self, number: int, children: list) -> list:
        """A hub, associates, places and a car, linked to children, evidenced by reports."""
        rng = self.rng
        district = rng.choice(self.districts)
        people_count = rng.randint(6, 12)
        place_kinds = rng.sample(sorted(PLACES), 5)
        reports = []
        hub_report = self.report(
            f"network {number + 1}: men linked to {PLACES[place_kinds[0]][number % len(PLACES[place_kinds[0]])]}",
            district,
        )
        reports.append(hub_report)
        people = []
        for index in range(people_count):
            report = hub_report if index < 3 else rng.choice(reports)
            person = services.person_link(
                report=report, linked_by=self.unit,
                first_name=FIRST[(number * 7 + index) % len(FIRST)], last_name=LAST[(number * 3 + index) % len(LAST)],
                aliases=[rng.choice(NICKNAMES)] if rng.random() < 0.5 else [],
                date_of_birth=datetime.date(rng.randint(1975, 2004), rng.randint(1, 12), rng.randint(1, 28))
                if rng.random() < 0.6 else None,
                estimated_age=rng.randint(19, 45), phone_numbers=[self.next_phone()],
                online_handles=[f"@demo_{number}_{index}"] if rng.random() < 0.4 else [],
                taxi_licence=f"DEMO-TL-{number}{index:02d}" if rng.random() < 0.15 else "",
                status=rng.choice(["suspect", "suspect", "suspect", "arrested", "charged", "nfa"]),
                description=f"{PREFIX}White male, slim build" if rng.random() < 0.5 else "",
            )  # fmt: skip
            people.append((person, report))
            if rng.random() < 0.3:
                reports.append(self.report(f"{person.first_name} seen again with young girls", district))
        places = []
        for index in range(rng.randint(10, 16)):
            kind = place_kinds[index % len(place_kinds)]
            report = rng.choice(reports)
            name = f"{PLACES[kind][(number + index) % len(PLACES[kind])]} ({district.name}, demo {number}-{index})"
            place = services.location_link(report=report, linked_by=self.unit, name=name, kind=kind, district=district,
                                           postcode=f"ZZ{number} {index}DM")  # fmt: skip
            places.append((place, report))
        cars = []
        for index in range(rng.randint(5, 8)):
            make, model = rng.choice(CARS)
            report = rng.choice(reports)
            car = services.vehicle_link(
                report=report, linked_by=self.unit, registration=f"DM{number}{index} {rng.choice('ABCDEFGHJK')}XZ",
                make=make, model=model, colour=rng.choice(COLOURS), private_hire=rng.random() < 0.4,
            )  # fmt: skip
            cars.append((car, report))
        # Associations: each person with the hub, places and cars; children with people and places.
        hub = people[0][0]
        today = timezone.localdate()

        def seen():
            first = today - datetime.timedelta(days=rng.randint(30, 400))
            return first, min(today, first + datetime.timedelta(days=rng.randint(0, 200)))

        def link(report, a, b, kind):
            linkers = {"person": services.person_link, "location": services.location_link,
                       "vehicle": services.vehicle_link}  # fmt: skip
            for end_kind, entity in (a, b):
                if end_kind in linkers and not getattr(report, f"{end_kind}s").filter(pk=entity.pk).exists():
                    linkers[end_kind](report=report, linked_by=self.unit, existing=entity.pk)
            first, last = seen()
            services.association_create(report=report, created_by=self.unit, a=a, b=b, type=kind,
                                        first_seen=first, last_seen=last)  # fmt: skip

        for person, report in people[1:]:
            link(report, ("person", hub), ("person", person), "associate")
        for place, report in places:
            link(report, ("person", rng.choice(people)[0]), ("location", place), rng.choice(["frequents", "works_at"]))
        for car, report in cars:
            link(report, ("person", rng.choice(people)[0]), ("vehicle", car), rng.choice(["drives", "owns"]))
        for child in children:
            report = rng.choice(reports)
            link(
                report,
                ("person", rng.choice(people)[0]),
                ("child", child),
                rng.choice(["older_boyfriend", "seen_with"]),
            )
            link(report, ("child", child), ("location", rng.choice(places)[0]), "found_at")
        return reports

    def share(self, report, agency_code: str, level="full"):
        if report.handling_code in ("4", "5"):
            return
        share_record(
            shared_by=self.unit, record=report, recipient_agency=Agency.objects.get(code=agency_code), level=level,
            purpose="Safeguarding the children named in the network", lawful_basis=self.basis,
            conditions=report.handling_conditions if report.handling_code == "C" else "",
        )  # fmt: skip

    def load(self) -> int:
        rng = self.rng
        self.basis = LawfulBasis.objects.get(code="dpa3-sch8-para4")
        children = self.children()
        reports = []
        per_network = max(1, len(children) // (max(self.networks, 1) * 2))
        for number in range(self.networks):
            group = children[number * per_network : (number + 1) * per_network]
            reports += self.network(number, group)
        # Submissions from every agency: some graded, some waiting, some closed.
        submissions = []
        for index in range(self.submissions):
            submitter = self.user(SUBMITTERS[index % len(SUBMITTERS)])
            seen = list(Child.objects.visible_to(submitter, "full").filter(pk__in=[c.pk for c in children])[:1])
            text = rng.choice(EVENTS).format(
                colour=rng.choice(COLOURS), nick=rng.choice(NICKNAMES),
                place=rng.choice(PLACES[rng.choice(["hotel", "takeaway", "park"])]),
            )  # fmt: skip
            submission = self.submission(text, submitter, seen if rng.random() < 0.5 else ())
            submissions.append(submission)
            roll = rng.random()
            if roll < 0.45:
                reports.append(self.report(text, rng.choice(self.districts), submission=submission,
                                           legacy=rng.random() < 0.1))  # fmt: skip
            elif roll < 0.6:
                services.submission_record_outcome(
                    submission=submission, decided_by=self.unit,
                    outcome=rng.choice(["crime_desk", "safeguarding_referral", "no_action"]),
                )  # fmt: skip
        for index in range(self.direct):
            reports.append(self.report(rng.choice(EVENTS).format(colour="black", nick="K", place="the park"),
                                       rng.choice(self.districts), legacy=index % 6 == 0))  # fmt: skip
        # Shared back: to the submitter's agency, and to children's services by district.
        for report in reports:
            if report.submission_id and rng.random() < 0.7 and report.submission.owning_agency.code != "kent-police":
                self.share(report, report.submission.owning_agency.code)
            if report.district_id and rng.random() < 0.4:
                self.share(report, report.district.childrens_services.code, level=rng.choice(["summary", "full"]))
        self.backdate(submissions, reports)
        return len(reports) + len(submissions)

    def backdate(self, submissions, reports):
        now = timezone.now()
        for submission in submissions:
            when = now - datetime.timedelta(hours=self.rng.randint(2, 24 * 120))
            Submission.objects.filter(pk=submission.pk).update(submitted_at=when)
        for report in reports:
            submitted = (
                Submission.objects.filter(pk=report.submission_id).values_list("submitted_at", flat=True).first()
            )
            when = (submitted or now - datetime.timedelta(days=self.rng.randint(1, 400))) + datetime.timedelta(hours=6)
            IntelligenceReport.objects.filter(pk=report.pk).update(created_at=when, sanitised_at=when)
            ReportOriginal.objects.filter(report=report).update(graded_at=when)
        for association in Association.objects.filter(Q(report__in=[r.pk for r in reports])).only("pk"):
            when = now - datetime.timedelta(days=self.rng.randint(1, 120))
            Association.objects.filter(pk=association.pk).update(created_at=when)


def load_demo_intelligence(*, seed: int = SEED, **scale) -> int:
    """Load the demo intelligence once; returns how many reports and submissions were added (0 if loaded)."""
    if demo_loaded():
        return 0
    # E-mails to the unit about each demo submission would go to fictional addresses: not sent.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        return Loader(seed, **scale).load()


# --- disruptions, reviews and problem profiles (loaded once each, apart, so a
# database with the earlier demo gains them) -----------------------------------------

CAWN_STATES = ("drafted", "authorised", "served", "active", "expired", "breached", "withdrawn")
OTHER_KINDS = ("arrest", "charge", "sro", "shpo", "licensing_referral", "business_visit", "warning_letter")


def later_demo_loaded() -> bool:
    from intelligence.models import Disruption

    return Disruption.objects.filter(details__startswith=PREFIX).exists()


class LaterLoader:
    """CAWNs in every state, other disruptions of every kind, reviews due (and
    one disposal), and two problem profiles (one disseminated, one in draft)."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed + 1)  # noqa: S311 - demo data, not security
        users = {user.username: user for user in User.objects.select_related("agency")}
        self.unit, self.analyst = users["kent-police.intelligence-officer"], users["kent-police.analyst"]
        self.supervisor = users["kent-police.supervisor"]
        self.today = timezone.localdate()

    def persons(self):
        from intelligence.models import PersonOfConcern

        return list(PersonOfConcern.objects.visible_to(self.unit).order_by("pk")[:40])

    def cawn_children(self):
        """Demo children the unit sees in full, with the section that fits each."""
        found = []
        for child in Child.objects.visible_to(self.unit, "full").filter(external_references__demo=True).order_by("pk"):
            age = child.age_on(self.today - datetime.timedelta(days=200))
            if age is None or age >= 18 or (child.date_of_birth is None):
                continue
            if age < 15:
                found.append((child, "s2"))
            elif child.looked_after and age < 17:
                found.append((child, "s49"))
        return found

    def cawn(self, state: str, child, section: str, person, number: int):
        from intelligence.models import Disruption

        drafted = self.today - datetime.timedelta(days=self.rng.randint(60, 180))
        notice = services.disruption_record(
            recorded_by=self.unit, kind="cawn", occurred_on=drafted, cawn_section=section, children=[child],
            persons=[person], district=child.district,
            details=f"{PREFIX}Seen repeatedly collecting the child from school and placement (notice {number}).",
        )  # fmt: skip
        if state == "drafted":
            return notice
        if state == "withdrawn":
            return services.cawn_withdraw(disruption=notice, withdrawn_by=self.unit,
                                          withdrawal_reason=f"{PREFIX}The family moved out of the area.")  # fmt: skip
        notice = services.cawn_authorise(disruption=notice, authorised_by=self.supervisor)
        if state == "authorised":
            return notice
        served = drafted + datetime.timedelta(days=self.rng.randint(1, 20))
        limit = 16 if section == "s2" else 18
        birthday = services.disruptions._birthday(child.date_of_birth, limit)
        expires = (self.today - datetime.timedelta(days=5)) if state == "expired" else (
            self.today + datetime.timedelta(days=self.rng.choice([20, 90, 200])))  # fmt: skip
        expires = min(expires, birthday - datetime.timedelta(days=1))
        notice = services.cawn_serve(disruption=notice, served_by=self.unit, served_on=served, expires_on=expires)
        if state == "served":
            return notice
        notice = services.cawn_activate(disruption=notice, activated_by=self.unit)
        if state == "breached":
            return services.cawn_breach(disruption=notice, recorded_by=self.unit, breached_on=served +
                                        datetime.timedelta(days=10),
                                        breach_details=f"{PREFIX}Seen with the child at the takeaway.")  # fmt: skip
        if state == "expired":
            Disruption.objects.past_expiry(self.today).filter(pk=notice.pk).update(status="expired")
        return notice

    def load(self) -> int:
        from intelligence.models import Location

        persons = self.persons()
        children = self.cawn_children()
        made = 0
        if persons and children:
            for number, state in enumerate(CAWN_STATES * 2):
                child, section = children[number % len(children)]
                self.cawn(state, child, section, persons[number % len(persons)], number + 1)
                made += 1
        locations = list(Location.objects.visible_to(self.unit).order_by("pk")[:30])
        for number, kind in enumerate(OTHER_KINDS * 3):
            services.disruption_record(
                recorded_by=self.unit, kind=kind,
                occurred_on=self.today - datetime.timedelta(days=self.rng.randint(1, 300)),
                district=locations[number % len(locations)].district if locations else None,
                persons=[persons[(number * 3) % len(persons)]] if persons and kind != "business_visit" else [],
                locations=[locations[number % len(locations)]] if locations else [],
                details=f"{PREFIX}{kind.replace('_', ' ').capitalize()} number {number + 1}.",
            )  # fmt: skip
            made += 1
        self.reviews()
        made += self.profiles()
        return made

    def reviews(self):
        """A handful of reports due for review now, one retained, one disposed."""
        due = list(IntelligenceReport.objects.filter(sanitised_text__startswith=PREFIX).order_by("pk")[:8])
        IntelligenceReport.objects.filter(pk__in=[r.pk for r in due]).update(
            review_due=self.today - datetime.timedelta(days=3)
        )
        if len(due) > 2:
            services.report_review(report=due[0], reviewed_by=self.unit, decision="retain",
                                   rationale=f"{PREFIX}Still part of an active network.")  # fmt: skip
            services.report_review(report=due[1], reviewed_by=self.unit, decision="dispose",
                                   rationale=f"{PREFIX}Not corroborated in six years.")  # fmt: skip

    def profiles(self) -> int:
        from intelligence.plan_priorities import priorities_for

        district = (
            IntelligenceReport.objects.filter(sanitised_text__startswith=PREFIX, district__isnull=False)
            .values_list("district", flat=True).first()
        )  # fmt: skip
        district = District.objects.filter(pk=district).first()
        start = self.today - datetime.timedelta(days=365)
        profile = services.profile_create(
            author=self.analyst, title=f"{PREFIX}CSE in {district.name if district else 'the county'}",
            district=district, period_start=start, period_end=self.today,
            assessment=f"{PREFIX}Hotels and takeaways near the station recur; private hire vehicles move children "
            "between them late at night.",
            recommendations=f"{PREFIX}Hotel and takeaway visits; licensing referrals for two operators.",
            plan_priority_ids=[priority.pk for priority in priorities_for(district)][:2],
        )  # fmt: skip
        profile = services.profile_submit(profile=profile, submitted_by=self.analyst)
        profile = services.profile_approve(profile=profile, approved_by=self.supervisor)
        services.profile_disseminate(
            profile=profile, disseminated_by=self.analyst, agencies=Agency.objects.filter(code__in=["kcc", "medway"]),
            purpose="To inform the Community Safety Partnership's plan", conditions="Not to be published",
            lawful_basis=LawfulBasis.objects.get(code="dpa3-sch8-para4"),
        )  # fmt: skip
        services.profile_create(
            author=self.analyst, title=f"{PREFIX}County problem profile (draft)", district=None,
            period_start=start, period_end=self.today, assessment=f"{PREFIX}Work in progress.",
        )  # fmt: skip
        return 2


def load_demo_later(*, seed: int = SEED) -> int:
    """Disruptions, reviews and problem profiles, once; returns how many records were added."""
    if later_demo_loaded():
        return 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"), transaction.atomic():
        return LaterLoader(seed).load()
