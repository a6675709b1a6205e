"""MASE API serializers: reads at the reader's level (LevelAwareSerializer: a
summary reader gets the summary fields only); writes are plain input shapes
handed to mase.services."""

from rest_framework import serializers

from cse_team.validators import NOTE_MAX_LENGTH
from mase.models import AgendaItem, ListingReason, ListingRequest, MaseAction, Meeting, Panel
from referrals.models import Referral
from sharing.api import LevelAwareSerializer, VisibleRecordField
from sharing.levels import AccessLevel


class MeetingSerializer(LevelAwareSerializer):
    panel = serializers.CharField(source="panel.name", read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "access_level", "reference", "panel", "starts_at", "venue", "listing_deadline", "status",
                  "agenda_closed_at", "held_at", "created_at"]  # fmt: skip


class AgendaItemSerializer(LevelAwareSerializer):
    class Meta:
        model = AgendaItem
        fields = ["id", "access_level", "reference", "meeting", "position", "minutes_allotted", "child_initials",
                  "criterion", "agreed_risk_level", "referral", "why", "title", "discussion_summary", "decisions",
                  "discussed_at"]  # fmt: skip


class MaseActionSerializer(LevelAwareSerializer):
    owner = serializers.CharField(source="owner.display_name", read_only=True)
    owner_agency = serializers.CharField(source="owner_agency.code", read_only=True)

    class Meta:
        model = MaseAction
        fields = ["id", "access_level", "reference", "meeting", "owner", "owner_agency", "due_date", "status",
                  "description", "outcome_note", "created_at", "closed_at", "overdue"]  # fmt: skip


class ListingRequestSerializer(serializers.ModelSerializer):
    class Meta:
        model = ListingRequest
        fields = ["id", "referral", "panel", "meeting", "reason", "detail", "risk_assessment", "status",
                  "created_at", "decided_at", "decision_note", "next_listing_date"]  # fmt: skip


class ListingRequestCreateSerializer(serializers.Serializer):
    referral = VisibleRecordField(Referral, level=AccessLevel.FULL)
    panel = serializers.PrimaryKeyRelatedField(queryset=Panel.objects.active())
    meeting = serializers.PrimaryKeyRelatedField(queryset=Meeting.objects.all(), required=False, allow_null=True)
    reason = serializers.ChoiceField(choices=ListingReason.choices)
    detail = serializers.CharField(max_length=NOTE_MAX_LENGTH)


class OutcomeSerializer(serializers.Serializer):
    outcome_note = serializers.CharField(required=False, allow_blank=True, default="", max_length=NOTE_MAX_LENGTH)
