"""The managers' dashboard: every registered indicator for the period and
filters, with its definition, the previous period and the same period a year
before; each table as CSV."""

import csv
import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views import View
from django.views.generic import TemplateView

from audit.models import AccessEvent
from audit.services import record_access
from dashboard import indicators, snapshots
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

    def filters_key(self, form) -> str:
        """The filters chosen, for the snapshot (none when they are not valid: the default is shown)."""
        if not (form.is_bound and form.is_valid()):
            return ""
        return snapshots.filters_key({name: self.request.GET.get(name) for name in snapshots.FILTER_FIELDS})

    def export_details(self, scope, **extra) -> dict:
        return {"from": str(scope.start), "to": str(scope.end), "district": scope.district, "agency": scope.agency,
                "risk_level": scope.risk_level, **extra}  # fmt: skip


def may_refresh(user) -> bool:
    return "manager" in user.role_codes


def drilldown_link(item, row) -> str:
    """The filtered list a row opens (marked as reached from the dashboard, so
    the list says how many matching records are hidden)."""
    if not row.query:
        return ""
    if item.records:
        return f"{reverse('dashboard:records', args=[item.key])}?{urlencode(row.query)}"
    if not item.drilldown:
        return ""
    return f"{reverse(item.drilldown)}?{urlencode([*row.query, ('from', 'dashboard')])}"


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


def figure(item, current, previous, year_before, trend) -> dict:
    before = {row.label: row for row in previous.rows} if previous else {}
    last_year = {row.label: row for row in year_before.rows} if year_before else {}
    rows = [(row, before.get(row.label), last_year.get(row.label)) for row in current.rows]
    chart_id = "chart-" + item.key.replace(".", "-").replace("_", "-")
    return {
        "indicator": item,
        "table": current,
        "rows": [(row, before, last, drilldown_link(item, row)) for row, before, last in rows],
        "chart_id": chart_id,
        "chart": chart_data(current, rows),
        "trend": trend,
        "trend_id": f"{chart_id}-monthly",
        "trend_chart": trend_chart(trend) if trend else None,
    }


def trend_chart(table) -> dict:
    """The monthly line chart's data: suppressed months give no number."""
    return {
        "kind": "line",
        "labels": [row.label for row in table.rows],
        "current": [None if row.suppressed else row.value for row in table.rows],
        "unit": "",
    }


def figures_from(snapshot, user) -> list[dict]:
    """The page's figures from a snapshot, in the registry's order (an
    indicator added since the snapshot was computed is left out until the next)."""
    found = []
    stored = snapshot.figures.get("indicators", {})
    for item in indicators.indicators(user):
        tables = stored.get(item.key)
        if tables is None:
            continue
        found.append(
            figure(item, snapshots.table_from(tables["current"]), snapshots.table_from(tables["previous"]),
                   snapshots.table_from(tables["year_before"]), snapshots.table_from(tables["trend"]))
        )  # fmt: skip
    return found


class DashboardView(DashboardAccessMixin, TemplateView):
    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        scope, form = self.scope()
        snapshot = snapshots.figures_for(scope, self.filters_key(form))

        def grouped():
            groups = {}
            for found in figures_from(snapshot, self.request.user) if snapshot else []:
                groups.setdefault(found["indicator"].group, []).append(found)
            return groups

        return super().get_context_data(
            form=form, scope=scope, previous=scope.previous_period(), year_before=scope.year_before(),
            # Built only when the template renders them (not when its cached fragment is used).
            groups=SimpleLazyObject(grouped), query=self.request.GET.urlencode(), snapshot=snapshot,
            as_of=snapshot.computed_at if snapshot else None,
            left_out=snapshot.figures.get("left_out", []) if snapshot else [],
            as_of_key=snapshot.computed_at.isoformat() if snapshot else "",
            recomputing=snapshot is not None and not snapshots.is_fresh(snapshot),
            may_refresh=may_refresh(self.request.user), **kwargs,
        )  # fmt: skip


class DashboardRefreshView(DashboardAccessMixin, View):
    """A manager recomputes their dashboard now, for the filters shown."""

    def post(self, request):
        if not may_refresh(request.user):
            raise PermissionDenied("Only managers may refresh the dashboard now")
        scope, form = self.scope()
        snapshot = snapshots.figures_for(scope, self.filters_key(form), refresh=True)
        if (
            snapshot is None
            or not snapshots.is_fresh(snapshot)
            or snapshot.computed_at < timezone.now() - (datetime.timedelta(minutes=1))
        ):
            messages.info(request, "The figures are being recomputed: reload this page in a few minutes.")
        query = request.GET.urlencode()
        return HttpResponseRedirect(reverse("dashboard:dashboard") + (f"?{query}" if query else ""))


class IndicatorCsvView(DashboardAccessMixin, TemplateView):
    """One indicator's table as CSV, exactly as the page shows it (small cells
    suppressed), recorded in the access log as an export."""

    def get(self, request, key):
        try:
            item = indicators.get(key, request.user)
        except KeyError:
            raise Http404 from None
        scope, _form = self.scope()
        table = item.table(scope)
        record_access(
            user=request.user, action=AccessEvent.Action.EXPORT, record_kind="dashboard.indicator", request=request,
            details=self.export_details(scope, indicator=key),
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


class TrendCsvView(DashboardAccessMixin, View):
    """One indicator's monthly figures as CSV, as the page shows them; an export in the access log."""

    def get(self, request, key):
        try:
            item = indicators.get(key, request.user)
        except KeyError:
            raise Http404 from None
        scope, _form = self.scope()
        table = item.monthly(scope)
        if table is None:
            raise Http404("This indicator has no monthly figures")
        record_access(
            user=request.user, action=AccessEvent.Action.EXPORT, record_kind="dashboard.indicator", request=request,
            details=self.export_details(scope, indicator=key, monthly=True),
        )  # fmt: skip
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{key.replace(".", "-")}-monthly-to-{scope.end}.csv"'
        writer = csv.writer(response)
        writer.writerow([f"{item.title}: by month"])
        writer.writerow([f"The 12 months to {scope.end}", item.definition])
        writer.writerow(["Month", "Value"])
        for row in table.rows:
            writer.writerow([row.label, row.shown])
        return response


class RecordsView(DashboardAccessMixin, TemplateView):
    """The records behind a figure whose app has no list filtered the same way
    (MASE meetings, agenda items, actions): those the viewer sees in full, and
    how many others match (docs/isp.md, "Drilling down"). The filters read
    fields above the summary (dates, owners), so summary rows are not listed.
    The count of hidden records is computed on every page, sort and filter."""

    template_name = "dashboard/records.html"
    per_page = 50
    SORTS = {"newest": "-pk", "oldest": "pk"}

    def get(self, request, key):
        try:
            self.item = indicators.get(key, request.user)
        except KeyError:
            raise Http404 from None
        if self.item.records is None:
            raise Http404("This figure has no list of its own")
        return super().get(request, key=key)

    def get_context_data(self, **kwargs):
        from django.core.paginator import Paginator

        from sharing.levels import AccessLevel

        scope, form = self.scope()
        row = self.request.GET.get("row", "")[:100]
        matching = self.item.records(scope, row)
        listed = matching.visible_to(self.request.user, AccessLevel.FULL)
        hidden = indicators.hidden_records(indicators.counted(matching, scope), listed)
        sort = self.request.GET.get("sort", "newest")
        sort = sort if sort in self.SORTS else "newest"
        page = Paginator(listed.order_by(self.SORTS[sort]), self.per_page).get_page(self.request.GET.get("page"))

        def link(**changes):
            params = self.request.GET.copy()
            for name, value in changes.items():
                params[name] = value
            return f"?{params.urlencode()}"

        return super().get_context_data(
            item=self.item, form=form, scope=scope, row=row, hidden=hidden, page=page, sort=sort,
            records=[(record, getattr(record, "get_absolute_url", lambda: "")()) for record in page],
            next_url=link(page=page.next_page_number()) if page.has_next() else "",
            previous_url=link(page=page.previous_page_number()) if page.has_previous() else "",
            sort_url=link(sort="oldest" if sort == "newest" else "newest", page=1),
            **kwargs,
        )  # fmt: skip


def preparing(request):
    """The figures for these filters are being computed (the page reloads itself)."""
    from django.shortcuts import render

    return render(request, "dashboard/preparing.html", {"query": request.GET.urlencode()}, status=202)


def headlines(found: list[dict]) -> dict[str, list[tuple]]:
    """The board report's lines by group: each indicator's total (or its rows,
    when it has no total), with the previous period and the year before."""
    groups: dict[str, list[tuple]] = {}
    for item in found:
        rows = item["rows"]
        totals = [line for line in rows if line[0].label == "Total"]
        title = item["indicator"].title
        for row, before, last_year, _link in totals or rows:
            label = title if totals else f"{title}: {row.label}"
            groups.setdefault(item["indicator"].group, []).append((label, row, before, last_year))
    return groups


class FiguresNotReady(Exception):
    """The viewer's figures for these filters are being computed."""


class BoardReportView(DashboardAccessMixin, TemplateView):
    """The headline figures on one printable page, with the dashboard's
    filters; downloading it as PDF asks what it is for and is recorded as a
    disclosure (an export in the access log, with the purpose)."""

    template_name = "dashboard/board_report.html"

    def report_context(self) -> dict:
        scope, form = self.scope()
        snapshot = snapshots.figures_for(scope, self.filters_key(form))
        if snapshot is None:
            raise FiguresNotReady
        return {
            "scope": scope, "form": form, "previous": scope.previous_period(), "year_before": scope.year_before(),
            "groups": headlines(figures_from(snapshot, self.request.user)), "as_of": snapshot.computed_at,
            "left_out": snapshot.figures.get("left_out", []),
            "prepared_by": self.request.user, "prepared_on": timezone.localdate(),
            "filters": self.filter_labels(scope), "query": self.request.GET.urlencode(),
        }  # fmt: skip

    def filter_labels(self, scope) -> list[str]:
        from accounts.models import Agency, District

        chosen = []
        if scope.district:
            chosen.append(f"District: {District.objects.filter(code=scope.district).values_list('name', flat=True)[0]}")
        if scope.agency:
            chosen.append(f"Agency: {Agency.objects.filter(code=scope.agency).values_list('name', flat=True)[0]}")
        if scope.risk_level:
            chosen.append(f"Risk level: {scope.risk_level}")
        return chosen

    def get(self, request, *args, **kwargs):
        try:
            return super().get(request, *args, **kwargs)
        except FiguresNotReady:
            return preparing(request)

    def get_context_data(self, **kwargs):
        purpose = self.request.GET.get("purpose", "")
        return super().get_context_data(**self.report_context(), purpose=purpose, purpose_error="", **kwargs)


class BoardReportPdfView(BoardReportView):
    def get(self, request, *args, **kwargs):
        purpose = request.GET.get("purpose", "").strip()
        error = ""
        if not purpose:
            error = "Say who the report is for and why, such as the safeguarding board meeting it goes to"
        elif len(purpose) > 300:
            error = "Keep the purpose to 300 characters or fewer"
        try:
            context = self.report_context()
        except FiguresNotReady:
            return preparing(request)
        if error:
            response = self.render_to_response({**context, "purpose": purpose, "purpose_error": error, "view": self})
            response.status_code = 400
            return response
        from django.template.loader import render_to_string
        from weasyprint import HTML

        html = render_to_string("dashboard/board_report_pdf.html", {**context, "purpose": purpose}, request=request)
        pdf = HTML(string=html).write_pdf()
        scope = context["scope"]
        record_access(
            user=request.user, action=AccessEvent.Action.EXPORT, record_kind="dashboard.board_report", request=request,
            reason=purpose, details=self.export_details(scope, disclosure=True, as_of=context["as_of"].isoformat()),
        )  # fmt: skip
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="board-report-{scope.start}-to-{scope.end}.pdf"'
        return response
