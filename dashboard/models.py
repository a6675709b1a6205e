"""Reference data for rates: each district's under-18 population, with its source and year."""

from django.conf import settings
from django.db import models

from accounts.models import District


class DistrictPopulation(models.Model):
    """The under-18 population of a district, for referral rates per 10,000.
    Entered by administrators from a published source (say which, and the year)."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    under_18 = models.PositiveIntegerField("under-18 population")
    source = models.CharField(max_length=300, help_text="Where the figure comes from, such as a mid-year estimate")

    class Meta:
        ordering = ["district__name", "-year"]
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="one_population_per_district_year")]

    def __str__(self):
        return f"{self.district} {self.year}: {self.under_18:,}"


class DashboardSnapshot(models.Model):
    """One viewer's dashboard for one choice of filters, as computed at
    `computed_at` (dashboard/snapshots.py): what the page shows "as of", kept
    fresh by the beat task while the viewer keeps opening it. Per viewer,
    because the small-cell rule depends on what the viewer may see."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    filters = models.CharField(max_length=300, blank=True, help_text="The filters chosen, as a query string")
    computed_at = models.DateTimeField()
    last_viewed_at = models.DateTimeField()
    figures = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "filters"], name="one_snapshot_per_user_filters")]

    def __str__(self):
        return f"{self.user} {self.filters or 'default'} as of {self.computed_at:%Y-%m-%d %H:%M}"
