"""The dashboard's indicators over the API: the same registry, the same
filters and the same small-cell rule as the page."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from dashboard import indicators
from dashboard.api import serializers

FILTERS = [
    OpenApiParameter("start", str, description="First day of the period (YYYY-MM-DD); default a year before end"),
    OpenApiParameter("end", str, description="Last day of the period (YYYY-MM-DD); default today"),
    OpenApiParameter("district", str, description="District code"),
    OpenApiParameter("agency", str, description="Owning agency code"),
    OpenApiParameter("risk_level", str, description="low, medium or high"),
]


class MayViewDashboard(permissions.BasePermission):
    message = "The dashboard is for managers, supervisors and analysts"

    def has_permission(self, request, view):
        return indicators.may_view(request.user)


class IndicatorViewSet(viewsets.ViewSet):
    """Every indicator (key, group, title, definition), and one indicator's
    figures for a period and filters."""

    permission_classes = [permissions.IsAuthenticated, MayViewDashboard]
    lookup_value_regex = r"[a-z_]+\.[a-z_]+"

    @extend_schema(responses=serializers.IndicatorSerializer(many=True))
    def list(self, request):
        found = indicators.indicators(request.user)
        return Response(serializers.IndicatorSerializer(found, many=True).data)

    @extend_schema(parameters=FILTERS, responses=serializers.IndicatorFiguresSerializer)
    def retrieve(self, request, pk=None):
        try:
            item = indicators.get(pk, request.user)
        except KeyError:
            raise NotFound("No such indicator") from None
        filters = serializers.FilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        scope = indicators.Scope(
            user=request.user, start=data["start"], end=data["end"], district=data.get("district") or "",
            agency=data.get("agency") or "", risk_level=data.get("risk_level") or "",
        )  # fmt: skip
        table = item.table(scope)
        monthly = item.monthly(scope)
        return Response(
            {
                **serializers.IndicatorSerializer(item).data,
                "start": scope.start,
                "end": scope.end,
                "breakdown": table.breakdown,
                "note": table.note,
                "rows": serializers.RowSerializer(table.rows, many=True).data,
                "monthly": serializers.RowSerializer(monthly.rows, many=True).data if monthly else None,
            }
        )
