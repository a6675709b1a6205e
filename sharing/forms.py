import datetime

from django import forms
from django.utils import timezone

from accounts.models import Agency, User
from cse_team.validators import refuse_invisible_characters
from sharing.levels import AccessLevel
from sharing.models import LawfulBasis
from sharing.services import SHARE_TEXT_MAX


def people_by_agency(*, exclude: User) -> list:
    """Active staff of active agencies as choices, "Name (Agency)", agency by agency."""
    people = (
        User.objects.filter(is_active=True, agency__active=True)
        .exclude(pk=exclude.pk)
        .select_related("agency")
        .order_by("agency__name", "last_name", "first_name", "pk")
    )
    return [(person.pk, f"{person.display_name} ({person.agency.name})") for person in people]


class ShareForm(forms.Form):
    """Share one record. The protocol checks are the service's; this form
    only turns the page's inputs into the service's arguments."""

    recipient_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        required=False,
        label="Agency to share with",
        empty_label="Choose an agency",
    )
    # A choice of people, not a typed username: a typed one told whoever
    # typed it whether that account exists (issue #14), which helps guess
    # sign-in names. Staff names and agencies are known across the team.
    recipient_user = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=None,
        label="Or one named person",
        help_text="Leave as it is to share with the whole agency.",
        error_messages={"invalid_choice": "Choose a person from the list"},
    )
    level = forms.ChoiceField(
        choices=[(AccessLevel.SUMMARY, "Summary: that the record exists, who leads it, district and risk"),
                 (AccessLevel.FULL, "Full: everything in the record")],
        widget=forms.RadioSelect,
        label="What they will see",
        error_messages={"required": "Choose what they will see"},
    )  # fmt: skip
    purpose = forms.CharField(
        max_length=SHARE_TEXT_MAX,
        validators=[refuse_invisible_characters],
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Purpose of sharing",
        error_messages={"required": "Enter the purpose of sharing"},
    )
    lawful_basis = forms.ModelChoiceField(
        queryset=LawfulBasis.objects.none(),
        label="Lawful basis",
        empty_label="Choose a lawful basis",
        error_messages={"required": "Choose the lawful basis for sharing"},
    )
    conditions = forms.CharField(
        required=False,
        max_length=SHARE_TEXT_MAX,
        validators=[refuse_invisible_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Conditions passed on (optional)",
    )
    expires_at = forms.DateField(
        required=False,
        label="Share until (optional)",
        help_text="Leave empty for no end date. The share ends at the end of this day.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date"},
    )

    def __init__(self, *args, sharer: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["recipient_agency"].queryset = Agency.objects.active().exclude(pk=sharer.agency_id)
        self.fields["recipient_user"].choices = [("", "Nobody in particular"), *people_by_agency(exclude=sharer)]
        self.fields["lawful_basis"].queryset = LawfulBasis.objects.filter(active=True, regime=sharer.agency.regime)

    def clean_recipient_user(self):
        pk = self.cleaned_data["recipient_user"]
        return None if pk is None else User.objects.select_related("agency").get(pk=pk)

    def clean_expires_at(self):
        day = self.cleaned_data["expires_at"]
        if day is None:
            return None
        try:
            end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
        except OverflowError:  # 31 December 9999: the day after does not exist
            raise forms.ValidationError("Enter a real date") from None
        return timezone.make_aware(end)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("recipient_agency") and cleaned.get("recipient_user"):
            self.add_error("recipient_user", "Share with an agency or with one person, not both")
        elif (
            not cleaned.get("recipient_agency")
            and not cleaned.get("recipient_user")
            and not self.has_error("recipient_user")
        ):
            self.add_error("recipient_agency", "Choose an agency or one person to share with")
        return cleaned


class RevokeShareForm(forms.Form):
    reason = forms.CharField(
        max_length=SHARE_TEXT_MAX,
        validators=[refuse_invisible_characters],
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Why is the share being revoked?",
        error_messages={"required": "Enter why the share is being revoked"},
    )
