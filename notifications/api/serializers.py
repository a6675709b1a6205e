from rest_framework import serializers

from notifications.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    """A notification as the list shows it: what happened, the record's
    reference and link, never case details."""

    event_label = serializers.CharField(source="get_event_display", read_only=True)
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "event", "event_label", "record_kind", "reference", "link", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="Unread notifications about records still visible, up to the cap + 1")
    label = serializers.CharField(help_text='As the header shows it: "3", or "99+" past the cap')


class MarkedReadSerializer(serializers.Serializer):
    marked_read = serializers.IntegerField()
