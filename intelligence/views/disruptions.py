"""Disruption pages: the tracker (CAWNs and other disruptions, filtered by
kind and status), recording one, a disruption's page, and the CAWN workflow
steps. Read through sharing; written through intelligence.services."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import FormView

from intelligence import services
from intelligence.forms import CAWN_STEP_FORMS, DisruptionEditForm, DisruptionForm
from intelligence.models import Location, PersonOfConcern, RetentionStatus, in_intelligence_unit
from intelligence.models.disruptions import Child, Disruption, DisruptionKind, DisruptionStatus
from intelligence.services.disruptions import CAWN_STEPS
from intelligence.views.core import RefusalsShownMixin, ShownListMixin
from sharing.levels import AccessLevel
from sharing.mixins import SharableDetailView, SharableListView
from sharing.presentation import shown
from sharing.record_pages import ServiceFormView
from sharing.refusals import REFUSALS


class DisruptionListView(ShownListMixin, SharableListView):
    """Disruptions the reader sees, by kind and status (summary fields only)."""

    model = Disruption
    template_name = "intelligence/disruption_list.html"

    def get_queryset(self):
        records = super().get_queryset().select_related("district")
        kind = self.request.GET.get("kind", "")
        status = self.request.GET.get("status", "")
        # Kind and status are summary fields: filtering on them tells no reader more.
        if kind in DisruptionKind.values:
            records = records.filter(kind=kind)
        if status in DisruptionStatus.values:
            records = records.filter(status=status)
        return records

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = DisruptionKind.choices
        context["statuses"] = DisruptionStatus.choices
        context["kind"] = self.request.GET.get("kind", "")
        context["status"] = self.request.GET.get("status", "")
        context["in_unit"] = in_intelligence_unit(self.request.user)
        return context


class DisruptionCreateView(RefusalsShownMixin, FormView):
    form_class = DisruptionForm
    template_name = "intelligence/disruption_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not in_intelligence_unit(request.user):
            raise PermissionDenied("Only the intelligence unit records disruptions")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        try:
            disruption = services.disruption_record(recorded_by=self.request.user, request=self.request,
                                                    **form.cleaned_data)  # fmt: skip
        except REFUSALS as error:
            return self.refused(form, error)
        messages.success(self.request, f"{disruption.get_kind_display()} {disruption.reference} recorded")
        return redirect(disruption.get_absolute_url())


class DisruptionDetailView(SharableDetailView):
    model = Disruption
    template_name = "intelligence/disruption_detail.html"
    context_object_name = "disruption"

    def get_queryset(self):
        return super().get_queryset().select_related("district", "officer", "authorised_by")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, record = self.request.user, self.object
        if context["can_see_full"]:
            # Who and where it concerns, each only as far as the reader sees it.
            context["persons"] = [shown(p, p.access_level) for p in PersonOfConcern.objects.visible_to(user)
                                  .with_access_level(user).filter(disruptions=record)]  # fmt: skip
            context["locations"] = [shown(p, p.access_level) for p in Location.objects.visible_to(user)
                                    .with_access_level(user).filter(disruptions=record)]  # fmt: skip
            children = record.children.values("pk")
            context["children"] = Child.objects.visible_to(user).filter(pk__in=children)
        disposed = record.retention_status == RetentionStatus.DISPOSED
        steps = CAWN_STEPS.allowed(user, record, self.access_level) if record.is_cawn and not disposed else []
        unit = in_intelligence_unit(user)
        context["steps"] = steps if unit else []
        context["can_edit"] = unit and self.access_level == AccessLevel.CHANGE and not disposed
        return context


class DisruptionEditView(ServiceFormView):
    """Edit a recorded disruption (the unit, with change access): the links
    offered are the records the editor sees; links to records they do not
    see are kept as they are."""

    record_model = Disruption
    required_level = AccessLevel.CHANGE
    form_class = DisruptionEditForm
    template_name = "intelligence/disruption_form.html"
    record_name = "disruption"
    success_message = "Disruption saved"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not in_intelligence_unit(request.user):
            raise PermissionDenied("Only the intelligence unit edits disruptions")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "disruption": self.record}

    def get_initial(self):
        record, user = self.record, self.request.user
        seen = {
            name: list(model.objects.visible_to(user, level).filter(pk__in=getattr(record, name).values("pk"))
                       .values_list("pk", flat=True))
            for name, model, level in (("persons", PersonOfConcern, AccessLevel.SUMMARY),
                                       ("locations", Location, AccessLevel.SUMMARY),
                                       ("children", Child, AccessLevel.FULL))
        }  # fmt: skip
        return {"occurred_on": record.occurred_on, "district": record.district_id, "details": record.details,
                "cawn_section": record.cawn_section, "version": record.version, **seen}  # fmt: skip

    def save(self, form):
        data = dict(form.cleaned_data)
        version = data.pop("version")
        return services.disruption_update(disruption=self.record, changed_by=self.request.user,
                                          expected_version=version, request=self.request, **data)  # fmt: skip


class DisruptionStepView(ServiceFormView):
    """One step of a CAWN's workflow (the unit, with change access)."""

    record_model = Disruption
    required_level = AccessLevel.CHANGE
    template_name = "intelligence/disruption_step.html"
    record_name = "disruption"

    @property
    def step(self):
        if self.kwargs["step"] not in CAWN_STEPS:
            raise Http404("No such step")
        return CAWN_STEPS[self.kwargs["step"]]

    def get_form_class(self):
        return CAWN_STEP_FORMS[self.step.name]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "step": self.step}

    def save(self, form):
        self.success_message = f"{self.step.label}: done"
        return self.step.take(record=self.record, user=self.request.user, request=self.request, **form.cleaned_data)
