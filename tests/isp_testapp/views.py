from django.http import Http404
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sharing.api import LevelAwareSerializer, SharableViewSet
from sharing.levels import AccessLevel
from sharing.mixins import SharableDetailView, SharableListView
from tests.isp_testapp.models import CaseFile


class CaseFileListView(SharableListView):
    model = CaseFile
    template_name = "isp_testapp/casefile_list.html"

    def get_queryset(self):
        records = super().get_queryset().select_related("district")
        query = self.request.GET.get("q", "").strip()
        return records.filter(subject_name__icontains=query) if query else records


class CaseFileDetailView(SharableDetailView):
    model = CaseFile
    template_name = "isp_testapp/casefile_detail.html"


@require_POST
def casefile_escalate(request, pk):
    """Raise a case file's risk to high: a bulk UPDATE, which the history triggers
    still record with the acting user."""
    editable = CaseFile.objects.visible_to(request.user, AccessLevel.CHANGE).filter(pk=pk)
    if not editable.update(risk_level=CaseFile.Risk.HIGH):
        raise Http404("No such case file")
    return redirect("casefile_detail", pk=pk)


class CaseFileSerializer(LevelAwareSerializer):
    class Meta:
        model = CaseFile
        fields = ["id", "access_level", "reference", "subject_name", "district", "risk_level", "lead_contact",
                  "concern", "created_at"]  # fmt: skip


class CaseFileViewSet(SharableViewSet):
    model = CaseFile
    serializer_class = CaseFileSerializer
