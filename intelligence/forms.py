"""Forms for the intelligence pages. They only carry what is typed: the
services check everything (and the pages show their refusals next to the field)."""

from django import forms

from accounts.models import Agency, District
from cse_team.validators import NARRATIVE_MAX_LENGTH, NOTE_MAX_LENGTH, column_length
from intelligence.models import (
    GRADES,
    HANDLING_CODES,
    Association,
    HowKnown,
    Location,
    PersonOfConcern,
    ReportOriginal,
    Scheme,
    Submission,
    Vehicle,
)
from intelligence.models.disruptions import DETAILS_MAX_LENGTH, STEP_TEXT_MAX_LENGTH, CawnSection, DisruptionKind
from intelligence.models.profiles import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH
from intelligence.models.reviews import RATIONALE_MAX_LENGTH, RetentionRule, ReviewDecision
from intelligence.plan_priorities import priorities_for
from intelligence.services.profiles import CONDITIONS_MAX_LENGTH, PURPOSE_MAX_LENGTH
from referrals.models import Child
from sharing.levels import AccessLevel
from sharing.models import LawfulBasis
from sharing.services import SHARE_TEXT_MAX


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def _lines(text: str) -> list[str]:
    """One value a line or comma-separated."""
    return [part.strip() for line in (text or "").splitlines() for part in line.split(",") if part.strip()]


class SubmissionForm(forms.Form):
    what_happened = forms.CharField(
        label="What happened", widget=forms.Textarea(attrs={"rows": 6}), required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        help_text="Say what you know in your own words. Do not wait to be sure.",
    )  # fmt: skip
    occurred_on = forms.DateField(label="When it happened (if you know the date)", required=False, widget=DateInput())
    occurred_when = forms.CharField(
        label="When, in words", required=False, help_text="For example: most Friday nights",
        max_length=column_length(Submission, "occurred_when"),
    )  # fmt: skip
    where = forms.CharField(
        label="Where", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=NOTE_MAX_LENGTH
    )
    who = forms.CharField(
        label="Who was involved", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        max_length=NOTE_MAX_LENGTH,
        help_text="Names, nicknames, descriptions, phone numbers, vehicles",
    )  # fmt: skip
    how_known = forms.ChoiceField(
        label="How you know", choices=HowKnown.choices, widget=forms.RadioSelect, required=False
    )
    children = forms.ModelMultipleChoiceField(
        label="Children it is about", queryset=Child.objects.none(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text="Children from referrals you can see",
    )  # fmt: skip
    further_information = forms.CharField(
        label="Anything else", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=NARRATIVE_MAX_LENGTH
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        seen = Child.objects.visible_to(user, AccessLevel.FULL).order_by("last_name", "first_name", "pk")
        # The first 200 by name (a sliced queryset cannot be validated against).
        self.fields["children"].queryset = Child.objects.filter(pk__in=list(seen.values_list("pk", flat=True)[:200]))
        self.fields["children"].label_from_instance = lambda child: f"{child.first_name} {child.last_name}"


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[c for c in Submission.Outcome.choices if c[0]],
        widget=forms.RadioSelect,
        required=False,
    )


def _grade_choices(part: str) -> list:
    choices = [("", "Choose")]
    for scheme, grades in GRADES.items():
        choices += [(code, f"{Scheme(scheme).label}: {code}, {label}") for code, label in grades[part].items()]
    # A code used by both schemes (A-E) appears once per scheme; keep the first.
    seen, unique = set(), []
    for code, label in choices:
        if code not in seen:
            unique.append((code, label))
            seen.add(code)
    return unique


class ReportForm(forms.Form):
    title = forms.CharField(label="Subject (sanitised)", required=False, max_length=200)
    district = forms.ModelChoiceField(label="District", queryset=District.objects.all(), required=False)
    original_text = forms.CharField(
        label="Original text", widget=forms.Textarea(attrs={"rows": 8}), required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        help_text="The intelligence unit only. Never the identity of a covert source.",
    )  # fmt: skip
    sanitised_text = forms.CharField(
        label="Sanitised text", widget=forms.Textarea(attrs={"rows": 8}), required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        help_text="What partners may ever see",
    )  # fmt: skip
    scheme = forms.ChoiceField(label="Grading scheme", choices=Scheme.choices, initial=Scheme.CURRENT)
    source_evaluation = forms.ChoiceField(label="Source evaluation", choices=(), required=False)
    intelligence_assessment = forms.ChoiceField(label="Intelligence assessment", choices=(), required=False)
    handling_code = forms.ChoiceField(label="Handling code", choices=[("", "Choose"), *HANDLING_CODES], required=False)
    handling_conditions = forms.CharField(
        label="Handling conditions", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        max_length=SHARE_TEXT_MAX,
        help_text="Needed for code C: they travel with the report wherever it is shown",
    )  # fmt: skip
    source_type = forms.ChoiceField(
        label="Source type", choices=[("", "Choose"), *ReportOriginal.SourceType.choices], required=False
    )
    source_reference = forms.CharField(label="The unit's source reference", required=False, max_length=50)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source_evaluation"].choices = _grade_choices("source_evaluation")
        self.fields["intelligence_assessment"].choices = _grade_choices("intelligence_assessment")


class SanitiseForm(forms.Form):
    title = forms.CharField(label="Subject (sanitised)", required=False, max_length=200)
    sanitised_text = forms.CharField(
        label="Sanitised text", widget=forms.Textarea(attrs={"rows": 8}), required=False,
        max_length=NARRATIVE_MAX_LENGTH,
    )  # fmt: skip


class PersonForm(forms.Form):
    first_name = forms.CharField(
        label="First name", required=False, max_length=column_length(PersonOfConcern, "first_name")
    )
    last_name = forms.CharField(
        label="Last name", required=False, max_length=column_length(PersonOfConcern, "last_name")
    )
    aliases = forms.CharField(label="Aliases and nicknames", required=False, help_text="Separate with commas",
                              max_length=NOTE_MAX_LENGTH)  # fmt: skip
    date_of_birth = forms.DateField(label="Date of birth", required=False, widget=DateInput())
    estimated_age = forms.IntegerField(label="Estimated age", required=False, min_value=0, max_value=120)
    phone_numbers = forms.CharField(label="Phone numbers", required=False, help_text="Separate with commas",
                                    max_length=NOTE_MAX_LENGTH)  # fmt: skip
    online_handles = forms.CharField(label="Online handles", required=False, help_text="Separate with commas",
                                     max_length=NOTE_MAX_LENGTH)  # fmt: skip
    taxi_licence = forms.CharField(label="Taxi licence", required=False,
                                   max_length=column_length(PersonOfConcern, "taxi_licence"))  # fmt: skip
    description = forms.CharField(label="Description", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                  max_length=NOTE_MAX_LENGTH)  # fmt: skip
    status = forms.ChoiceField(label="Status", choices=PersonOfConcern.Status.choices)

    def clean(self):
        # Each alias and handle fits its column (a longer one was a server error).
        for name, what in (("aliases", "alias"), ("online_handles", "online handle")):
            longest = column_length(PersonOfConcern, name)
            if any(len(value) > longest for value in _lines(self.cleaned_data.get(name, ""))):
                self.add_error(name, f"Each {what} must be {longest} characters or fewer")
        return self.cleaned_data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        for name in ("aliases", "phone_numbers", "online_handles"):
            data[name] = _lines(data[name])
        return data

    def match_arguments(self) -> dict:
        data = self.service_arguments()
        return {
            "first_name": data["first_name"], "last_name": data["last_name"], "date_of_birth": data["date_of_birth"],
            "phone_numbers": data["phone_numbers"], "online_handles": data["online_handles"],
        }  # fmt: skip


class LocationForm(forms.Form):
    name = forms.CharField(label="Name", required=False, max_length=column_length(Location, "name"))
    kind = forms.ChoiceField(label="Kind", choices=[("", "Choose"), *Location.Kind.choices], required=False)
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                              max_length=NOTE_MAX_LENGTH)  # fmt: skip
    postcode = forms.CharField(label="Postcode", required=False, max_length=10)
    district = forms.ModelChoiceField(label="District", queryset=District.objects.all(), required=False)

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)

    def match_arguments(self) -> dict:
        return {"name": self.cleaned_data["name"], "postcode": self.cleaned_data["postcode"]}


class VehicleForm(forms.Form):
    registration = forms.CharField(label="Registration", required=False, max_length=12)
    make = forms.CharField(label="Make", required=False, max_length=column_length(Vehicle, "make"))
    model = forms.CharField(label="Model", required=False, max_length=column_length(Vehicle, "model"))
    colour = forms.CharField(label="Colour", required=False, max_length=column_length(Vehicle, "colour"))
    private_hire = forms.BooleanField(label="Private hire", required=False)

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)

    def match_arguments(self) -> dict:
        return {"registration": self.cleaned_data["registration"]}


ENTITY_FORMS = {"person": PersonForm, "location": LocationForm, "vehicle": VehicleForm}


class AssociationForm(forms.Form):
    a = forms.ChoiceField(label="From", choices=())
    type = forms.ChoiceField(label="Type", choices=[("", "Choose"), *Association.Type.choices], required=False)
    b = forms.ChoiceField(label="To", choices=())
    first_seen = forms.DateField(label="First seen", required=False, widget=DateInput())
    last_seen = forms.DateField(label="Last seen", required=False, widget=DateInput())

    def __init__(self, *args, ends, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose"), *ends]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices

    @staticmethod
    def end(value: str):
        kind, _, pk = value.partition(":")
        return kind, int(pk) if pk.isdigit() else None


# --- disruptions -------------------------------------------------------------------


def _visible_choices(model, user, level=AccessLevel.SUMMARY, label=str) -> list:
    """The first 200 records of a kind the user sees, as choices (the service checks again)."""
    return [(record.pk, label(record)) for record in model._default_manager.visible_to(user, level)[:200]]


class DisruptionForm(forms.Form):
    kind = forms.ChoiceField(label="Kind of disruption", choices=[("", "Choose"), *DisruptionKind.choices],
                             required=False)  # fmt: skip
    cawn_section = forms.ChoiceField(
        label="Section (child abduction warning notices only)", choices=[("", "Not a notice"), *CawnSection.choices],
        required=False, help_text="Section 2 for a child under 16; section 49 for a looked-after child under 18",
    )  # fmt: skip
    occurred_on = forms.DateField(label="Date", required=False, widget=DateInput(),
                                  help_text="When it was done; for a notice, the day it is drafted")  # fmt: skip
    district = forms.ModelChoiceField(label="District", queryset=District.objects.all(), required=False)
    details = forms.CharField(label="Details", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                              max_length=DETAILS_MAX_LENGTH)  # fmt: skip
    persons = forms.TypedMultipleChoiceField(label="Persons of concern", coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)  # fmt: skip
    locations = forms.TypedMultipleChoiceField(label="Locations", coerce=int, required=False,
                                               widget=forms.CheckboxSelectMultiple)  # fmt: skip
    children = forms.TypedMultipleChoiceField(label="Children", coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple,
                                              help_text="Children from referrals you can see")  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["persons"].choices = _visible_choices(PersonOfConcern, user)
        self.fields["locations"].choices = _visible_choices(Location, user)
        self.fields["children"].choices = _visible_choices(
            Child, user, AccessLevel.FULL, lambda child: f"{child.first_name} {child.last_name}"
        )


class DisruptionEditForm(DisruptionForm):
    """Editing a recorded disruption: its kind stays; a CAWN's date, section
    and child can be changed only while it is drafted (the service says so
    next to the field)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, disruption, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]
        if not disruption.is_cawn:
            del self.fields["cawn_section"]


class CawnServeForm(forms.Form):
    served_on = forms.DateField(label="Served on", required=False, widget=DateInput())
    expires_on = forms.DateField(label="Expires on", required=False, widget=DateInput(),
                                 help_text="Before the child reaches the section's age limit")  # fmt: skip


class CawnBreachForm(forms.Form):
    breached_on = forms.DateField(label="Date of the breach", required=False, widget=DateInput())
    breach_details = forms.CharField(label="What the breach was", required=False, max_length=STEP_TEXT_MAX_LENGTH,
                                     widget=forms.Textarea(attrs={"rows": 4}))  # fmt: skip


class CawnWithdrawForm(forms.Form):
    withdrawal_reason = forms.CharField(label="Why the notice is withdrawn", required=False,
                                        max_length=STEP_TEXT_MAX_LENGTH,
                                        widget=forms.Textarea(attrs={"rows": 3}))  # fmt: skip


CAWN_STEP_FORMS = {
    "authorise": forms.Form,
    "serve": CawnServeForm,
    "activate": forms.Form,
    "breach": CawnBreachForm,
    "withdraw": CawnWithdrawForm,
}


# --- review and retention -----------------------------------------------------------


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label="Decision", choices=ReviewDecision.choices, widget=forms.RadioSelect,
                                 required=False)  # fmt: skip
    rationale = forms.CharField(label="Rationale", required=False, widget=forms.Textarea(attrs={"rows": 4}),
                                max_length=RATIONALE_MAX_LENGTH,
                                help_text="Why the information is still necessary, or why it is not")  # fmt: skip
    retention_rule = forms.ModelChoiceField(
        label="Retention rule", queryset=RetentionRule.objects.all(), required=False,
        empty_label="Keep the current rule",
        help_text="The next review is due after the rule's period, counted from today",
    )  # fmt: skip


# --- problem profiles ---------------------------------------------------------------


class ProblemProfileForm(forms.Form):
    title = forms.CharField(label="Title", required=False, max_length=TITLE_MAX_LENGTH)
    district = forms.ModelChoiceField(label="Area", queryset=District.objects.all(), required=False,
                                      empty_label="The county (Kent and Medway)")  # fmt: skip
    period_start = forms.DateField(label="Period from", required=False, widget=DateInput())
    period_end = forms.DateField(label="Period to", required=False, widget=DateInput())
    assessment = forms.CharField(label="Assessment", required=False, widget=forms.Textarea(attrs={"rows": 8}),
                                 max_length=TEXT_MAX_LENGTH)  # fmt: skip
    recommendations = forms.CharField(label="Recommendations", required=False, max_length=TEXT_MAX_LENGTH,
                                      widget=forms.Textarea(attrs={"rows": 5}))  # fmt: skip
    plan_priority_ids = forms.TypedMultipleChoiceField(
        label="Community Safety Plan priorities it informs", coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args, district=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan_priority_ids"].choices = [(p.pk, p.label) for p in priorities_for(district)]
        if editing:  # the area and period are fixed once drafted
            for name in ("district", "period_start", "period_end"):
                del self.fields[name]
            self.fields["version"] = forms.IntegerField(widget=forms.HiddenInput)


class DisseminateForm(forms.Form):
    agencies = forms.ModelMultipleChoiceField(label="Agencies", queryset=Agency.objects.none(), required=False,
                                              widget=forms.CheckboxSelectMultiple)  # fmt: skip
    purpose = forms.CharField(
        label="Purpose", required=False, max_length=PURPOSE_MAX_LENGTH,
        initial="To inform the Community Safety Partnership's plan and partners' disruption work",
    )  # fmt: skip
    lawful_basis = forms.ModelChoiceField(label="Lawful basis", queryset=LawfulBasis.objects.none(), required=False)
    conditions = forms.CharField(label="Conditions passed on", required=False, max_length=CONDITIONS_MAX_LENGTH,
                                 widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = Agency.objects.active().exclude(pk=user.agency_id)
        self.fields["lawful_basis"].queryset = LawfulBasis.objects.filter(regime=user.agency.regime, active=True)


PROFILE_STEP_FORMS = {"submit": forms.Form, "return": forms.Form, "approve": forms.Form, "disseminate": DisseminateForm}
