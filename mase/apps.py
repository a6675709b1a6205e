from django.apps import AppConfig

from cse_team.home import Queue
from cse_team.navigation import Section


class MaseConfig(AppConfig):
    name = "mase"
    verbose_name = "MASE"
    navigation = (Section("MASE", "mase:meeting_list", order=30, allowed="mase.permissions.reads_mase"),)
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
