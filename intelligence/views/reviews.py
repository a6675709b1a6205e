"""MoPI review pages: the unit's review queue and a report's review."""

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from intelligence import services
from intelligence.forms import ReviewForm
from intelligence.models import IntelligenceReport, in_intelligence_unit
from intelligence.models.disruptions import Disruption
from intelligence.models.profiles import ProblemProfile
from intelligence.queues import QUEUES
from intelligence.views.core import ShownListMixin
from sharing.levels import AccessLevel
from sharing.mixins import SharableListView
from sharing.record_pages import ServiceFormView


class ReviewQueueView(ShownListMixin, SharableListView):
    """Records whose review is due, oldest due first, one kind at a time
    (`?kind=report`, the default; `disruption`; `profile`): the home queues' rows."""

    model = IntelligenceReport
    template_name = "intelligence/review_queue.html"

    @property
    def kind(self) -> str:
        kind = self.request.GET.get("kind", "report")
        return kind if kind in QUEUES else "report"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not in_intelligence_unit(request.user):
            raise PermissionDenied("The review queue is the intelligence unit's")
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        user = self.request.user
        return QUEUES[self.kind](user).with_access_level(user).select_related("district", "retention_rule")

    def get_context_data(self, **kwargs):
        tabs = [("report", "Reports"), ("disruption", "Disruptions"), ("profile", "Problem profiles")]
        return {**super().get_context_data(**kwargs), "today": timezone.localdate(), "kind": self.kind,
                "tabs": tabs, "review_url": REVIEW_PAGES[self.kind]}  # fmt: skip


REVIEW_PAGES = {"report": "intelligence:report_review", "disruption": "intelligence:disruption_review",
                "profile": "intelligence:profile_review"}  # fmt: skip


class RecordReviewView(ServiceFormView):
    """A MoPI review of a report, a disruption or a problem profile (the unit, with change)."""

    required_level = AccessLevel.CHANGE
    form_class = ReviewForm
    template_name = "intelligence/report_review.html"
    record_related = ("retention_rule",)
    success_message = "Review recorded"
    # What disposal removes, as the page warns before it is done.
    disposal_removes = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not in_intelligence_unit(request.user):
            raise PermissionDenied("Reviews are the intelligence unit's")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reviewed"] = self.record
        context["kind_name"] = self.record_model._meta.verbose_name
        context["disposal_removes"] = self.disposal_removes
        context["reviews"] = self.record.reviews.select_related("reviewed_by", "retention_rule")
        return context

    def save(self, form):
        return services.record_review(record=self.record, reviewed_by=self.request.user, request=self.request,
                                      **form.cleaned_data)  # fmt: skip


class ReportReviewView(RecordReviewView):
    record_model = IntelligenceReport
    record_name = "report"
    disposal_removes = "the text, the original, the links and associations, and their change history"


class DisruptionReviewView(RecordReviewView):
    record_model = Disruption
    record_name = "disruption"
    disposal_removes = "the details, the links to persons, locations and children, and their change history"


class ProfileReviewView(RecordReviewView):
    record_model = ProblemProfile
    record_name = "profile"
    disposal_removes = (
        "the title, assessment, recommendations, priorities and frozen data, and their change history "
        "(the records of its dissemination stay)"
    )
