from django.apps import AppConfig

from cse_team.navigation import Section


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Referrals"
    navigation = (Section("Referrals", "referrals:referral_list", order=20),)
    # Loaded by a migration; put back by tests that empty the tables (tests/conftest.py).
    reference_data = ("referrals.instrument_data.load_instruments",)
