"""The signed-in person's notifications. Each one is listed, counted and
opened only while its record is visible to them at the level its news needs
(Notification.objects.visible_to): a share revoked since takes the
notification away too."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.views import View
from django.views.generic import FormView, ListView

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
        return super().get_context_data(email_choice=choice.label, **kwargs)


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
