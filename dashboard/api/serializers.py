from rest_framework import serializers

from dashboard.forms import DashboardFilterForm


class IndicatorSerializer(serializers.Serializer):
    key = serializers.CharField()
    group = serializers.CharField()
    title = serializers.CharField()
    definition = serializers.CharField()


class RowSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.FloatField(allow_null=True, help_text="Null when suppressed (fewer than 5) or none")
    shown = serializers.CharField(help_text='As the dashboard shows it: a number, "fewer than 5" or "none"')
    unit = serializers.CharField()
    suppressed = serializers.BooleanField()

    def to_representation(self, row):
        return {
            "label": row.label,
            "value": None if row.suppressed else row.value,
            "shown": row.shown,
            "unit": row.unit,
            "suppressed": row.suppressed,
        }


class IndicatorFiguresSerializer(IndicatorSerializer):
    start = serializers.DateField()
    end = serializers.DateField()
    breakdown = serializers.CharField()
    note = serializers.CharField(help_text="Said under the table, such as a filter that does not apply")
    rows = RowSerializer(many=True)
    monthly = RowSerializer(
        many=True, allow_null=True, help_text="Records per month over the 12 months to `end`; null when not counted"
    )


class FilterSerializer(serializers.Serializer):
    """The dashboard's own filter form, so the API refuses what the page refuses."""

    start = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD")
    end = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM-DD")
    district = serializers.CharField(required=False, allow_blank=True)
    agency = serializers.CharField(required=False, allow_blank=True)
    risk_level = serializers.CharField(required=False, allow_blank=True)

    def validate(self, attrs):
        form = DashboardFilterForm({key: str(value) for key, value in attrs.items()})
        if not form.is_valid():
            raise serializers.ValidationError(
                {field: [error["message"] for error in errors] for field, errors in form.errors.get_json_data().items()}
            )
        return form.cleaned_data
