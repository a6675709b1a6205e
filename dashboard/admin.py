from django.contrib import admin

from dashboard.models import DistrictPopulation


@admin.register(DistrictPopulation)
class DistrictPopulationAdmin(admin.ModelAdmin):
    list_display = ["district", "year", "under_18", "source"]
    list_filter = ["year"]
