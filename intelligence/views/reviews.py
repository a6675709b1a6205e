"""MoPI review pages: the unit's review queue and a report's review."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intelligence import services
from intelligence.forms import ReviewForm
from intelligence.models import IntelligenceReport, in_intelligence_unit
from intelligence.queues import reviews_due
from intelligence.views.core import ShownListMixin
from sharing.levels import AccessLevel
from sharing.mixins import SharableListView
from sharing.record_pages import ServiceFormView


class ReviewQueueView(ShownListMixin, SharableListView):
    """Reports whose review is due, oldest due first: the home queue's rows."""

    model = IntelligenceReport
    template_name = "intelligence/review_queue.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not in_intelligence_unit(request.user):
            raise PermissionDenied("The review queue is the intelligence unit's")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        return reviews_due(user).with_access_level(user).select_related("district", "retention_rule")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "today": timezone.localdate()}


class ReportReviewView(ServiceFormView):
    record_model = IntelligenceReport
    required_level = AccessLevel.CHANGE
    form_class = ReviewForm
    template_name = "intelligence/report_review.html"
    record_name = "report"
    record_related = ("retention_rule",)
    success_message = "Review recorded"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not in_intelligence_unit(request.user):
            raise PermissionDenied("Reviews are the intelligence unit's")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reviews"] = self.record.reviews.select_related("reviewed_by", "retention_rule")
        return context

    def save(self, form):
        return services.report_review(report=self.record, reviewed_by=self.request.user, request=self.request,
                                      **form.cleaned_data)  # fmt: skip
