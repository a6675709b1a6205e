"""Pages of the sharing app: the protocol in force, protocol versions with a
draft's preview and the progress of a protocol change, sharing and revoking,
and who can see / who viewed a record."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.generic import DetailView, FormView, TemplateView

from audit.models import AccessEvent
from audit.services import record_access
from sharing import access, registry, services
from sharing.audience import preview_protocol, record_audience
from sharing.forms import RevokeShareForm, ShareForm
from sharing.levels import AccessLevel
from sharing.models import Protocol, ProtocolTransition, Share
from sharing.permissions import is_oversight, is_protocol_administrator, may_oversee
from sharing.protocol_matrix import protocol_matrix


def overseen_record(user, kind_label: str, pk: int):
    """A record for the "who can see" and "who viewed" pages: any record for
    oversight roles; for others, one they can see and whose owning agency
    they supervise (403 when they can see it but are not its supervisor)."""
    if is_oversight(user):
        try:
            kind = registry.get(kind_label)
        except LookupError:
            raise Http404("No such record kind") from None
        return get_object_or_404(kind.model._default_manager, pk=pk)
    record = visible_record(user, kind_label, pk)
    if not may_oversee(user, record):
        raise PermissionDenied
    return record


def log_oversight(request, record, page: str) -> None:
    """Opening who can see / who viewed a record is itself an access to it."""
    record_access(
        user=request.user,
        action=AccessEvent.Action.VIEW,
        record_kind=record._meta.label_lower,
        record_ids=[record.pk],
        request=request,
        details={"page": page},
    )


def visible_record(user, kind_label: str, pk: int, level: str = AccessLevel.SUMMARY):
    try:
        kind = registry.get(kind_label)
    except LookupError:
        raise Http404("No such record kind") from None
    return get_object_or_404(kind.model._default_manager.visible_to(user, level), pk=pk)


class ProtocolInForceView(TemplateView):
    template_name = "sharing/protocol_in_force.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        protocol = Protocol.objects.in_force().prefetch_related("signatories__agency", "signatories__signed_by").first()
        context["protocol"] = protocol
        context["matrix"] = protocol_matrix(protocol) if protocol else None
        context["versions"] = (
            Protocol.objects.order_by("-version") if is_protocol_administrator(self.request.user) else []
        )
        return context


class ProtocolDetailView(DetailView):
    template_name = "sharing/protocol_detail.html"
    slug_field = "version"
    slug_url_kwarg = "version"

    def get_queryset(self):
        protocols = Protocol.objects.prefetch_related("signatories__agency", "participants")
        if is_protocol_administrator(self.request.user):
            return protocols
        return protocols.exclude(status=Protocol.Status.DRAFT)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["matrix"] = protocol_matrix(self.object)
        context["transition"] = ProtocolTransition.objects.filter(protocol=self.object).first()
        if self.object.status == Protocol.Status.DRAFT:
            context["preview"], context["shares_ended"] = preview_protocol(self.object)
        return context


class ProtocolProgressView(ProtocolDetailView):
    """The progress panel alone, polled by htmx while shares are being revoked."""

    template_name = "sharing/partials/transition_progress.html"

    def get_context_data(self, **kwargs):
        return {"transition": ProtocolTransition.objects.filter(protocol=self.object).first(), "protocol": self.object}


class ShareCreateView(FormView):
    form_class = ShareForm
    template_name = "sharing/share_form.html"

    def dispatch(self, request, *args, **kwargs):
        # A record the user cannot see is a 404; the service checks the level
        # shared against the level the user holds.
        self.record = visible_record(request.user, kwargs["kind"], kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "sharer": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["record"] = self.record
        context["kind"] = registry.for_model(type(self.record))
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.share_record(
                shared_by=self.request.user,
                record=self.record,
                level=data["level"],
                purpose=data["purpose"],
                lawful_basis=data["lawful_basis"],
                recipient_agency=data["recipient_agency"],
                recipient_user=data["recipient_user"],
                conditions=data["conditions"],
                expires_at=data["expires_at"],
                request=self.request,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{self.record} has been shared")
        return redirect(self.get_success_url())

    def get_success_url(self):
        # `next` comes from the page's address: only ever back into this service.
        target = self.request.POST.get("next", "")
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={self.request.get_host()}, require_https=self.request.is_secure()
        ):
            return target
        return reverse("home")


class ShareRevokeView(FormView):
    form_class = RevokeShareForm
    template_name = "sharing/share_revoke.html"

    def dispatch(self, request, *args, **kwargs):
        self.share = get_object_or_404(
            Share.objects.select_related("recipient_agency", "lawful_basis"), pk=kwargs["pk"]
        )
        # Only the sharing agency revokes; for anyone else the share does not exist.
        if self.share.sharing_agency_id != request.user.agency_id:
            raise Http404("No such share")
        self.record = visible_record(request.user, self.share.record_kind, self.share.record_id)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "share": self.share, "record": self.record}

    def form_valid(self, form):
        try:
            services.revoke_share(
                share=self.share, revoked_by=self.request.user, reason=form.cleaned_data["reason"], request=self.request
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, f"The share with {self.share.recipient_name} has been revoked")
        return redirect("home")


class RecordAudienceView(TemplateView):
    """Who can see this record, agency by agency, with the reason."""

    template_name = "sharing/record_audience.html"

    def get_context_data(self, **kwargs):
        record = overseen_record(self.request.user, kwargs["kind"], kwargs["pk"])
        log_oversight(self.request, record, "audience")
        return {**super().get_context_data(**kwargs), "record": record, "audience": record_audience(record)}


class RecordViewersView(TemplateView):
    """Who viewed this record, newest first."""

    template_name = "sharing/record_viewers.html"

    def get_context_data(self, **kwargs):
        record = overseen_record(self.request.user, kwargs["kind"], kwargs["pk"])
        log_oversight(self.request, record, "viewers")
        events = (
            AccessEvent.objects.for_record(record._meta.label_lower, record.pk)
            .select_related("user", "agency")
            .order_by("-occurred_at")[:500]
        )
        return {**super().get_context_data(**kwargs), "record": record, "events": events}


class RecordExplanationView(TemplateView):
    """ "Why can I see this?" for one record: the scope rules and shares that
    give the user access. Record pages load it when the reader opens it (htmx),
    or link here without JavaScript; it costs a query per page otherwise."""

    template_name = "sharing/record_explanation.html"

    def get_template_names(self):
        if self.request.htmx:
            return ["sharing/partials/explanation.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        record = visible_record(self.request.user, kwargs["kind"], kwargs["pk"])  # 404 when not visible
        log_oversight(self.request, record, "why")
        return {
            **super().get_context_data(**kwargs),
            "record": record,
            "explanation": access.explain(self.request.user, record),
        }
