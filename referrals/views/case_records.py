"""Chronology, action and missing episode pages (being built)."""

from django.http import Http404
from django.views import View


class _NotYetBuilt(View):
    def dispatch(self, request, *args, **kwargs):
        raise Http404("Not built yet")


ChronologyEntryCreateView = ActionCreateView = ActionCompleteView = _NotYetBuilt
MissingEpisodeCreateView = MissingEpisodeUpdateView = _NotYetBuilt
