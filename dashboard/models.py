"""Reference data for rates: each district's under-18 population, with its source and year."""

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
