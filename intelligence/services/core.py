"""Every write of the intelligence app: keyword-only, one transaction, the
access and role checks inside, refusals from sharing.refusals (nothing is
saved when one is raised)."""

import re
import uuid
from contextlib import contextmanager

import phonenumbers
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Func, IntegerField, Q, Value
from django.http import Http404
from django.utils import timezone

from accounts.models import Agency
from audit.models import AccessEvent
from audit.services import record_access
from intelligence.models import (
    END_MODELS,
    GRADES,
    SIMILAR_NAME,
    SIMILAR_NAME_SAME_BIRTHDAY,
    UNIT_AGENCY,
    WITH_CONDITIONS,
    Association,
    HowKnown,
    IntelligenceReport,
    Location,
    PersonOfConcern,
    ReportOriginal,
    Scheme,
    Submission,
    Vehicle,
    in_intelligence_unit,
)
from outbox.services import enqueue
from referrals.models import Child
from sharing.levels import RANK, AccessLevel
from sharing.refusals import StepNotAllowed, require_level

PHONE_REGION = "GB"


def require_unit(user, action: str) -> None:
    if not in_intelligence_unit(user):
        raise StepNotAllowed(f"Only the intelligence unit can {action}", reason="role")


def _reference(prefix: str, record) -> str:
    return f"{prefix}-{timezone.localdate():%y}-{record.pk:06d}"


# --- normalising what identifies an entity -----------------------------------------


def normalise_phone(text: str) -> str:
    """E.164 (+447700900123) from what a person typed; ValueError if it is not a number."""
    try:
        number = phonenumbers.parse(text, PHONE_REGION)
    except phonenumbers.NumberParseException as error:
        raise ValueError(f"{text} is not a phone number") from error
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"{text} is not a phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_registration(text: str) -> str:
    """ "ab12 cde" -> "AB12CDE": registrations compare without case or spaces."""
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _phones(values, field="phone_numbers") -> list[str]:
    found, bad = [], []
    for value in values:
        if not value.strip():
            continue
        try:
            found.append(normalise_phone(value))
        except ValueError:
            bad.append(value.strip())
    if bad:
        raise ValidationError({field: f"Enter phone numbers like 07700 900123 ({', '.join(bad)} is not one)"})
    return list(dict.fromkeys(found))


def _search_names(first_name, last_name, aliases) -> str:
    return " ".join(part for part in [first_name, last_name, *aliases] if part).lower()


# --- submissions --------------------------------------------------------------------


@transaction.atomic
def submission_create(
    *,
    submitted_by,
    what_happened: str,
    how_known: str,
    occurred_on=None,
    occurred_when: str = "",
    where: str = "",
    who: str = "",
    further_information: str = "",
    children=(),
    request=None,
) -> Submission:
    """Any signed-in member of an agency submits what they know to the intelligence unit."""
    from sharing.access import reads_casework

    if not submitted_by.agency_id or not reads_casework(submitted_by):
        raise StepNotAllowed("Only agency staff who work cases can submit information", reason="role")
    errors = {}
    if not (what_happened or "").strip():
        errors["what_happened"] = "Describe what happened"
    if how_known not in HowKnown.values:
        errors["how_known"] = "Choose how you know"
    if occurred_on and occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date it happened must be today or in the past"
    children = list(children)
    seen = set(Child.objects.visible_to(submitted_by, AccessLevel.FULL).filter(pk__in=[c.pk for c in children]))
    if any(child not in seen for child in children):
        errors["children"] = "Choose children from referrals you can see"
    if errors:
        raise ValidationError(errors)
    submission = Submission.objects.create(
        reference=uuid.uuid4().hex[:20],
        owning_agency=submitted_by.agency,
        submitted_by=submitted_by,
        what_happened=what_happened.strip(),
        how_known=how_known,
        occurred_on=occurred_on,
        occurred_when=occurred_when.strip(),
        where=where.strip(),
        who=who.strip(),
        further_information=further_information.strip(),
    )
    submission.reference = _reference("SUB", submission)
    submission.save(update_fields=["reference"])
    submission.children.set(children)
    record_access(
        user=submitted_by,
        action=AccessEvent.Action.CREATE,
        record_kind=submission._meta.label_lower,
        record_ids=[submission.pk],
        request=request,
    )
    enqueue("intelligence.submission_received", submission_id=submission.pk)
    return submission


@transaction.atomic
def submission_record_outcome(*, submission, decided_by, outcome: str, request=None) -> Submission:
    """The unit records what came of a submission; its submitter sees the outcome."""
    require_level(decided_by, submission, AccessLevel.CHANGE)
    require_unit(decided_by, "record the outcome of a submission")
    current = Submission.objects.select_for_update().get(pk=submission.pk)
    if outcome not in Submission.Outcome.values or not outcome:
        raise ValidationError({"outcome": "Choose the outcome"})
    has_report = IntelligenceReport.objects.filter(submission=current).exists()
    if outcome == Submission.Outcome.SANITISED_LOG and not has_report:
        raise ValidationError({"outcome": "Create the sanitised report first: grade the submission"})
    current.outcome = outcome
    current.outcome_at = timezone.now()
    current.outcome_by = decided_by
    current.status = Submission.Status.GRADED if has_report else Submission.Status.CLOSED
    current.save(update_fields=["outcome", "outcome_at", "outcome_by", "status"])
    record_access(
        user=decided_by,
        action=AccessEvent.Action.CHANGE,
        record_kind=current._meta.label_lower,
        record_ids=[current.pk],
        request=request,
        details={"outcome": outcome},
    )
    return current


# --- reports ---------------------------------------------------------------------------


def _check_grading(errors, *, scheme, source_evaluation, intelligence_assessment, handling_code, handling_conditions):
    grades = GRADES.get(scheme)
    if grades is None:
        errors["scheme"] = "Choose the grading scheme"
        return
    label = Scheme(scheme).label
    if source_evaluation not in grades["source_evaluation"]:
        errors["source_evaluation"] = f"Choose a source evaluation of the {label} scheme"
    if intelligence_assessment not in grades["intelligence_assessment"]:
        errors["intelligence_assessment"] = f"Choose an intelligence assessment of the {label} scheme"
    if handling_code not in grades["handling_code"]:
        errors["handling_code"] = f"Choose a handling code of the {label} scheme"
    elif handling_code in WITH_CONDITIONS and not handling_conditions.strip():
        errors["handling_conditions"] = "Handling code C needs the conditions that travel with the report"


@transaction.atomic
def report_create(
    *,
    created_by,
    title: str,
    sanitised_text: str,
    original_text: str,
    scheme: str,
    source_evaluation: str,
    intelligence_assessment: str,
    handling_code: str,
    source_type: str,
    handling_conditions: str = "",
    source_reference: str = "",
    district=None,
    submission=None,
    request=None,
) -> IntelligenceReport:
    """The unit grades and sanitises information into a report (from a
    submission or directly): the sanitised report and, apart, its original
    text, grading and source type."""
    require_unit(created_by, "create intelligence reports")
    if submission is not None:
        require_level(created_by, submission, AccessLevel.CHANGE)
        submission = Submission.objects.select_for_update().get(pk=submission.pk)
        if IntelligenceReport.objects.filter(submission=submission).exists():
            raise StepNotAllowed("This submission has been graded already", reason="status")
    errors = {}
    if not title.strip():
        errors["title"] = "Enter a sanitised one-line subject"
    if not sanitised_text.strip():
        errors["sanitised_text"] = "Enter the sanitised text: what partners may see"
    if not original_text.strip():
        errors["original_text"] = "Enter the original text"
    if source_type not in ReportOriginal.SourceType.values:
        errors["source_type"] = "Choose the source type"
    _check_grading(
        errors,
        scheme=scheme,
        source_evaluation=source_evaluation,
        intelligence_assessment=intelligence_assessment,
        handling_code=handling_code,
        handling_conditions=handling_conditions,
    )
    if errors:
        raise ValidationError(errors)
    police = Agency.objects.get(code=UNIT_AGENCY)
    now = timezone.now()
    report = IntelligenceReport.objects.create(
        reference=uuid.uuid4().hex[:20],
        owning_agency=police,
        submission=submission,
        title=title.strip(),
        district=district,
        handling_code=handling_code,
        handling_conditions=handling_conditions.strip(),
        sanitised_text=sanitised_text.strip(),
        sanitised_by=created_by,
        sanitised_at=now,
    )
    report.reference = _reference("INT", report)
    report.save(update_fields=["reference"])
    from intelligence.services.reviews import set_first_review

    set_first_review(report)
    ReportOriginal.objects.create(
        report=report,
        owning_agency=police,
        original_text=original_text.strip(),
        scheme=scheme,
        source_evaluation=source_evaluation,
        intelligence_assessment=intelligence_assessment,
        source_type=source_type,
        source_reference=source_reference.strip(),
        graded_by=created_by,
        graded_at=now,
    )
    if submission is not None:
        submission.status = Submission.Status.GRADED
        submission.outcome = Submission.Outcome.SANITISED_LOG
        submission.outcome_at = now
        submission.outcome_by = created_by
        submission.save(update_fields=["status", "outcome", "outcome_at", "outcome_by"])
    record_access(
        user=created_by,
        action=AccessEvent.Action.CREATE,
        record_kind=report._meta.label_lower,
        record_ids=[report.pk],
        request=request,
    )
    return report


@transaction.atomic
def report_resanitise(*, report, sanitised_by, sanitised_text: str, title: str | None = None, request=None):
    """The unit rewrites what partners see; who and when is recorded again."""
    require_level(sanitised_by, report, AccessLevel.CHANGE)
    require_unit(sanitised_by, "sanitise reports")
    if not sanitised_text.strip():
        raise ValidationError({"sanitised_text": "Enter the sanitised text: what partners may see"})
    current = IntelligenceReport.objects.select_for_update().get(pk=report.pk)
    current.sanitised_text = sanitised_text.strip()
    if title is not None and title.strip():
        current.title = title.strip()
    current.sanitised_by = sanitised_by
    current.sanitised_at = timezone.now()
    current.save(update_fields=["sanitised_text", "title", "sanitised_by", "sanitised_at"])
    record_access(
        user=sanitised_by,
        action=AccessEvent.Action.CHANGE,
        record_kind=current._meta.label_lower,
        record_ids=[current.pk],
        request=request,
    )
    return current


# --- entities: matching on entry, then linking to a report -------------------------


# Matching looks among at most this many candidates (the most similar first)
# before asking who may see them: the visibility test is then an index probe
# for each candidate rather than a pass over every report the user sees
# (benchmarks/RESULTS.md, intelligence: seconds at 500,000 reports otherwise).
MATCH_CANDIDATES = 500
# Matches offered (and found by entity search).
MATCHES = 10
# Visibility is asked of this many candidates at a time (best first), until
# MATCHES are seen. More at once and PostgreSQL hashes every report the user
# sees instead of probing each candidate's (from about 100 rows for KCC at
# 500,000 reports: 1 s instead of 3 ms; benchmarks/RESULTS.md).
CANDIDATES_AT_A_TIME = 50


@contextmanager
def _word_similarity_threshold(threshold: float):
    """pg_trgm's `%>` at `threshold` inside the block: the trigram index then
    finds only the rows at least that similar (the connection's 0.3 made it
    fetch and recheck every row sharing a common first name: 4,000 of them
    at 120,000 persons). The connection's setting is put back after."""
    with transaction.atomic(), connection.cursor() as cursor:
        # Read before set (a target list is evaluated in order).
        cursor.execute(
            "SELECT current_setting('pg_trgm.word_similarity_threshold'), "
            "set_config('pg_trgm.word_similarity_threshold', %s, true)",
            [str(threshold)],
        )
        previous = cursor.fetchone()[0]
        yield
        # (On an error the block's rollback undoes the setting.)
        cursor.execute("SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [previous])


def _similar_ids(model, field: str, text: str, threshold: float, where: Q | None = None) -> list[int]:
    """Ids of records whose `field` has a word like `text` (trigram word
    similarity >= threshold), most similar first, at most MATCH_CANDIDATES.
    `%>` at `threshold` is that test (pg_trgm's word_similarity against
    the setting), so the similarity is not compared again: it is computed
    for each row as it is rechecked and once more to rank it."""
    rows = (
        model._default_manager.filter(where or Q(), **{f"{field}__trigram_word_similar": text})
        .annotate(similarity=TrigramWordSimilarity(text, field))
        .order_by("-similarity", "pk")
    )
    with _word_similarity_threshold(threshold):
        return list(rows.values_list("pk", flat=True)[:MATCH_CANDIDATES])


def _first_seen(model, user, ranked: list[int], count: int = MATCHES, *, full_only=frozenset()) -> list:
    """The first `count` records of `ranked` (ids, best first) the user sees,
    in that order, each with the user's level (`access_level`). The same
    records as `model.objects.visible_to(user)`; visibility is asked of
    CANDIDATES_AT_A_TIME ids at a time, until `count` are found.

    `full_only`: ids matched on a field above the summary (a phone number, a
    handle, a postcode), kept only where the user sees the record in full:
    offering a summary reader the person a phone number belongs to would
    tell them the phone number."""
    ranked = list(dict.fromkeys(ranked))
    found = []
    for start in range(0, len(ranked), CANDIDATES_AT_A_TIME):
        if len(found) >= count:
            break
        part = ranked[start : start + CANDIDATES_AT_A_TIME]
        position = Func(
            Value(part, output_field=ArrayField(BigIntegerField())),
            F("pk"),
            function="array_position",
            output_field=IntegerField(),
        )
        # Seen is a level (not `visible_to`): PostgreSQL turns a WHERE EXISTS
        # into a join with every report the user sees (0.5 s for KCC), and
        # keeps the level's EXISTS as a probe for each candidate.
        records = (
            model._default_manager.filter(pk__in=part)
            .with_access_level(user)
            .exclude(access_level="")
            .annotate(position=position)
            .order_by("position")
        )
        found.extend(
            record
            for record in records
            if record.pk not in full_only or RANK[record.access_level] >= RANK[AccessLevel.FULL]
        )
        del found[count:]
    return found


def person_matches(
    user, *, first_name="", last_name="", date_of_birth=None, phone_numbers=(), online_handles=(), loose=False
) -> list:
    """Likely the same person among those the user sees, at most MATCHES: a
    shared phone number (normalised) or online handle first, then a similar
    name (trigram) with the same (or no recorded) date of birth, the most
    similar first. Persons the user may not see are never offered. Each has
    the user's level (`access_level`)."""
    ranked = []  # by phone or handle: full-level fields
    phones = []
    for value in phone_numbers:
        try:
            phones.append(normalise_phone(value))
        except ValueError:
            continue
    if phones:
        # Unordered: ORDER BY id would walk the primary key instead of the array index.
        sharing_a_phone = PersonOfConcern.objects.filter(phone_numbers__overlap=phones).order_by()
        ranked += sorted(sharing_a_phone.values_list("pk", flat=True)[:MATCH_CANDIDATES])
    handles = [handle.strip() for handle in online_handles if handle.strip()]
    if handles:
        sharing_a_handle = PersonOfConcern.objects.filter(online_handles__overlap=handles).order_by()
        ranked += sorted(sharing_a_handle.values_list("pk", flat=True)[:MATCH_CANDIDATES])
    name = f"{first_name} {last_name}".strip().lower()
    if not name:
        return _first_seen(PersonOfConcern, user, ranked, full_only=set(ranked))
    threshold = SIMILAR_NAME_SAME_BIRTHDAY if date_of_birth or loose else SIMILAR_NAME
    born = Q(date_of_birth=date_of_birth) | Q(date_of_birth__isnull=True) if date_of_birth else None
    # Close names first: when the user sees enough of them, the looser
    # threshold's names (all less similar) cannot be among the matches.
    close = _similar_ids(PersonOfConcern, "search_names", name, max(threshold, SIMILAR_NAME), born)
    found = _first_seen(PersonOfConcern, user, ranked + close, full_only=set(ranked) - set(close))
    if len(found) < MATCHES and threshold < SIMILAR_NAME and len(close) < MATCH_CANDIDATES:
        # Every close name was asked (fewer than MATCHES seen): only the names
        # the looser threshold adds are asked now, ranked after the close ones
        # (they are less similar), with a phone or handle match among them
        # that is now also a name match, so no longer kept only in full.
        added = _similar_ids(PersonOfConcern, "search_names", name, threshold, (born or Q()) & ~Q(pk__in=close))
        seen, by_name, by_other = {record.pk for record in found}, set(added), set(ranked)
        recheck = [pk for pk in ranked if pk in by_name and pk not in seen]
        more = _first_seen(PersonOfConcern, user, recheck + [pk for pk in added if pk not in by_other])
        order = {pk: position for position, pk in enumerate(dict.fromkeys(ranked + close + added))}
        found = sorted(found + more, key=lambda record: order[record.pk])[:MATCHES]
    return found


def vehicle_matches(user, *, registration: str):
    registration = normalise_registration(registration)
    if not registration:
        return Vehicle.objects.none()
    return Vehicle.objects.visible_to(user).with_access_level(user).filter(registration=registration)[:MATCHES]


def location_matches(user, *, name: str = "", postcode: str = "") -> list:
    """Locations the user sees with the postcode, then with a similar name
    (the most similar first), at most MATCHES, each with the user's level."""
    by_postcode, by_name = [], []  # the postcode is above a location's summary
    postcode = re.sub(r"\s+", "", postcode.upper())
    if postcode:
        same_postcode = Location.objects.filter(postcode__iexact=postcode).order_by()
        by_postcode = sorted(same_postcode.values_list("pk", flat=True)[:MATCH_CANDIDATES])
    if name.strip():
        by_name = _similar_ids(Location, "name", name.strip().lower(), SIMILAR_NAME)
    return _first_seen(Location, user, by_postcode + by_name, full_only=set(by_postcode) - set(by_name))


def entity_search(user, kind: str, query: str):
    """Entities of `kind` ("person", "location" or "vehicle") the user sees
    matching a (misspelt) name, a registration, a phone number or a handle,
    best first: the entity search page's and MASE's (intelligence.mase_links)."""
    if kind == "person":
        return person_matches(user, first_name=query, phone_numbers=[query], online_handles=[query], loose=True)
    if kind == "vehicle":
        return vehicle_matches(user, registration=query)
    return location_matches(user, name=query, postcode=query)


def _linkable_report(report, user):
    require_level(user, report, AccessLevel.CHANGE)
    require_unit(user, "link entities to reports")


def _existing(model, user, existing):
    """An existing entity chosen from the matches: it must be one the user sees."""
    found = model._default_manager.visible_to(user).filter(pk=getattr(existing, "pk", existing)).first()
    if found is None:
        raise Http404("No such record")
    return found


@transaction.atomic
def person_link(
    *,
    report,
    linked_by,
    existing=None,
    first_name: str = "",
    last_name: str = "",
    aliases=(),
    date_of_birth=None,
    estimated_age=None,
    description: str = "",
    phone_numbers=(),
    online_handles=(),
    taxi_licence: str = "",
    status: str = PersonOfConcern.Status.SUSPECT,
    request=None,
) -> PersonOfConcern:
    """Link a person of concern to a report: an existing one the user chose
    from the matches, or a new one."""
    _linkable_report(report, linked_by)
    if existing is not None:
        person = _existing(PersonOfConcern, linked_by, existing)
    else:
        errors = {}
        if not (first_name.strip() or last_name.strip() or list(aliases)):
            errors["last_name"] = "Enter a name or an alias"
        if status not in PersonOfConcern.Status.values:
            errors["status"] = "Choose a status"
        try:
            phones = _phones(phone_numbers)
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        aliases = [alias.strip() for alias in aliases if alias.strip()]
        person = PersonOfConcern.objects.create(
            first_name=first_name.strip(),
            last_name=last_name.strip(),
            aliases=aliases,
            date_of_birth=date_of_birth,
            estimated_age=estimated_age,
            description=description.strip(),
            phone_numbers=phones,
            online_handles=[handle.strip() for handle in online_handles if handle.strip()],
            taxi_licence=taxi_licence.strip(),
            status=status,
            search_names=_search_names(first_name.strip(), last_name.strip(), aliases),
        )
    report.persons.add(person)
    _logged(linked_by, report, request, linked=("person", person.pk))
    return person


@transaction.atomic
def location_link(
    *, report, linked_by, existing=None, name="", kind="", address="", postcode="", district=None, request=None
) -> Location:
    _linkable_report(report, linked_by)
    if existing is not None:
        location = _existing(Location, linked_by, existing)
    else:
        errors = {}
        if not name.strip():
            errors["name"] = "Enter the location's name"
        if kind not in Location.Kind.values:
            errors["kind"] = "Choose the kind of location"
        if errors:
            raise ValidationError(errors)
        location = Location.objects.create(
            name=name.strip(), kind=kind, address=address.strip(), postcode=postcode.strip().upper(), district=district
        )
    report.locations.add(location)
    _logged(linked_by, report, request, linked=("location", location.pk))
    return location


@transaction.atomic
def vehicle_link(
    *, report, linked_by, existing=None, registration="", make="", model="", colour="", private_hire=False, request=None
) -> Vehicle:
    _linkable_report(report, linked_by)
    if existing is not None:
        vehicle = _existing(Vehicle, linked_by, existing)
    else:
        normalised = normalise_registration(registration)
        if not 2 <= len(normalised) <= 8:
            raise ValidationError({"registration": "Enter the registration, like AB12 CDE"})
        vehicle = Vehicle.objects.create(
            registration=normalised,
            make=make.strip(),
            model=model.strip(),
            colour=colour.strip(),
            private_hire=private_hire,
        )
    report.vehicles.add(vehicle)
    _logged(linked_by, report, request, linked=("vehicle", vehicle.pk))
    return vehicle


def _logged(user, report, request, **details):
    record_access(
        user=user,
        action=AccessEvent.Action.CHANGE,
        record_kind=report._meta.label_lower,
        record_ids=[report.pk],
        request=request,
        details={key: list(value) for key, value in details.items()},
    )


@transaction.atomic
def association_create(
    *, report, created_by, a: tuple, b: tuple, type: str, first_seen=None, last_seen=None, request=None
) -> Association:
    """Link two entities, evidenced by `report`. `a` and `b` are (kind, record);
    persons, locations and vehicles must be linked to the report, a child
    must be one the user sees in full."""
    _linkable_report(report, created_by)
    errors = {}
    ends = {}
    linked = {
        "person": report.persons.all(),
        "location": report.locations.all(),
        "vehicle": report.vehicles.all(),
        "child": Child.objects.visible_to(created_by, AccessLevel.FULL),
    }
    for end, (kind, record) in (("a", a), ("b", b)):
        if kind not in END_MODELS or record is None:
            errors[end] = "Choose what is linked"
            continue
        if not linked[kind].filter(pk=getattr(record, "pk", record)).exists():
            errors[end] = "Choose an entity linked to this report, or a child you can see"
            continue
        ends[f"{end}_{kind}_id"] = getattr(record, "pk", record)
    if not errors and a[0] == b[0] and getattr(a[1], "pk", a[1]) == getattr(b[1], "pk", b[1]):
        errors["b"] = "Choose two different entities"
    if type not in Association.Type.values:
        errors["type"] = "Choose the type of association"
    if first_seen and last_seen and last_seen < first_seen:
        errors["last_seen"] = "Last seen must be on or after first seen"
    if errors:
        raise ValidationError(errors)
    association = Association.objects.create(
        report=report, type=type, first_seen=first_seen, last_seen=last_seen, created_by=created_by, **ends
    )
    _logged(created_by, report, request, association=("association", association.pk))
    return association
