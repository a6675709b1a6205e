"""Demo reference data for the dashboard: under-18 populations per district,
plainly labelled as illustrative (a real deployment enters the published
mid-year estimates in the admin, with their source and year)."""

from accounts.models import District
from dashboard.models import DistrictPopulation

DEMO_YEAR = 2025
DEMO_SOURCE = "Illustrative demo figure, not an official statistic: enter the published estimate in the admin"
# Round numbers of a plausible size, not real estimates.
DEMO_UNDER_18 = {
    "ashford": 31000, "canterbury": 32000, "dartford": 28000, "dover": 23000, "folkestone-hythe": 22000,
    "gravesham": 25000, "maidstone": 38000, "sevenoaks": 27000, "swale": 35000, "thanet": 32000,
    "tonbridge-malling": 31000, "tunbridge-wells": 26000, "medway": 64000,
}  # fmt: skip


def load_demo_populations() -> int:
    """Create the demo populations that are missing; idempotent. Returns how many were made."""
    made = 0
    for district in District.objects.filter(code__in=DEMO_UNDER_18):
        _, created = DistrictPopulation.objects.get_or_create(
            district=district, year=DEMO_YEAR,
            defaults={"under_18": DEMO_UNDER_18[district.code], "source": DEMO_SOURCE},
        )  # fmt: skip
        made += created
    return made
