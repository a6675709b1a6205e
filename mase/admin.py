"""Panels are reference data the administrators keep: scope, chair and deputy,
members by agency. Meetings, items and actions (records with levels) are
never in the admin."""

from django.contrib import admin

from mase.models import Panel, PanelMember, TermsOfReference


class PanelMemberInline(admin.TabularInline):
    model = PanelMember
    extra = 0
    autocomplete_fields = ()


@admin.register(Panel)
class PanelAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "chair", "deputy_chair", "active")
    list_filter = ("kind", "active")
    filter_horizontal = ("districts",)
    inlines = (PanelMemberInline,)


@admin.register(TermsOfReference)
class TermsOfReferenceAdmin(admin.ModelAdmin):
    list_display = ("panel", "version", "status", "signed_off_at")
    readonly_fields = ("panel", "version", "status", "drafted_by", "created_at", "signed_off_at")
    list_filter = ("status",)

    def has_add_permission(self, request):
        return False  # drafted, finalised and signed through mase.services
