from django.apps import AppConfig

from cse_team.navigation import Section


def _second_factor_added(sender, request, user, authenticator, **kwargs):
    """Setting up a sign-in factor in this session counts as having used it."""
    from accounts import mfa

    if request is not None and authenticator.type in mfa.SIGN_IN_FACTORS:
        mfa.record_second_factor(request, user, kind=authenticator.type)


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and agencies"
    reference_data = ("accounts.reference.load_reference_data",)
    navigation = (Section("Your sign-in", "accounts:account", order=90),)

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        authenticator_added.connect(_second_factor_added, dispatch_uid="accounts.second_factor_added")
