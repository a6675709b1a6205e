from notifications.models import Notification

# The header shows "99+" past this: an exact count of a long backlog buys nothing.
UNREAD_CAP = 99


def unread(request):
    """The signed-in user's unread notifications about records they still see: one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count = len(Notification.objects.visible_to(user).unread().values_list("pk", flat=True)[: UNREAD_CAP + 1])
    return {
        "unread_notifications": count,
        "unread_notifications_label": f"{UNREAD_CAP}+" if count > UNREAD_CAP else str(count),
    }
