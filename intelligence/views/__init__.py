"""Intelligence pages (`from intelligence import views`): reports, submissions
and entities (`core`), disruptions (`disruptions`), reviews (`reviews`),
problem profiles (`profiles`)."""

from intelligence.views.core import *  # noqa: F403
