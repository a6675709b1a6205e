import datetime

from django import forms
from django.utils import timezone

from accounts.models import Agency, District
from referrals.models.instruments import RiskLevel


class DashboardFilterForm(forms.Form):
    """The period and filters; a bad value is shown next to its field and the
    dashboard falls back to the last 12 months, unfiltered."""

    start = forms.DateField(label="From", required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(label="To", required=False, input_formats=["%Y-%m-%d"])
    district = forms.ChoiceField(label="District", required=False)
    agency = forms.ChoiceField(label="Agency", required=False)
    risk_level = forms.ChoiceField(label="Risk level", required=False, choices=[("", "Any"), *RiskLevel.choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].choices = [("", "All districts"), *District.objects.values_list("code", "name")]
        self.fields["agency"].choices = [("", "All agencies"), *Agency.objects.active().values_list("code", "name")]

    def clean(self):
        cleaned = super().clean()
        today = timezone.localdate()
        end = cleaned.get("end") or today
        start = cleaned.get("start") or (end - datetime.timedelta(days=365) + datetime.timedelta(days=1))
        if start > end:
            self.add_error("start", "The start of the period must be on or before its end")
        if end - start > datetime.timedelta(days=5 * 366):
            self.add_error("start", "Choose a period of at most five years")
        cleaned["start"], cleaned["end"] = start, end
        return cleaned
