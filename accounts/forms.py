from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """The same message for an unknown user, a wrong password and a disabled
    account, so the form does not reveal which usernames exist."""

    error_messages = {
        "invalid_login": "Enter a correct username and password",
        "inactive": "Enter a correct username and password",
    }

    username = forms.CharField(label="Username", max_length=150, error_messages={"required": "Enter your username"})
    password = forms.CharField(
        label="Password", strip=False, widget=forms.PasswordInput, error_messages={"required": "Enter your password"}
    )


class ApiTokenForm(forms.Form):
    """A new API token: what it is for, what it may do, how long it lasts."""

    LIFETIMES = [(7, "7 days"), (30, "30 days"), (90, "90 days")]

    name = forms.CharField(
        label="Name",
        max_length=100,
        help_text="What will use the token, such as 'Weekly export to the analysts' workbook'.",
        error_messages={"required": "Enter a name for the token, such as what will use it"},
    )
    scope = forms.ChoiceField(
        label="What may it do?",
        choices=[("read", "Read only"), ("read_write", "Read and write")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether the token may only read or may also write"},
    )
    days = forms.TypedChoiceField(
        label="How long should it last?",
        coerce=int,
        choices=LIFETIMES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long the token should last"},
    )
