"""MASE panels, meetings, listing requests, agenda items, attendance and
actions (DOMAIN.md, "MASE"). Who sees what is declared here, with each kind's
default rules in the "MASE records" change of the protocol (docs/isp.md)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import Agency, District
from referrals.models import Referral, RiskAssessment, RiskLevel
from sharing.models import GroupShareGrant, UserShareGrant
from sharing.querysets import DependentQuerySet, SharableQuerySet
from sharing.registry import NOTHING, dependent, sharable

AGENCIES = ("kent-police", "kcc", "medway", "health", "early-help")
PROTOCOL_CHANGE = "MASE records"


class PanelKind(models.TextChoices):
    STRATEGIC = "strategic", "MASE strategic"
    OPERATIONAL = "operational", "MASE operational"
    SCREENING = "screening", "Pre-MASE screening"
    STRATEGY_MEETING = "strategy_meeting", "CSE strategy meeting"


class PanelQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def chaired_by(self, user):
        return self.filter(Q(chair=user) | Q(deputy_chair=user))

    def for_member(self, user):
        """Panels the user's agency sits on, or that the user chairs."""
        return self.filter(Q(members__agency_id=user.agency_id) | Q(chair=user) | Q(deputy_chair=user)).distinct()


class Panel(models.Model):
    """A standing MASE panel: its kind, its scope (districts; none means the
    county), chair and deputy, and the agencies that sit on it. A panel holds
    no case data, so it is not a sharable record."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=PanelKind.choices)
    districts = models.ManyToManyField(
        District, blank=True, related_name="+", help_text="Leave empty for a county-wide panel"
    )
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    deputy_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)

    objects = PanelQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def scope_label(self) -> str:
        names = [district.name for district in self.districts.all()]
        return ", ".join(names) if names else "County-wide"


class PanelMember(models.Model):
    """An agency's seat on a panel, with its member and deputy."""

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="members")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["panel", "agency"], name="panel_member_once_per_agency")]

    def __str__(self):
        return f"{self.agency} on {self.panel}"


class TermsOfReference(models.Model):
    """A version of a panel's terms of reference: draft -> final -> signed off
    (once every member agency has signed the final text)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final, awaiting sign-off"
        SIGNED_OFF = "signed_off", "Signed off"

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="terms_of_reference")
    version = models.PositiveSmallIntegerField()
    text = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    signed_off_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["panel", "-version"]
        constraints = [models.UniqueConstraint(fields=["panel", "version"], name="tor_version_once_per_panel")]

    def __str__(self):
        return f"{self.panel} terms of reference, version {self.version}"


class TermsSignature(models.Model):
    """A member agency's sign-off of a final version."""

    terms = models.ForeignKey(TermsOfReference, on_delete=models.CASCADE, related_name="signatures")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["terms", "agency"], name="tor_signed_once_per_agency")]

    def __str__(self):
        return f"{self.agency} signed {self.terms}"


def _panel_seat(recipient, panel_path: str) -> Exists:
    return Exists(PanelMember.objects.filter(panel=OuterRef(panel_path), agency=recipient))


def meeting_panel_member(user, recipient) -> Q:
    """The recipient agency sits on the meeting's panel."""
    return Q(_panel_seat(recipient, "panel"))


def chairs_the_meeting(user, recipient) -> Q:
    """The user chairs (or deputises for the chair of) the meeting's panel."""
    if not user.has_role("mase-chair"):
        return NOTHING
    return Q(panel__chair=user) | Q(panel__deputy_chair=user)


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    AGENDA_CLOSED = "agenda_closed", "Agenda closed"
    HELD = "held", "Held"
    MINUTES_DRAFT = "minutes_draft", "Minutes in draft"
    MINUTES_APPROVED = "minutes_approved", "Minutes approved"
    CIRCULATED = "circulated", "Minutes circulated"


class MeetingQuerySet(SharableQuerySet):
    def upcoming(self, today: datetime.date | None = None):
        return self.filter(starts_at__date__gte=today or timezone.localdate()).order_by("starts_at", "id")

    def past(self, today: datetime.date | None = None):
        return self.filter(starts_at__date__lt=today or timezone.localdate()).order_by("-starts_at", "-id")

    def open_for_listing(self, today: datetime.date | None = None):
        return self.filter(status=MeetingStatus.SCHEDULED, listing_deadline__gte=today or timezone.localdate())


@sharable(
    owning_agency_field="owning_agency",
    summary_fields=["reference", "panel", "starts_at", "venue", "listing_deadline", "status"],
    conditions={"panel_member": meeting_panel_member, "chairs_the_meeting": chairs_the_meeting},
    default_scope_rules=[
        (None, "owned_by_recipient", "full"),
        *((agency, "panel_member", "full") for agency in AGENCIES),
        *((agency, "chairs_the_meeting", "change") for agency in AGENCIES),
    ],
    joins_protocol=PROTOCOL_CHANGE,
)
class Meeting(models.Model):
    """One sitting of a panel: scheduled -> agenda closed -> held -> minutes
    draft -> minutes approved -> circulated. Requests to list a case close at
    the listing deadline. Owned by the panel's agency; seen in full by the
    agencies that sit on the panel; changed by its chair and deputy."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    starts_at = models.DateTimeField()
    venue = models.CharField(max_length=200, blank=True)
    listing_deadline = models.DateField(help_text="The last day a listing may be requested")
    status = models.CharField(max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    agenda_closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    held_at = models.DateTimeField(null=True, blank=True, editable=False)
    minutes_notes = models.TextField(
        "general minutes",
        blank=True,
        db_default="",  # rows written by SQL (benchmarks/dashboard_bench.py) need no value
        help_text="Matters arising, apologies noted, any other business: about no child (items have their own)",
    )
    version = models.PositiveIntegerField(default=1)
    # Raised by every change to the agenda: packs issued at a lower one are superseded.
    agenda_version = models.PositiveIntegerField(default=1, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-id"]
        permissions = [("view_summary_meeting", "Can view the summary of a MASE meeting")]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("mase:meeting_detail", args=[self.pk])

    @property
    def agenda_open(self) -> bool:
        return self.status == MeetingStatus.SCHEDULED


class MeetingUserObjectPermission(UserShareGrant):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)


class MeetingGroupObjectPermission(GroupShareGrant):
    content_object = models.ForeignKey(Meeting, on_delete=models.CASCADE)


@dependent(parent_field="meeting")
class Attendance(models.Model):
    """An agency's attendance or apologies at a meeting."""

    class Status(models.TextChoices):
        ATTENDED = "attended", "Attended"
        APOLOGIES = "apologies", "Sent apologies"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    attendee_name = models.CharField(max_length=200, blank=True)

    objects = DependentQuerySet.as_manager()

    class Meta:
        ordering = ["agency__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "agency"], name="attendance_once_per_agency")]

    def __str__(self):
        return f"{self.agency}: {self.get_status_display()}"


class ListingReason(models.TextChoices):
    HIGH_RISK = "high_risk", "High risk"
    STUCK = "stuck", "Stuck case"
    NEW_LINKS = "new_links", "New links to perpetrators or locations"
    REVIEW = "review", "Review"


class ListingStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    LISTED = "listed", "Listed"
    DISCUSSED = "discussed", "Discussed"
    MONITORING = "monitoring", "Monitoring"
    REMOVED = "removed", "Removed"


class ListingRequestQuerySet(DependentQuerySet):
    def awaiting_decision(self):
        return self.filter(status=ListingStatus.PROPOSED)

    def monitoring_due(self, on: datetime.date):
        return self.filter(status=ListingStatus.MONITORING, next_listing_date__lte=on)


@dependent(parent_field="referral")
class ListingRequest(models.Model):
    """A caseworker's request that a child's case be listed at a panel, with the
    reason and the current approved risk assessment. proposed -> accepted ->
    listed -> discussed -> monitoring (next listing date) -> removed; or
    declined. Seen through the referral, in full only."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="listing_requests")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="listing_requests",
        help_text="The meeting it is listed for",
    )  # fmt: skip
    reason = models.CharField(max_length=20, choices=ListingReason.choices)
    detail = models.TextField(help_text="Why the panel should discuss the case now")
    risk_assessment = models.ForeignKey(RiskAssessment, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=ListingStatus.choices, default=ListingStatus.PROPOSED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    next_listing_date = models.DateField(null=True, blank=True)

    objects = ListingRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="listing_monitoring_has_next_date",
                condition=~Q(status="monitoring") | Q(next_listing_date__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["referral", "panel"],
                condition=Q(status__in=["proposed", "accepted", "listed"]),
                name="listing_one_pending_per_panel",
                violation_error_message="This case already has a listing request pending at this panel.",
            ),
        ]

    def __str__(self):
        return f"Listing of {self.referral_id} at {self.panel_id}"


def topic_item_for_panel_member(user, recipient) -> Q:
    """An item about no child (a person, place or theme, the action plan) on a
    meeting of a panel the recipient sits on."""
    return Q(referral__isnull=True) & Q(_panel_seat(recipient, "meeting__panel"))


def item_child_in_recipient_authority(user, recipient) -> Q:
    """The item's child lives, now, where the recipient is the children's services authority."""
    return Q(referral__child__district__childrens_services=recipient)


class Criterion(models.TextChoices):
    """Why a case is on the agenda (the agenda builder's criteria)."""

    HIGH_RISK = "high_risk", "High risk"
    REVIEW_OVERDUE = "review_overdue", "Risk review overdue"
    MISSING = "missing", "Three or more missing episodes in 90 days"
    NEW_ASSOCIATIONS = "new_associations", "New associations to persons of concern"
    MONITORING_DUE = "monitoring_due", "Monitoring item due"
    STUCK = "stuck", "Stuck case"
    LISTING_REQUEST = "listing_request", "Accepted listing request"
    TOPIC = "topic", "Person, place or theme"
    ACTION_PLAN = "action_plan", "Strategic CSE action plan review"


class AgendaItemQuerySet(SharableQuerySet):
    def on(self, meeting):
        return self.filter(meeting=meeting).order_by("position", "id")


# Why an item comes off the agenda: kept in the access log and on each share
# of the case with the panel that its removal ends.
REMOVAL_REASON_MAX_LENGTH = 500


@sharable(
    owning_agency_field="owning_agency",
    summary_fields=[
        "reference", "meeting", "position", "minutes_allotted", "child_initials", "criterion", "agreed_risk_level",
    ],
    conditions={
        "child_in_recipient_authority": item_child_in_recipient_authority,
        "topic_item_for_panel_member": topic_item_for_panel_member,
    },
    # The referral's own rules, at most full: an attendee sees an item about a
    # child at the level the protocol gives their agency on the child's case.
    default_scope_rules=[
        (None, "owned_by_recipient", "full"),
        ("kent-police", "cse_team_member", "full"),
        ("kcc", "cse_team_member", "full"),
        ("medway", "cse_team_member", "full"),
        ("kcc", "child_in_recipient_authority", "full"),
        ("medway", "child_in_recipient_authority", "full"),
        *((agency, "topic_item_for_panel_member", "full") for agency in AGENCIES),
    ],
    default_share_level="full",
    joins_protocol=PROTOCOL_CHANGE,
)  # fmt: skip
class AgendaItem(models.Model):
    """One item on a meeting's agenda: a child's case (pseudonymous: initials
    and the referral's reference) or a person, place or theme; in order, with
    time allotted; then what the meeting recorded about it. An item about a
    child is owned by the agency that owns the case."""

    reference = models.CharField(max_length=30, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    listing = models.ForeignKey(
        ListingRequest, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_items"
    )
    criterion = models.CharField(max_length=20, choices=Criterion.choices)
    why = models.TextField("why it is on the agenda", blank=True)
    title = models.CharField(max_length=200, blank=True, help_text="For an item about no child")
    # A person of concern or a location (mase.topics): its kind label and id, never its name.
    subject_kind = models.CharField(max_length=100, blank=True, editable=False, db_default="")
    subject_id = models.BigIntegerField(null=True, blank=True, editable=False)
    child_initials = models.CharField(max_length=5, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    minutes_allotted = models.PositiveSmallIntegerField(default=10)
    discussion_summary = models.TextField(blank=True)
    agreed_risk_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    decisions = models.TextField(blank=True)
    discussed_at = models.DateTimeField(null=True, blank=True)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    objects = AgendaItemQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "position", "id"]
        permissions = [("view_summary_agendaitem", "Can view the summary of a MASE agenda item")]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "referral"],
                condition=Q(referral__isnull=False),
                name="agenda_child_once_per_meeting",
            ),
            models.CheckConstraint(
                name="agenda_item_about_child_or_titled", condition=Q(referral__isnull=False) | ~Q(title="")
            ),
            models.CheckConstraint(
                name="agenda_item_subject_whole",
                condition=Q(subject_kind="", subject_id__isnull=True)
                | (~Q(subject_kind="") & Q(subject_id__isnull=False) & Q(referral__isnull=True)),
            ),
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("mase:agendaitem_detail", args=[self.pk])


class ListedCaseShare(models.Model):
    """A share of a listed child's case with an agency on the panel, made by
    the sharing engine when the agenda closed (mase.services): the link that
    lets removing the listing end it. The share itself is the Record of
    Sharing (purpose, lawful basis, level, end date)."""

    item = models.ForeignKey("AgendaItem", on_delete=models.CASCADE, related_name="panel_shares")
    share = models.OneToOneField("sharing.Share", on_delete=models.PROTECT, related_name="+")

    def __str__(self):
        return f"{self.share} for {self.item_id}"


class AgendaItemUserObjectPermission(UserShareGrant):
    content_object = models.ForeignKey(AgendaItem, on_delete=models.CASCADE)


class AgendaItemGroupObjectPermission(GroupShareGrant):
    content_object = models.ForeignKey(AgendaItem, on_delete=models.CASCADE)


def chairs_the_action_meeting(user, recipient) -> Q:
    """The user chairs (or deputises for the chair of) the panel that set the action."""
    if not user.has_role("mase-chair"):
        return NOTHING
    return Q(meeting__panel__chair=user) | Q(meeting__panel__deputy_chair=user)


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    COMPLETED = "completed", "Completed"
    CANCELLED = "cancelled", "Cancelled"


OUTSTANDING = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class MaseActionQuerySet(SharableQuerySet):
    def outstanding(self):
        return self.filter(status__in=OUTSTANDING)

    def overdue(self, today: datetime.date | None = None):
        return self.outstanding().filter(due_date__lt=today or timezone.localdate())

    def owned_by(self, user):
        return self.filter(owner=user)

    def due_within(self, days: int, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.outstanding().filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days))


@sharable(
    owning_agency_field="owner_agency",
    summary_fields=["reference", "meeting", "owner", "owner_agency", "due_date", "status"],
    conditions={"chairs_the_panel": chairs_the_action_meeting},
    default_scope_rules=[
        (None, "owned_by_recipient", "change"),
        *((agency, "chairs_the_panel", "change") for agency in AGENCIES),
    ],
    joins_protocol=PROTOCOL_CHANGE,
)
class MaseAction(models.Model):
    """An action agreed at a meeting, with an owner (person and agency) and a
    deadline: open -> in progress -> completed / cancelled (with an outcome
    note); overdue is derived. Seen and worked by the owner's agency and the
    panel's chair (who may cancel it)."""

    reference = models.CharField(max_length=20, unique=True, editable=False)
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="actions")
    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    outcome_note = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_before_on = models.DateField(null=True, blank=True, editable=False)
    reminded_overdue_on = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)

    objects = MaseActionQuerySet.as_manager()

    class Meta:
        verbose_name = "MASE action"
        ordering = ["due_date", "id"]
        permissions = [("view_summary_maseaction", "Can view the summary of a MASE action")]
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="maseaction_owner_due_idx")]
        constraints = [
            models.CheckConstraint(
                name="maseaction_closed_has_outcome",
                condition=Q(status__in=["open", "in_progress"]) | (~Q(outcome_note="") & Q(closed_at__isnull=False)),
            )
        ]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("mase:action_detail", args=[self.pk])

    @property
    def overdue(self) -> bool:
        return self.status in OUTSTANDING and self.due_date < timezone.localdate()


class MaseActionUserObjectPermission(UserShareGrant):
    content_object = models.ForeignKey(MaseAction, on_delete=models.CASCADE)


class MaseActionGroupObjectPermission(GroupShareGrant):
    content_object = models.ForeignKey(MaseAction, on_delete=models.CASCADE)


class PackQuerySet(models.QuerySet):
    def for_user(self, user):
        """Packs the user may open: those issued to them, and their panels' (as chair)."""
        chaired = Q(meeting__panel__chair=user) | Q(meeting__panel__deputy_chair=user)
        return self.filter(Q(recipient=user) | (chaired if user.has_role("mase-chair") else NOTHING))


class MeetingPack(models.Model):
    """One agency's meeting document: its pack (the agenda) before the
    meeting, or its copy of the minutes once they are circulated; each as its
    member sees the meeting under the protocol in force (pseudonymous, at
    their level), as HTML and PDF, made in the background by the same code
    (mase.packs). Issuing it is a disclosure outside the system, recorded
    here (which protocol version, to whom, purpose, lawful basis) and in the
    access log. A later change to the agenda supersedes a pack; minutes are
    circulated once approved, so nothing supersedes them."""

    class Kind(models.TextChoices):
        PACK = "pack", "Meeting pack"
        MINUTES = "minutes", "Minutes"

    class Status(models.TextChoices):
        QUEUED = "queued", "Being prepared"
        READY = "ready", "Ready"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PACK, db_default=Kind.PACK)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="packs")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agenda_version = models.PositiveIntegerField()
    protocol = models.ForeignKey("sharing.Protocol", on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(max_length=300)
    lawful_basis = models.ForeignKey("sharing.LawfulBasis", on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    item_ids = models.JSONField(default=list, blank=True)
    html = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True)

    objects = PackQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "agency__name"]

    def __str__(self):
        return f"Pack for {self.agency} at {self.meeting_id}"

    @property
    def superseded(self) -> bool:
        return self.kind == self.Kind.PACK and self.agenda_version < self.meeting.agenda_version


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class WorkStream(models.Model):
    """A work stream of the strategic CSE action plan (the information sharing
    protocol, training, the "Say Something" campaign...). Strategic, not
    about any child: read by every casework role."""

    name = models.CharField(max_length=200, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class PlanAction(models.Model):
    """An action of the strategic plan, with an owner, a deadline and its RAG
    status (the latest update's)."""

    work_stream = models.ForeignKey(WorkStream, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    rag = models.CharField("RAG status", max_length=10, choices=Rag.choices, default=Rag.AMBER)
    completed = models.BooleanField(default=False)

    class Meta:
        ordering = ["work_stream", "due_date", "id"]

    def __str__(self):
        return self.description[:60]


class PlanUpdate(models.Model):
    """A dated update on a plan action, setting its RAG status."""

    action = models.ForeignKey(PlanAction, on_delete=models.CASCADE, related_name="updates")
    note = models.TextField()
    rag = models.CharField("RAG status", max_length=10, choices=Rag.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]

    def __str__(self):
        return f"{self.get_rag_display()} on {self.recorded_at:%d %b %Y}"
