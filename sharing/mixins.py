"""Base classes for every page that shows a sharable record. They ask sharing
which records the user sees, so a view built on them cannot forget to: a
record the user may not see is a 404, never a 403 (existence is not
disclosed), and a summary-level record renders only its summary fields."""

from django.urls import reverse
from django.views.generic import DetailView, ListView

from audit.mixins import AccessLoggedDetailMixin, AccessLoggedListMixin
from cse_team.pagination import CappedCountPaginator
from sharing.history import record_history
from sharing.levels import RANK, AccessLevel
from sharing.permissions import may_oversee
from sharing.presentation import shown, shown_fields


def oversight_links(user, record) -> dict:
    """Links to "who can see" and "who viewed" for those entitled to them."""
    if not may_oversee(user, record):
        return {}
    args = [record._meta.label_lower, record.pk]
    return {
        "audience": reverse("sharing:record_audience", args=args),
        "viewers": reverse("sharing:record_viewers", args=args),
    }


class VisibleRecordMixin:
    required_level = AccessLevel.SUMMARY

    def get_queryset(self):
        user = self.request.user
        return self.model._default_manager.visible_to(user, self.required_level).with_access_level(user)

    def get_object(self, queryset=None):
        record = super().get_object(queryset)  # 404 when not visible
        # Read with the record, in the same query (with_access_level).
        self.access_level = record.access_level
        return record

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["access_level"] = self.access_level
        # The template gets the record as the reader sees it: a field above
        # their level reads as nothing, whatever the template writes.
        context["object"] = shown(self.object, self.access_level)
        name = self.get_context_object_name(self.object)
        if name:
            context[name] = context["object"]
        context["shown_fields"] = shown_fields(self.object, self.access_level)
        context["why_url"] = reverse("sharing:record_explanation", args=[self.object._meta.label_lower, self.object.pk])
        context["can_see_full"] = RANK[self.access_level] >= RANK[AccessLevel.FULL]
        # Past values are as sensitive as current ones: history is for full readers.
        context["history"] = record_history(self.object) if context["can_see_full"] else []
        context["oversight_links"] = oversight_links(self.request.user, self.object)
        return context


class SharableDetailView(VisibleRecordMixin, AccessLoggedDetailMixin, DetailView):
    """A record page: visible_to, access level, "Why can I see this?", audited."""


class SharableListView(AccessLoggedListMixin, ListView):
    """A list of records the user may see, each annotated with its level."""

    paginate_by = 25
    paginator_class = CappedCountPaginator

    def get_queryset(self):
        return self.model._default_manager.visible_to(self.request.user).with_access_level(self.request.user)
