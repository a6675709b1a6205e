"""Reference data of training in the admin: courses and their versions (a
version is put under review or withdrawn here), campaigns, organisations.
Attendees and feedback are not registered: the administrator reads no
attendee names or comments (training.permissions)."""

from django.contrib import admin

from training.models import Campaign, Course, CourseVersion, Organisation


class CourseVersionInline(admin.TabularInline):
    model = CourseVersion
    extra = 0
    fields = ["number", "status", "summary", "duration_minutes"]


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "code"]
    search_fields = ["title", "code"]
    inlines = [CourseVersionInline]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "licence_number", "district"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "licence_number"]
