"""The signed-in person's notifications. Each one is listed, counted and
opened only while its record is visible to them at the level its news needs
(Notification.objects.visible_to): a share revoked since takes the
notification away too."""

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.views import View
from django.views.generic import FormView, ListView

from cse_team.validators import whole_number
from notifications import services
from notifications.context_processors import unread_count
from notifications.forms import PreferenceForm
from notifications.models import EmailChoice, Notification


class NotificationListView(ListView):
    template_name = "notifications/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return Notification.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        choice = EmailChoice(services.email_choice(self.request.user))
        context = super().get_context_data(email_choice=choice.label, **kwargs)
        # The newest id the page was drawn with: the live region counts what came after it.
        newest = Notification.objects.filter(recipient=self.request.user).order_by("-pk").values_list("pk", flat=True)
        context["newest_id"] = newest.first() or 0
        context.update(status_of(self.request.user, since=context["newest_id"]))
        return context


NEW_CAP = 99


def status_of(user, *, since: int) -> dict:
    """What the list's live region says: the unread count, and how many of the
    user's notifications (still visible to them) came after `since`."""
    count, label = unread_count(user)
    newer = Notification.objects.visible_to(user).filter(pk__gt=since).values_list("pk", flat=True)
    new = len(newer[: NEW_CAP + 1])
    return {
        "unread_notifications": count,
        "unread_notifications_label": label,
        "new_since_opened": new,
        "new_since_opened_label": f"{NEW_CAP}+" if new > NEW_CAP else str(new),
    }


class NotificationStatusView(View):
    """The notification list's live region alone (`?since=` the newest id the
    page shows), which htmx fetches every minute so that a screen reader hears
    of news arriving while the list is open. Not activity, as the header's
    count is not (accounts.middleware.PASSIVE_PATHS)."""

    def get(self, request):
        since = whole_number(request.GET.get("since", ""))
        if since is None:
            return HttpResponseBadRequest("since: give the id of the newest notification the page shows")
        return TemplateResponse(
            request,
            "notifications/partials/list_status.html",
            {"newest_id": since, **status_of(request.user, since=since)},
        )


class UnreadBadgeView(View):
    """The header's unread count alone, which htmx fetches every minute so that
    news reaches a page left open. Not activity: it does not keep an idle
    session alive (accounts.middleware.PASSIVE_PATHS)."""

    def get(self, request):
        count, label = unread_count(request.user)
        return TemplateResponse(
            request,
            "notifications/partials/unread_badge.html",
            {"unread_notifications": count, "unread_notifications_label": label},
        )


class NotificationOpenView(View):
    """Marks it read and goes to the record: a 404 for a notification that is not
    the user's or whose record they no longer see."""

    def get(self, request, pk):
        notification = Notification.objects.visible_to(request.user).filter(pk=pk).first()
        if notification is None:
            raise Http404("No such notification")
        services.mark_read(user=request.user, notification=notification)
        return redirect(notification.link)


class MarkAllReadView(View):
    def post(self, request):
        count = services.mark_all_read(user=request.user)
        messages.success(request, f"{count} notification{'s' if count != 1 else ''} marked as read")
        return redirect("notifications:notification_list")


class PreferenceView(FormView):
    template_name = "notifications/preference_form.html"
    form_class = PreferenceForm
    success_url = reverse_lazy("notifications:notification_list")

    def get_initial(self):
        return {"email": services.email_choice(self.request.user)}

    def form_valid(self, form):
        preference = services.set_email_choice(user=self.request.user, email=form.cleaned_data["email"])
        messages.success(request=self.request, message=f"E-mails: {preference.get_email_display().lower()}")
        return redirect(reverse("notifications:notification_list"))
