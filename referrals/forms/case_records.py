"""Forms for what is recorded on a case: chronology entries, actions and
missing episodes. Dates and times are GOV.UK date inputs (day, month, year)
with a time box; anything unreadable is an error next to the field."""

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.utils import timezone

from accounts.models import User
from cse_team.validators import NOTE_MAX_LENGTH
from referrals.models import ChronologyEntry, MissingEpisode, Referral
from referrals.people import full_readers

# "14:30", "14.30", "1430", "9", "2:30pm", "2pm", "12 am"
TIME_PATTERN = re.compile(r"^(?P<hour>\d{1,2})(?:[:.]?(?P<minute>\d{2}))?\s*(?P<half>am|pm)?$")


def parse_time(text: str) -> datetime.time | None:
    match = TIME_PATTERN.match(text.strip().lower().replace(" ", ""))
    if not match:
        return None
    hour, minute, half = int(match["hour"]), int(match["minute"] or 0), match["half"]
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


@dataclass(frozen=True)
class DatePart:
    """One box of a GOV.UK date input, for the template."""

    name: str
    id: str
    label: str
    value: str
    width: int
    inputmode: str = "numeric"


class GovukDateTimeWidget(forms.MultiWidget):
    """Day, month and year boxes, and a time box when `with_time`."""

    def __init__(self, with_time: bool = True):
        self.with_time = with_time
        widgets = {"day": forms.TextInput(), "month": forms.TextInput(), "year": forms.TextInput()}
        if with_time:
            widgets["time"] = forms.TextInput()
        super().__init__(widgets)

    def decompress(self, value):
        if not value:
            return [""] * len(self.widgets)
        if isinstance(value, datetime.datetime):
            local = timezone.localtime(value) if timezone.is_aware(value) else value
            return [str(local.day), str(local.month), str(local.year), local.strftime("%H:%M")][: len(self.widgets)]
        if isinstance(value, datetime.date):
            return [str(value.day), str(value.month), str(value.year)]
        return [""] * len(self.widgets)


class GovukDateTimeBoundField(forms.BoundField):
    @property
    def parts(self) -> list[DatePart]:
        value = self.value()
        if not isinstance(value, list | tuple):
            value = self.field.widget.decompress(value)
        labels = [("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4), ("time", "Time", 5)]
        return [
            DatePart(
                name=f"{self.html_name}_{suffix}",
                # The first box takes the field's own id, so the error summary's link lands in it.
                id=self.auto_id if index == 0 else f"{self.auto_id}_{suffix}",
                label=label,
                value=str(value[index] or "") if index < len(value) else "",
                width=width,
                inputmode="text" if suffix == "time" else "numeric",
            )
            for index, (suffix, label, width) in enumerate(labels[: len(self.field.widget.widgets)])
        ]


class GovukDateTimeField(forms.MultiValueField):
    """A date (and time) typed into separate boxes; Europe/London time.
    `what` names the field in messages: "The date found must include a month"."""

    def __init__(self, *, what: str, with_time: bool = True, **kwargs):
        self.what = what
        self.with_time = with_time
        fields = [forms.CharField(required=False) for _ in range(4 if with_time else 3)]
        kwargs.setdefault("help_text", "For example, 27 3 2025" + (" and 14:30" if with_time else ""))
        kwargs.setdefault("error_messages", {"required": f"Enter {what}", "incomplete": f"Enter {what}"})
        super().__init__(fields=fields, widget=GovukDateTimeWidget(with_time), require_all_fields=False, **kwargs)

    def get_bound_field(self, form, field_name):
        return GovukDateTimeBoundField(form, self, field_name)

    def compress(self, data_list):
        if not data_list or not any(part.strip() for part in data_list):
            if self.required:
                raise forms.ValidationError(f"Enter {self.what}", code="required")
            return None
        day, month, year = (part.strip() for part in data_list[:3])
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"{self.what.capitalize()} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise forms.ValidationError(f"{self.what.capitalize()} must be a real date, for example 27 3 2025")
        try:
            day_value = datetime.date(int(year), int(month), int(day))
        except (ValueError, OverflowError):
            raise forms.ValidationError(f"{self.what.capitalize()} must be a real date") from None
        if day_value.year < 1900:
            raise forms.ValidationError(f"{self.what.capitalize()} must be after 1900")
        if not self.with_time:
            return day_value
        time_text = data_list[3].strip() if len(data_list) > 3 else ""
        if not time_text:
            raise forms.ValidationError(f"{self.what.capitalize()} must include a time, for example 14:30")
        time_value = parse_time(time_text)
        if time_value is None:
            raise forms.ValidationError(f"Enter the time for {self.what} as hours and minutes, for example 14:30")
        return timezone.make_aware(datetime.datetime.combine(day_value, time_value))


class ChronologyEntryForm(forms.Form):
    occurred_at = GovukDateTimeField(what="the date and time it happened", label="When did it happen?")
    kind = forms.ChoiceField(
        choices=ChronologyEntry.Kind.choices,
        initial=ChronologyEntry.Kind.NOTE,
        label="What kind of entry is it?",
        error_messages={"required": "Choose the kind of entry", "invalid_choice": "Choose the kind of entry"},
    )
    summary = forms.CharField(
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="What happened?",
        error_messages={"required": "Describe what happened"},
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        title = f", {obj.job_title}" if getattr(obj, "job_title", "") else ""
        return f"{obj.display_name}{title} ({obj.agency.name})"


class ActionForm(forms.Form):
    description = forms.CharField(
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="What needs to be done?",
        error_messages={"required": "Describe the action"},
    )
    owner = OwnerChoiceField(
        queryset=User.objects.none(),
        label="Who will do it?",
        help_text="People who can see this referral in full.",
        empty_label="Choose a person",
        error_messages={"required": "Choose who will do it", "invalid_choice": "Choose someone from the list"},
    )
    due_date = GovukDateTimeField(what="the due date", with_time=False, label="When is it due?")

    def __init__(self, *args, referral: Referral, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = full_readers(referral, agency_ids=[referral.owning_agency_id, user.agency_id])


YES_NO = [("yes", "Yes"), ("no", "No")]


class MissingEpisodeForm(forms.Form):
    reported_missing_at = GovukDateTimeField(
        what="the date and time reported missing", label="When was the child reported missing?"
    )
    missing_from = forms.ChoiceField(
        choices=MissingEpisode.MissingFrom.choices,
        widget=forms.RadioSelect,
        label="Missing from",
        error_messages={
            "required": "Choose where the child went missing from",
            "invalid_choice": "Choose where the child went missing from",
        },
    )
    found_at = GovukDateTimeField(
        what="the date and time found",
        required=False,
        label="When was the child found? (optional)",
        help_text="Leave empty while the child is still missing. For example, 27 3 2025 and 14:30",
    )
    found_location = forms.CharField(required=False, max_length=300, label="Where was the child found? (optional)")
    cse_linked = forms.TypedChoiceField(
        choices=YES_NO,
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        label="Is the episode linked to sexual exploitation?",
        error_messages={"required": "Say whether the episode is linked to sexual exploitation"},
    )
    return_interview_offered_at = GovukDateTimeField(
        what="the date and time the return interview was offered",
        required=False,
        label="Return interview offered (optional)",
    )
    return_interview_done_at = GovukDateTimeField(
        what="the date and time of the return interview",
        required=False,
        label="Return interview done (optional)",
        help_text=(
            "A return interview is due within 72 hours of the child being found. For example, 27 3 2025 and 14:30"
        ),
    )
    interview_findings = forms.CharField(
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="What did the return interview reveal? (optional)",
        help_text="Places, people, how the child travelled.",
    )

    @classmethod
    def initial_for(cls, episode: MissingEpisode) -> dict:
        return {
            "reported_missing_at": episode.reported_missing_at,
            "missing_from": episode.missing_from,
            "found_at": episode.found_at,
            "found_location": episode.found_location,
            "cse_linked": "yes" if episode.cse_linked else "no",
            "return_interview_offered_at": episode.return_interview_offered_at,
            "return_interview_done_at": episode.return_interview_done_at,
            "interview_findings": episode.interview_findings,
        }


class ActionCompleteForm(forms.Form):
    outcome = forms.CharField(
        label="What was the outcome?",
        help_text="What was done and what came of it. It is added to the case's chronology.",
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what the outcome of the action was"},
    )
