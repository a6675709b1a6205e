"""The data protection officer's search of the access log, and its CSV export.

Reading the log is itself logged: the search page as a SEARCH of
"audit.accessevent" with the ids shown, the export as an EXPORT with the filters.
"""

import csv
import itertools
import json

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from audit.filters import AccessEventFilterSet, record_kind_names
from audit.mixins import AccessLoggedListMixin
from audit.models import AccessEvent
from audit.permissions import can_read_access_log
from audit.services import record_access
from cse_team.pagination import CappedCountPaginator

ACCESS_EVENT_KIND = AccessEvent._meta.label_lower


class AccessLogReaderRequiredMixin:
    def dispatch(self, request, *args, **kwargs):
        if not can_read_access_log(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def filtered_access_events(request) -> AccessEventFilterSet:
    # Always bound, so an empty search is valid and a bad date is an error.
    return AccessEventFilterSet(request.GET, queryset=AccessEvent.objects.select_related("user", "agency"))


class AccessEventListView(AccessLogReaderRequiredMixin, AccessLoggedListMixin, ListView):
    model = AccessEvent
    template_name = "audit/accessevent_list.html"
    context_object_name = "access_events"
    paginate_by = 50
    paginator_class = CappedCountPaginator

    def get_queryset(self):
        self.filterset = filtered_access_events(self.request)
        if not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_access_action(self) -> str:
        return AccessEvent.Action.SEARCH

    def get_access_details(self) -> dict:
        return self.filterset.applied_filters

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop(self.page_kwarg, None)
        context["filterset"] = self.filterset
        context["filter_query"] = query.urlencode()
        names = record_kind_names()
        for event in context["access_events"]:
            event.record_kind_name = names.get(event.record_kind, event.record_kind)
        if context["is_paginated"]:
            page = context["page_obj"]
            context["page_range"] = page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1)
        return context


# A cell starting with one of these is run as a formula by spreadsheet programs,
# and a failed sign-in's username is whatever an attacker typed.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS = (
    "Time",
    "Username",
    "User id",
    "Agency",
    "Action",
    "Record kind",
    "Record ids",
    "Client address",
    "Request id",
    "Reason",
    "Details",
)


def _csv_cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_PREFIXES) else text


def _csv_row(event: AccessEvent) -> list[str]:
    return [
        _csv_cell(value)
        for value in (
            timezone.localtime(event.occurred_at).isoformat(),
            event.username,
            event.user_id,
            event.agency.name if event.agency else "",
            event.get_action_display(),
            event.record_kind,
            " ".join(event.record_ids),
            event.client_address,
            event.request_id,
            event.reason,
            json.dumps(event.details, sort_keys=True, ensure_ascii=False) if event.details else "",
        )
    ]


class _Echo:
    """csv.writer wants a file; this one hands each line straight back."""

    def write(self, line: str) -> str:
        return line


class AccessEventExportView(AccessLogReaderRequiredMixin, View):
    def get(self, request):
        filterset = filtered_access_events(request)
        if not filterset.is_valid():
            # The search page shows the errors next to the fields.
            return redirect(f"{reverse('audit:accessevent_list')}?{request.GET.urlencode()}")
        record_access(
            user=request.user,
            action=AccessEvent.Action.EXPORT,
            record_kind=ACCESS_EVENT_KIND,
            request=request,
            details=filterset.applied_filters,
        )
        writer = csv.writer(_Echo())
        rows = itertools.chain([CSV_COLUMNS], map(_csv_row, filterset.qs.iterator(chunk_size=2000)))
        lines = (writer.writerow(row) for row in rows)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        filename = f"access-log-{timezone.localtime():%Y-%m-%d-%H%M%S}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
