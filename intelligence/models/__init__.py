"""Intelligence records (docs/intelligence.md): submissions, reports and their
originals, the VOLT entities and associations (`core`); disruptions and child
abduction warning notices (`disruptions`); MoPI reviews (`reviews`); problem
profiles (`profiles`)."""

from intelligence.models.core import *  # noqa: F403
from intelligence.models.disruptions import *  # noqa: F403
from intelligence.models.profiles import *  # noqa: F403
from intelligence.models.reviews import *  # noqa: F403
