"""The managers' dashboard: every registered indicator for the period and
filters, with its definition, the previous period and the same period a year
before; each table as CSV."""

import csv
import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.generic import TemplateView

from audit.models import AccessEvent
from audit.services import record_access
from dashboard import indicators
from dashboard.forms import DashboardFilterForm


class DashboardAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not indicators.may_view(request.user):
            raise PermissionDenied("The dashboard is for managers, supervisors and analysts")
        return super().dispatch(request, *args, **kwargs)

    def scope(self) -> tuple[indicators.Scope, DashboardFilterForm]:
        form = DashboardFilterForm(self.request.GET or None)
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
        else:
            end = timezone.localdate()
            data = {"start": end - datetime.timedelta(days=364), "end": end}
        scope = indicators.Scope(
            user=self.request.user, start=data["start"], end=data["end"], district=data.get("district") or "",
            agency=data.get("agency") or "", risk_level=data.get("risk_level") or "",
        )  # fmt: skip
        return scope, form


def chart_data(table, rows) -> dict:
    """What the chart draws: the rows' shown values only. A suppressed cell
    gives no number (null), so the chart can tell no more than the table."""

    def plotted(row):
        return None if row is None or row.suppressed else row.value

    drawn = [(row, before) for row, before, _ in rows if row.label != "Total"]
    return {
        "labels": [row.label for row, _ in drawn],
        "current": [plotted(row) for row, _ in drawn],
        "previous": [plotted(before) for _, before in drawn],
        "unit": next((row.unit for row, _ in drawn if row.unit), ""),
    }


class DashboardView(DashboardAccessMixin, TemplateView):
    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        scope, form = self.scope()
        previous, year_before = scope.previous_period(), scope.year_before()
        figures = []
        for item in indicators.indicators():
            table = item.table(scope)
            before = {row.label: row for row in item.table(previous).rows}
            last_year = {row.label: row for row in item.table(year_before).rows}
            rows = [(row, before.get(row.label), last_year.get(row.label)) for row in table.rows]
            figures.append(
                {
                    "indicator": item,
                    "table": table,
                    "rows": rows,
                    "chart_id": "chart-" + item.key.replace(".", "-").replace("_", "-"),
                    "chart": chart_data(table, rows),
                }
            )
        groups = {}
        for figure in figures:
            groups.setdefault(figure["indicator"].group, []).append(figure)
        return super().get_context_data(
            form=form, scope=scope, previous=previous, year_before=year_before, groups=groups,
            query=self.request.GET.urlencode(), **kwargs,
        )  # fmt: skip


class IndicatorCsvView(DashboardAccessMixin, TemplateView):
    """One indicator's table as CSV, exactly as the page shows it (small cells
    suppressed), recorded in the access log as an export."""

    def get(self, request, key):
        try:
            item = indicators.get(key)
        except KeyError:
            raise Http404 from None
        scope, _form = self.scope()
        table = item.table(scope)
        record_access(
            user=request.user, action=AccessEvent.Action.EXPORT, record_kind="dashboard.indicator", request=request,
            details={"indicator": key, "from": str(scope.start), "to": str(scope.end), "district": scope.district,
                     "agency": scope.agency, "risk_level": scope.risk_level},
        )  # fmt: skip
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{key.replace(".", "-")}-{scope.start}-{scope.end}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow([item.title])
        writer.writerow([f"{scope.start} to {scope.end}", item.definition])
        writer.writerow([table.breakdown or "Row", "Value", "Unit"])
        for row in table.rows:
            writer.writerow([row.label, row.shown, row.unit])
        return response
