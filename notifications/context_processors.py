from notifications.models import Notification

# The header shows "99+" past this: an exact count of a long backlog buys nothing.
UNREAD_CAP = 99


def unread(request):
    """The signed-in user's unread notifications about records they still see,
    for the header on every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    count, label = unread_count(user)
    return {"unread_notifications": count, "unread_notifications_label": label}


def unread_count(user) -> tuple[int, str]:
    """(count up to the cap + 1, label as the header shows it). One query when
    there are none; otherwise the visibility test is built only for the record
    kinds and levels the unread ones are about (every page shows this count,
    so it must not cost a query per record kind)."""
    unread = Notification.objects.filter(recipient=user).unread()
    about = set(unread.order_by().values_list("record_kind", "level").distinct())
    count = 0
    if about:
        visible = Notification.objects.visible_to(user, only=about).unread()
        count = len(visible.values_list("pk", flat=True)[: UNREAD_CAP + 1])
    return count, f"{UNREAD_CAP}+" if count > UNREAD_CAP else str(count)
