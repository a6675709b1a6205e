"""Forms for finding a child, recording and editing a referral, and the
workflow steps. They check shape only; the rules are in referrals.services."""

from django import forms
from django.utils import timezone

from accounts.models import Agency, District, User
from referrals.models import (
    Channel,
    ClosureReason,
    ConsentNotSoughtReason,
    ConsentOutcome,
    Ethnicity,
    ExploitationModel,
    Gender,
    Referral,
    SpecialNeeds,
)
from referrals.services import TRIAGE_OUTCOMES

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def date_field(label, *, required=False, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        error_messages={"invalid": f"{label} must be a real date, for example 2012-03-27"},
    )


def datetime_field(label, *, required=True, help_text=""):
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateTimeInput(),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"invalid": f"{label} must be a real date and time"},
    )


class ChildSearchForm(forms.Form):
    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's last name"})
    date_of_birth = date_field("Date of birth", help_text="If you know it")


class ChildForm(forms.Form):
    """A child not yet known to the service."""

    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's last name"})
    aliases = forms.CharField(
        max_length=500, required=False, help_text="Other names the child uses, separated by commas"
    )
    date_of_birth = date_field("Date of birth")
    estimated_age = forms.IntegerField(
        label="Estimated age",
        min_value=0,
        max_value=30,
        required=False,
        help_text="Only if the date of birth is not known",
    )
    gender = forms.ChoiceField(choices=Gender.choices, initial=Gender.NOT_KNOWN)
    ethnicity = forms.ChoiceField(choices=Ethnicity.choices, initial=Ethnicity.NOT_STATED)
    first_language = forms.CharField(label="First language", max_length=100, required=False)
    special_needs = forms.ChoiceField(label="SEN or disability", choices=SpecialNeeds.choices, initial="not_known")
    district = forms.ModelChoiceField(
        label="District where the child lives",
        queryset=District.objects.order_by("name"),
        error_messages={"required": "Choose the district where the child lives"},
    )
    school = forms.CharField(max_length=200, required=False)
    looked_after = forms.BooleanField(label="The child is looked after", required=False)
    placing_authority = forms.CharField(label="Placing authority", max_length=200, required=False)

    def child_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["aliases"] = [alias.strip() for alias in data["aliases"].split(",") if alias.strip()]
        return data


class ChildEditForm(ChildForm):
    """Editing a known child; `version` is the one the user loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    @classmethod
    def initial_for(cls, child) -> dict:
        initial = {name: getattr(child, name) for name in cls.base_fields if name != "aliases"}
        initial["aliases"] = ", ".join(child.aliases)
        initial["district"] = child.district_id
        return initial


class ReferralForm(forms.Form):
    received_at = datetime_field("When the referral was received")
    channel = forms.ChoiceField(
        label="How it arrived", choices=Channel.choices, widget=forms.RadioSelect,
        error_messages={"required": "Choose how the referral arrived"},
    )  # fmt: skip
    referrer_name = forms.CharField(
        label="Referrer's name", max_length=200, error_messages={"required": "Enter the referrer's name"}
    )
    referrer_role = forms.CharField(label="Referrer's role", max_length=200, required=False)
    referrer_agency = forms.CharField(label="Referrer's organisation", max_length=200, required=False)
    source_agency = forms.ModelChoiceField(
        label="Partner agency the concern came from",
        queryset=Agency.objects.order_by("name"),
        required=False,
        empty_label="Not a partner agency",
    )
    concern_summary = forms.CharField(
        label="What is the concern?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Describe the concern"},
    )
    exploitation_models = forms.MultipleChoiceField(
        label="Exploitation model", choices=ExploitationModel.choices, widget=forms.CheckboxSelectMultiple,
        required=False, help_text="Select all that apply",
    )  # fmt: skip
    immediate_risk = forms.TypedChoiceField(
        label="Is the child at immediate risk?",
        choices=[("yes", "Yes"), ("no", "No")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text="Immediate risk needs a strategy discussion; the CSE team supervisor is alerted",
        error_messages={"required": "Say whether the child is at immediate risk"},
    )
    consent_outcome = forms.ChoiceField(
        label="Consent to the referral", choices=ConsentOutcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "Say whether consent was given, refused or not sought"},
    )  # fmt: skip
    consent_not_sought_reason = forms.ChoiceField(
        label="Why consent was not sought",
        choices=[("", "Not applicable"), *ConsentNotSoughtReason.choices],
        required=False,
    )
    consent_decided_by = forms.CharField(label="Who decided about consent", max_length=200, required=False)
    consent_decided_on = date_field("When consent was decided")

    def referral_fields(self) -> dict:
        return dict(self.cleaned_data)


class ReferralEditForm(ReferralForm):
    """Editing a referral's details; `version` is the one the user loaded."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    district = forms.ModelChoiceField(label="District of the concern", queryset=District.objects.order_by("name"))

    field_order = ["channel", "referrer_name", "referrer_role", "referrer_agency", "source_agency", "district"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["received_at"]

    @classmethod
    def initial_for(cls, referral: Referral) -> dict:
        initial = {name: getattr(referral, name) for name in cls.base_fields if name not in ("received_at",)}
        initial["immediate_risk"] = "yes" if referral.immediate_risk else "no"
        return initial


# --- workflow steps -----------------------------------------------------------------


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class TriageForm(StepForm):
    note = forms.CharField(
        label="What did triage find?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Record what triage found"},
    )


class DecideForm(StepForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[(status.value, status.label) for status in TRIAGE_OUTCOMES],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the triage decision"},
    )


class AssignForm(StepForm):
    lead_professional = forms.ModelChoiceField(
        label="Lead professional",
        queryset=User.objects.none(),
        empty_label="Choose a lead professional",
        help_text="People who work cases and can see this referral in full",
        error_messages={"required": "Choose the lead professional"},
    )

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["note"]
        self.fields["lead_professional"].queryset = candidates if candidates is not None else User.objects.none()
        self.fields["lead_professional"].label_from_instance = lambda user: f"{user.display_name} ({user.agency.name})"


class CloseForm(StepForm):
    reason = forms.ChoiceField(
        label="Why is the case closing?",
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why the case is closing"},
    )


STEP_FORMS = {
    "triage": TriageForm,
    "decide": DecideForm,
    "accept": StepForm,
    "assign": AssignForm,
    "open": StepForm,
    "close": CloseForm,
}


def default_received_at() -> str:
    return timezone.localtime().strftime(DATETIME_FORMAT)
