"""Forms for the MASE pages. They parse input; the services decide."""

from django import forms

from accounts.models import User
from cse_team.validators import (
    DOCUMENT_MAX_LENGTH,
    NARRATIVE_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    refuse_invisible_characters,
)
from mase.models import REMOVAL_REASON_MAX_LENGTH, AgendaItem, Attendance, ListingReason, Meeting, Panel
from referrals.models import RiskLevel
from sharing.access import casework_role_held


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M"],
        error_messages={"required": "Give the date and time of the meeting"},
    )
    listing_deadline = forms.DateField(
        label="Listing deadline",
        help_text="The last day a caseworker may request a listing",
        widget=DateInput,
        error_messages={"required": "Give the last day a listing may be requested"},
    )
    venue = forms.CharField(max_length=200, required=False)


class ListingRequestForm(forms.Form):
    panel = forms.ModelChoiceField(
        queryset=Panel.objects.none(), empty_label=None, error_messages={"required": "Choose a panel"}
    )
    meeting = forms.ModelChoiceField(
        queryset=Meeting.objects.none(),
        required=False,
        empty_label="The panel's next meeting the chair chooses",
        help_text="Only meetings whose listing deadline has not passed",
    )
    reason = forms.ChoiceField(
        choices=ListingReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the case should be listed"},
    )
    detail = forms.CharField(
        label="Why now",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": "Say why the panel should discuss the case now"},
    )

    def __init__(self, *args, panels, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panels
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].label_from_instance = lambda m: f"{m.panel}, {m.starts_at:%-d %B %Y}"


class NoteForm(forms.Form):
    note = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_MAX_LENGTH
    )


class MonitorForm(forms.Form):
    next_listing_date = forms.DateField(
        label="Next listing date", widget=DateInput, error_messages={"required": "Give the date it comes back"}
    )


class SubjectSearchForm(forms.Form):
    """The agenda builder's search (GET) for a person, place, vehicle or a
    problem profile's theme, among those the chair sees (mase.topics)."""

    find_kind = forms.ChoiceField(label="Search for", required=False)
    find = forms.CharField(
        label="Name, registration, phone number, online handle or theme",
        max_length=100,
        required=False,
        help_text="Misspelt names are found too. Only those you can see are shown.",
    )

    def __init__(self, *args, kinds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["find_kind"].choices = kinds


class TopicItemForm(forms.Form):
    subject = forms.CharField(
        label="Choose one of the results",
        required=False,
        max_length=40,  # a kind and a number, "person:123"
        widget=forms.RadioSelect,
        help_text="Every agency on the panel reads a person, place or vehicle as its kind and number; "
        "only those who see it read the name.",
    )
    title = forms.CharField(
        label="Or a theme",
        max_length=200,
        required=False,
        help_text="Leave empty for a search result. Do not name a child or a person of concern here: "
        "every agency on the panel reads it.",
    )
    why = forms.CharField(
        label="Why it is on the agenda",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=NOTE_MAX_LENGTH,
    )

    def __init__(self, *args, results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offer(results)

    def offer(self, results) -> None:
        """The search's results as the choices; the value chosen is checked
        again by the service (mase.topics: one the chair sees), so a forged
        one is refused."""
        self.fields["subject"].widget.choices = list(results)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("subject") and not cleaned.get("title", "").strip():
            self.add_error("title", "Choose a search result, or name the theme")
        return cleaned


class ItemRecordForm(forms.Form):
    discussion_summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=NARRATIVE_MAX_LENGTH,
        error_messages={"required": "Summarise the discussion"},
    )
    agreed_risk_level = forms.ChoiceField(
        label="Agreed risk level", choices=[("", "Not about a child"), *RiskLevel.choices], required=False
    )
    decisions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_MAX_LENGTH)


class AttendanceForm(forms.Form):
    agency = forms.ModelChoiceField(queryset=None, error_messages={"required": "Choose the agency"})
    status = forms.ChoiceField(
        choices=Attendance.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose attended or sent apologies"},
    )
    attendee_name = forms.CharField(label="Who attended", max_length=200, required=False)

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class ActionForm(forms.Form):
    description = forms.CharField(
        label="What is to be done",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": "Say what is to be done"},
    )
    owner = forms.ModelChoiceField(queryset=User.objects.none(), error_messages={"required": "Choose the owner"})
    due_date = forms.DateField(label="Deadline", widget=DateInput, error_messages={"required": "Give the deadline"})
    agenda_item = forms.ModelChoiceField(queryset=AgendaItem.objects.none(), required=False, label="About item")

    def __init__(self, *args, owners, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda user: f"{user.display_name}, {user.agency.name}"
        self.fields["agenda_item"].queryset = items
        self.fields["agenda_item"].label_from_instance = lambda item: (
            f"{item.position}. {item.child_initials or item.title}"
        )


def action_owners(agency_ids):
    """Active users of the panel's agencies who hold a casework role."""
    return (
        User.objects.filter(is_active=True, agency_id__in=agency_ids)
        .annotate(reads_casework=casework_role_held())
        .filter(reads_casework=True)
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name")
    )


class OutcomeForm(forms.Form):
    outcome_note = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": "Record the outcome"},
    )


class PackIssueForm(forms.Form):
    lawful_basis = forms.ModelChoiceField(
        queryset=None,
        label="Lawful basis",
        error_messages={"required": "Choose the lawful basis for sending the packs"},
    )
    purpose = forms.CharField(max_length=300, required=False, help_text="Leave empty for preparation for the meeting")

    def __init__(self, *args, bases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lawful_basis"].queryset = bases


class MinutesCirculateForm(PackIssueForm):
    purpose = forms.CharField(max_length=300, required=False, help_text="Leave empty for the record of the meeting")

    def __init__(self, *args, bases, **kwargs):
        super().__init__(*args, bases=bases, **kwargs)
        self.fields["lawful_basis"].error_messages["required"] = "Choose the lawful basis for circulating the minutes"


class TermsDraftForm(forms.Form):
    text = forms.CharField(
        label="Terms of reference",
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=DOCUMENT_MAX_LENGTH,
        error_messages={"required": "Write the terms of reference"},
        help_text="Purpose, membership, quorum, information sharing, how often the panel meets",
    )


class MinutesNotesForm(forms.Form):
    minutes_notes = forms.CharField(
        label="General minutes",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=NARRATIVE_MAX_LENGTH,
        help_text="Matters arising, apologies noted, any other business. Nothing about a child: "
        "record each child's discussion on their item, where only those who may see it read it.",
    )


class PlanUpdateForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        error_messages={"required": "Say what has happened"},
    )
    rag = forms.ChoiceField(
        label="RAG status",
        choices=[("red", "Red"), ("amber", "Amber"), ("green", "Green")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose red, amber or green"},
    )
    completed = forms.BooleanField(label="The action is complete", required=False)


class ItemRemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why it comes off the agenda",
        max_length=REMOVAL_REASON_MAX_LENGTH,
        validators=[refuse_invisible_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the item comes off the agenda: the panel's record keeps it"},
        help_text="Kept in the access log with the item's reference. Do not name a child.",
    )
