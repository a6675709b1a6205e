"""The platform pieces every feature app builds on (sharing.refusals,
sharing.record_pages, sharing.api_writes, sharing.workflow, sharing.checks),
proved on the test app's case files rather than on referrals."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import models
from django.http import Http404, HttpResponse
from django.test import RequestFactory
from django.test.utils import isolate_apps

from sharing import registry
from sharing.api_writes import refusal_response
from sharing.checks import declaration_errors
from sharing.levels import AccessLevel
from sharing.models import GroupShareGrant, UserShareGrant
from sharing.querysets import SharableQuerySet
from sharing.record_pages import ServiceFormView
from sharing.refusals import StaleEdit, StepNotAllowed, refusal_for, require_level, require_role
from sharing.workflow import Step, Workflow
from tests.isp_testapp.models import CaseFile

pytestmark = pytest.mark.django_db

# --- one mapping from a refusal to an answer -----------------------------------------


def stale(record):
    return StaleEdit(record, [("Risk level", "Low", "High")])


@pytest.mark.parametrize(
    ("error", "status", "errors"),
    [
        (ValidationError({"concern": "Describe the concern"}), 400, {"concern": ["Describe the concern"]}),
        (ValidationError({"__all__": ["Not both"]}), 400, {None: ["Not both"]}),
        (ValidationError("Something is wrong"), 400, {None: ["Something is wrong"]}),
        (StepNotAllowed("Only supervisors can close", reason="role"), 403, {None: ["Only supervisors can close"]}),
        (StepNotAllowed("Not when closed", reason="status"), 409, {None: ["Not when closed"]}),
    ],
)
def test_a_refusal_is_field_errors_and_400_403_or_409(error, status, errors):
    refusal = refusal_for(error)
    assert (refusal.status, refusal.errors) == (status, errors)
    assert refusal.page_status == (200 if status == 400 else status)


def test_a_stale_edit_is_409_with_what_changed(case_file):
    record = case_file("kcc", "canterbury")
    refusal = refusal_for(stale(record))
    assert refusal.status == 409 and refusal.stale.changes == [("Risk level", "Low", "High")]
    assert refusal.errors == {None: ["Someone else changed this case file since you opened it"]}


def test_anything_else_is_not_a_refusal():
    with pytest.raises(TypeError):
        refusal_for(KeyError("a bug, not a refusal"))


def test_the_api_answers_refusals_with_the_same_statuses(case_file):
    record = case_file("kcc", "canterbury")
    record.version = 3  # a case file has no version; a referral's answer carries it
    answer = refusal_response(ValidationError({"concern": "Describe the concern", "__all__": "Not both"}))
    assert answer.status_code == 400
    assert answer.data == {"concern": ["Describe the concern"], "non_field_errors": ["Not both"]}
    answer = refusal_response(StepNotAllowed("Only supervisors can close", reason="role"))
    assert (answer.status_code, answer.data) == (403, {"detail": "Only supervisors can close"})
    assert refusal_response(StepNotAllowed("Not when closed", reason="status")).status_code == 409
    answer = refusal_response(stale(record))
    assert answer.status_code == 409 and answer.data["version"] == 3
    assert answer.data["changes"] == [{"field": "risk_level", "label": "Risk level", "yours": "Low", "current": "High"}]


def test_level_and_role_checks_refuse_with_404_or_403(personas, protocol, case_file):
    record = case_file("kcc", "canterbury")
    assert require_level(personas["kcc.caseworker"], record, AccessLevel.CHANGE) == AccessLevel.CHANGE
    with pytest.raises(Http404):
        require_level(personas["health.practitioner"], record, AccessLevel.SUMMARY)
    with pytest.raises(StepNotAllowed) as refused:
        require_role(personas["kcc.caseworker"], ("supervisor",), "close the case file")
    assert refused.value.reason == "role" and str(refused.value) == "Only supervisors can close the case file"


# --- the record page and its service form ------------------------------------------------


class EscalationForm(ServiceFormView):
    """A service form on a case file, its service raising whatever the test gives it."""

    record_model = CaseFile
    required_level = AccessLevel.CHANGE
    raised = None

    def get_form_class(self):
        from django import forms

        class Form(forms.Form):
            concern = forms.CharField(required=False)

        return Form

    def save(self, form):
        if self.raised:
            raise self.raised

    def get_success_url(self):
        return "/done/"

    def render_to_response(self, context, **kwargs):
        form = context["form"]
        body = {"errors": form.errors, "record": context["casefile"].pk, "level": context["record_access_level"]}
        return HttpResponse(json.dumps(body), content_type="application/json", **kwargs)


def post(user, record, raised=None):
    request = RequestFactory().post("/", {"concern": "x"})
    request.user = user
    request._messages = type("Messages", (), {"add": lambda *args, **kwargs: None})()
    view = EscalationForm.as_view(raised=raised)
    return view(request, pk=record.pk)


def test_a_service_form_page_shows_each_refusal_with_its_status(personas, protocol, case_file):
    record = case_file("kcc", "canterbury")
    caseworker = personas["kcc.caseworker"]
    answer = post(caseworker, record, ValidationError({"concern": "Describe the concern"}))
    assert answer.status_code == 200
    assert json.loads(answer.content) == {
        "errors": {"concern": ["Describe the concern"]},
        "record": record.pk,
        "level": "change",
    }
    answer = post(caseworker, record, StepNotAllowed("Only supervisors can", reason="role"))
    assert answer.status_code == 403 and json.loads(answer.content)["errors"] == {"__all__": ["Only supervisors can"]}
    assert post(caseworker, record, StepNotAllowed("Not now", reason="status")).status_code == 409
    answer = post(caseworker, record, stale(record))
    assert answer.status_code == 409
    assert json.loads(answer.content)["errors"] == {
        "__all__": ["Someone else changed this case file since you opened it"]
    }
    assert post(caseworker, record).status_code == 302


def test_a_record_page_is_404_below_its_level(personas, protocol, case_file):
    record = case_file("kcc", "canterbury")
    with pytest.raises(Http404):
        post(personas["health.practitioner"], record)


# --- the project router ---------------------------------------------------------------


def test_the_test_app_api_answers_through_the_project_router(client, personas, case_file, protocol):
    record = case_file("kcc", "canterbury", reference="KCC-1")
    client.force_login(personas["kcc.caseworker"])
    answer = client.get(f"/api/case-files/{record.pk}/")
    assert answer.status_code == 200 and answer.json()["reference"] == "KCC-1"
    client.force_login(personas["health.practitioner"])
    assert client.get(f"/api/case-files/{record.pk}/").status_code == 404


# --- workflow table ------------------------------------------------------------------------


def test_a_step_calls_its_service_with_the_record_and_the_actor(personas):
    calls = []

    def case_file_close(*, case_file, closed_by, reason):
        calls.append((case_file, closed_by, reason))
        return case_file

    steps = Workflow(
        Step("close", "Close", ("open",), ("supervisor",), case_file_close, "closed_by"), record_argument="case_file"
    )
    assert list(steps) == ["close"] and "close" in steps
    steps["close"].take(record="CF-1", user="someone", reason="done")
    assert calls == [("CF-1", "someone", "done")]

    class Record:
        status = "open"

    assert steps.allowed(personas["kcc.supervisor"], Record(), AccessLevel.CHANGE) == [steps["close"]]
    assert steps.allowed(personas["kcc.caseworker"], Record(), AccessLevel.CHANGE) == []
    assert steps.allowed(personas["kcc.supervisor"], Record(), AccessLevel.FULL) == []


# --- the declaration check ------------------------------------------------------------------


@isolate_apps("tests.isp_testapp")
def test_a_sharable_model_missing_its_parts_fails_the_check_by_name():
    class Incident(models.Model):  # noqa: DJ008 - never shown
        owning_agency = models.IntegerField()
        objects = models.Manager()

        class Meta:
            app_label = "isp_testapp"

    kind = registry.SharableKind(model=Incident, owning_agency_field="owning_agency", summary_fields=())
    errors = declaration_errors([kind])
    assert sorted(error.id for error in errors) == ["sharing.E001", "sharing.E002", "sharing.E003", "sharing.E003"]
    messages = " ".join(error.msg for error in errors)
    assert "isp_testapp.Incident is declared @sharable but its default manager's queryset is QuerySet" in messages
    assert "has no view_summary_incident permission" in messages
    assert "has no direct sharing.models.UserShareGrant model" in messages
    assert "has no direct sharing.models.GroupShareGrant model" in messages


@isolate_apps("tests.isp_testapp")
def test_a_complete_declaration_passes():
    class Incident(models.Model):  # noqa: DJ008 - never shown
        owning_agency = models.IntegerField()
        objects = SharableQuerySet.as_manager()

        class Meta:
            app_label = "isp_testapp"
            permissions = [("view_summary_incident", "Can view the summary of an incident")]

    class IncidentUserObjectPermission(UserShareGrant):
        content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)

        class Meta:
            app_label = "isp_testapp"

    class IncidentGroupObjectPermission(GroupShareGrant):
        content_object = models.ForeignKey(Incident, on_delete=models.CASCADE)

        class Meta:
            app_label = "isp_testapp"

    kind = registry.SharableKind(model=Incident, owning_agency_field="owning_agency", summary_fields=())
    assert declaration_errors([kind]) == []


def test_the_installed_record_kinds_pass_the_check():
    assert declaration_errors(registry.kinds(), registry.dependents(), registry.derived_kinds()) == []


@isolate_apps("tests.isp_testapp")
def test_manage_py_check_fails_on_a_bad_declaration(monkeypatch):
    class Incident(models.Model):  # noqa: DJ008 - never shown
        owning_agency = models.IntegerField()

        class Meta:
            app_label = "isp_testapp"

    kind = registry.SharableKind(model=Incident, owning_agency_field="owning_agency", summary_fields=())
    monkeypatch.setitem(registry._kinds, "isp_testapp.incident", kind)
    with pytest.raises(SystemCheckError, match=r"sharing\.E002.*has no view_summary_incident permission"):
        call_command("check")


# --- record kinds that join the protocol later -----------------------------------------


@pytest.fixture
def case_files_join_later():
    kind = registry.for_model(CaseFile)
    saved = kind.joins_protocol
    kind.joins_protocol = "Case files"
    yield kind
    kind.joins_protocol = saved


def test_a_kind_registered_later_joins_by_a_new_agreed_version(personas, case_files_join_later):
    from sharing.default_protocol import create_default_protocol
    from sharing.models import Protocol, ScopeRule, ShareRule

    in_force = create_default_protocol(agreed_by=personas["admin"])

    founding = Protocol.objects.get(version=1)
    assert not ScopeRule.objects.filter(protocol=founding, record_kind="isp_testapp.casefile").exists()
    assert ScopeRule.objects.filter(protocol=founding, record_kind="referrals.referral").exists()
    assert in_force.version == 2 and in_force.status == Protocol.Status.AGREED
    assert founding.status == Protocol.Status.SUPERSEDED
    assert "Case files" in in_force.document
    # Every rule of version 1 carried over, and the case file's own added.
    kinds_in_force = set(ScopeRule.objects.filter(protocol=in_force).values_list("record_kind", flat=True))
    assert kinds_in_force == set(ScopeRule.objects.filter(protocol=founding).values_list("record_kind", flat=True)) | {
        "isp_testapp.casefile"
    }
    assert ShareRule.objects.filter(protocol=in_force, record_kind="isp_testapp.casefile").exists()
    assert set(in_force.signatories.values_list("agency__code", flat=True)) == set(
        in_force.participants.values_list("code", flat=True)
    )
    # Running the demo loader again changes nothing.
    assert create_default_protocol(agreed_by=personas["admin"]) == in_force
    assert Protocol.objects.count() == 2
