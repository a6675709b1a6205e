from django.apps import AppConfig


def _second_factor_added(sender, request, user, authenticator, **kwargs):
    """Setting up a sign-in factor in this session counts as having used it."""
    from accounts import mfa

    if request is not None and authenticator.type in mfa.SIGN_IN_FACTORS:
        mfa.record_second_factor(request, user, kind=authenticator.type)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and agencies"
    reference_data = ("accounts.reference.load_reference_data",)

    def ready(self):
        from allauth.mfa.signals import authenticator_added
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import start_session_clock

        authenticator_added.connect(_second_factor_added, dispatch_uid="accounts.second_factor_added")
        user_logged_in.connect(start_session_clock, dispatch_uid="accounts.start_session_clock")
