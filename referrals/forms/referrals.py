"""Forms for finding a child, recording and editing a referral, and the
workflow steps. They check shape only; the rules are in referrals.services."""

from django import forms
from django.forms.utils import pretty_name
from django.utils import timezone

from accounts.models import Agency, District, User
from cse_team.validators import NOTE_MAX_LENGTH
from referrals.forms.case_records import GovukDateTimeField
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
from referrals.models.referrals import CONCERN_SUMMARY_MAX_LENGTH
from referrals.services import TRIAGE_OUTCOMES


def date_field(label, *, what, required=False, help_text="For example, 27 3 2012"):
    """A GOV.UK date input (day, month, year) with messages that name the field."""
    return GovukDateTimeField(what=what, with_time=False, label=label, required=required, help_text=help_text)


class OptionalLabelsMixin:
    """GOV.UK marks the questions that may be left blank, not those that must be answered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if not field.required and not isinstance(field, forms.BooleanField):
                field.label = f"{field.label or pretty_name(name)} (optional)"


class ChildSearchForm(OptionalLabelsMixin, forms.Form):
    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's last name"})
    date_of_birth = date_field("Date of birth", what="the date of birth")


class ChildForm(OptionalLabelsMixin, forms.Form):
    """A child not yet known to the service."""

    first_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's first name"})
    last_name = forms.CharField(max_length=100, error_messages={"required": "Enter the child's last name"})
    aliases = forms.CharField(
        max_length=500, required=False, help_text="Other names the child uses, separated by commas"
    )
    date_of_birth = date_field("Date of birth", what="the date of birth")
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
        return self.child_fields_from(self.cleaned_data)

    @staticmethod
    def child_fields_from(cleaned_data: dict) -> dict:
        """The service's child fields from the form's answers (aliases as a list)."""
        data = dict(cleaned_data)
        data["aliases"] = [alias.strip() for alias in data.get("aliases", "").split(",") if alias.strip()]
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


class ReferralForm(OptionalLabelsMixin, forms.Form):
    received_at = GovukDateTimeField(
        what="the date and time the referral was received", label="When was the referral received?"
    )
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
        max_length=CONCERN_SUMMARY_MAX_LENGTH,
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
    consent_decided_on = date_field("When consent was decided", what="the date consent was decided")

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
    note = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=NOTE_MAX_LENGTH
    )


class TriageForm(StepForm):
    note = forms.CharField(
        label="What did triage find?",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NOTE_MAX_LENGTH,
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


def default_received_at():
    return timezone.localtime().replace(second=0, microsecond=0)
