"""Forms of the training pages; each is saved by one service call."""

import csv
import io

from django import forms

from accounts.models import District, User
from cse_team.validators import NOTE_MAX_LENGTH
from training.models import Audience, Campaign, CourseVersion, Event, Session


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def trainers():
    return (
        User.objects.filter(is_active=True, groups__role__code__in=("trainer", "manager"))
        .distinct()
        .order_by("first_name", "last_name")
    )


class TrainerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.display_name


class SessionPlanForm(forms.Form):
    course_version = forms.ModelChoiceField(
        CourseVersion.objects.plannable().select_related("course"), label="Course", empty_label="Choose a course"
    )
    starts_at = forms.DateTimeField(label="Starts", widget=DateTimeLocalInput())
    ends_at = forms.DateTimeField(label="Ends", widget=DateTimeLocalInput())
    district = forms.ModelChoiceField(District.objects.current(), empty_label="Choose a district")
    venue = forms.CharField(max_length=200)
    trainer = TrainerChoiceField(trainers(), empty_label="Choose a trainer")
    audience = forms.ChoiceField(choices=[("", "Choose an audience"), *Audience.choices])
    campaign = forms.ModelChoiceField(Campaign.objects.all(), required=False, empty_label="No campaign")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated per form: districts are effective-dated, trainers change.
        self.fields["district"].queryset = District.objects.current()
        self.fields["trainer"].queryset = trainers()


class SessionEditForm(SessionPlanForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class SessionDeliverForm(forms.Form):
    attendee_count = forms.IntegerField(
        label="How many people attended",
        min_value=1,
        error_messages={"min_value": "Enter how many people attended (at least 1)"},
    )


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled", widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX_LENGTH
    )


class SessionFilterForm(forms.Form):
    district = forms.ModelChoiceField(District.objects.all(), required=False, to_field_name="code", empty_label="Any")
    audience = forms.ChoiceField(choices=[("", "Any"), *Audience.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "Any"), ("reached", "Delivered or evaluated"), *Session.Status.choices], required=False
    )
    campaign = forms.ModelChoiceField(Campaign.objects.all(), required=False, to_field_name="code", empty_label="Any")
    start = forms.DateField(label="From", required=False, widget=DateInput())
    end = forms.DateField(label="To", required=False, widget=DateInput())

    def filter(self, sessions):
        data = self.cleaned_data
        if data.get("district"):
            sessions = sessions.filter(district=data["district"])
        if data.get("audience"):
            sessions = sessions.filter(audience=data["audience"])
        if data.get("status") == "reached":
            sessions = sessions.reached()
        elif data.get("status"):
            sessions = sessions.filter(status=data["status"])
        if data.get("campaign"):
            sessions = sessions.filter(campaign=data["campaign"])
        if data.get("start"):
            sessions = sessions.filter(starts_on__gte=data["start"])
        if data.get("end"):
            sessions = sessions.filter(starts_on__lte=data["end"])
        return sessions


class PeriodForm(forms.Form):
    start = forms.DateField(label="From", widget=DateInput())
    end = forms.DateField(label="To", widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", "The period must end after it starts")
        return data


class RegisterUploadForm(forms.Form):
    register = forms.FileField(label="Register (CSV)", help_text="The first line names the columns.")

    MAX_BYTES = 1_000_000

    def clean_register(self):
        upload = self.cleaned_data["register"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError("The register must be smaller than 1 MB")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The register must be a CSV file saved as UTF-8") from None
        rows = list(csv.reader(io.StringIO(text)))
        if len(rows) < 2 or not any(rows[0]):
            raise forms.ValidationError("The register must have a line of column names and at least one attendee")
        return text


def register_rows(text: str) -> tuple[list[str], list[list[str]]]:
    rows = list(csv.reader(io.StringIO(text)))
    return rows[0], rows[1:]


class RegisterMappingForm(forms.Form):
    """Which column holds what (the column-mapping step)."""

    name = forms.ChoiceField(label="Column with the attendee's name")
    licence_number = forms.ChoiceField(label="Column with the organisation's licence number", required=False)

    def __init__(self, *args, columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(str(index), heading or f"Column {index + 1}") for index, heading in enumerate(columns)]
        self.fields["name"].choices = [("", "Choose a column"), *choices]
        self.fields["licence_number"].choices = [("", "None"), *choices]
        if not self.is_bound:
            self.initial.update(guess_mapping(columns))

    def mapped(self, rows: list[list[str]]) -> list[dict]:
        def cell(row, key):
            index = self.cleaned_data.get(key)
            if index in (None, ""):
                return ""
            index = int(index)
            return row[index].strip() if index < len(row) else ""

        return [{"name": cell(row, "name"), "licence_number": cell(row, "licence_number")} for row in rows]


def guess_mapping(columns) -> dict:
    guessed = {}
    for index, heading in enumerate(columns):
        lowered = heading.strip().lower()
        if "name" in lowered and "name" not in guessed and "organisation" not in lowered:
            guessed["name"] = str(index)
        elif "licence" in lowered or "license" in lowered:
            guessed["licence_number"] = str(index)
    return guessed


class FeedbackForm(forms.Form):
    SCORES = [(str(n), label) for n, label in ((5, "5 (very good)"), (4, "4"), (3, "3"), (2, "2"), (1, "1 (poor)"))]

    content_score = forms.TypedChoiceField(
        label="How useful was what you learned?", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    delivery_score = forms.TypedChoiceField(
        label="How well was it delivered?", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    relevance_score = forms.TypedChoiceField(
        label="How relevant was it to your work?", choices=SCORES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="Anything else (optional)",
        help_text="Please do not write your name or anyone else's.",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class EventForm(forms.Form):
    kind = forms.ChoiceField(choices=Event.Kind.choices, widget=forms.RadioSelect)
    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(label="Starts", widget=DateTimeLocalInput())
    venue = forms.CharField(max_length=200)
    district = forms.ModelChoiceField(District.objects.current(), required=False, empty_label="County-wide")
    campaign = forms.ModelChoiceField(Campaign.objects.all(), required=False, empty_label="No campaign")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE_MAX_LENGTH)


class PlanForm(forms.Form):
    title = forms.CharField(max_length=200)
    districts = forms.ModelMultipleChoiceField(
        District.objects.current(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Districts that share a plan: tick each.",
    )
    period_start = forms.DateField(label="Plan starts", widget=DateInput())
    period_end = forms.DateField(label="Plan ends", widget=DateInput())
    priority_audiences = forms.MultipleChoiceField(
        choices=Audience.choices, widget=forms.CheckboxSelectMultiple, label="Priority audiences for training"
    )
    priorities = forms.CharField(
        label="CSE priorities",
        help_text="One a line, in order.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["districts"].queryset = District.objects.current()

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        lines = [line.strip() for line in data.pop("priorities").splitlines() if line.strip()]
        return {**data, "districts": list(data["districts"]), "priorities": [(line, "") for line in lines]}
