from django import forms

from notifications.models import EmailChoice


class PreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label="How do you want to be e-mailed about notifications?",
        choices=EmailChoice.choices,
        widget=forms.RadioSelect,
        help_text="E-mails carry a reference and a link only, never case details.",
        error_messages={"required": "Choose how you want to be e-mailed"},
    )
