from django.apps import AppConfig

from cse_team.home import Queue
from cse_team.navigation import Section
from cse_team.record_actions import RecordAction


class MaseConfig(AppConfig):
    name = "mase"
    verbose_name = "MASE"
    navigation = (Section("MASE", "mase:meeting_list", order=30, allowed="mase.permissions.reads_mase"),)
    # On the referral's page (through cse_team.record_actions: referrals never imports mase).
    record_actions = (
        RecordAction(
            "Request a MASE listing",
            "mase:listingrequest_new",
            "referrals.referral",
            roles=("caseworker", "supervisor", "practitioner"),  # mase.services.REQUESTERS
        ),
    )
    home_queues = (
        Queue(
            "My MASE actions",
            "mase.queues.my_mase_actions",
            "mase:action_list",
            query="show=mine",
            allowed="mase.permissions.reads_mase",
            order=16,
            description="MASE actions you own that are not yet done",
        ),
        Queue(
            "Listing requests to decide",
            "mase.queues.listing_requests_awaiting_me",
            "mase:listingrequest_list",
            roles=("mase-chair",),
            order=25,
            description="Proposed listings at panels you chair",
        ),
    )
