from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts and agencies"
    reference_data = ("accounts.reference.load_reference_data",)
