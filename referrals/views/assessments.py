"""Risk assessment pages (being built)."""

from django.http import Http404
from django.views import View


class _NotYetBuilt(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404("Not built yet")


InstrumentChoiceView = RiskAssessmentCreateView = ComputedLevelView = _NotYetBuilt
RiskAssessmentDetailView = RiskAssessmentDecisionView = _NotYetBuilt
