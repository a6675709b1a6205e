"""Every write of the intelligence app (`from intelligence import services`):
reports, entities and associations (`core`), disruptions (`disruptions`),
reviews (`reviews`), problem profiles (`profiles`)."""

from intelligence.services.core import *  # noqa: F403
from intelligence.services.core import _reference  # noqa: F401
from intelligence.services.disruptions import *  # noqa: F403
from intelligence.services.profiles import *  # noqa: F403
from intelligence.services.reviews import *  # noqa: F403
