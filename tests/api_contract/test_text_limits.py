"""Every box a person types into has a maximum, and the API field that writes
the same value has the same one (issue #14, item 6: "every text field with the
same maximum as its form field"). Before this, the intelligence, MASE and
training forms and their API writes took any length: a megabyte stored in one
request, and a person of concern's name longer than its column was a server
error. The maxima are cse_team.validators' NOTE/NARRATIVE/DOCUMENT lengths or
the model column's own."""

import importlib
import inspect
import json
import pkgutil

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from cse_team.validators import NARRATIVE_MAX_LENGTH, NOTE_MAX_LENGTH

TEXT_FIELDS = (forms.CharField, forms.EmailField, forms.SlugField, forms.URLField, forms.RegexField)

# Request properties that are a code looked up in reference data (a district,
# an agency, a campaign, a lawful basis, a retention rule), not text that is
# stored: anything else is a 400 "does not exist", whatever its length.
LOOKUP_CODES = {"district", "source_agency", "campaign", "agencies", "lawful_basis", "retention_rule"}


def project_forms():
    """Every form class declared in the project's own apps' `forms` modules."""
    found = set()
    for app in apps.get_app_configs():
        if not app.path.startswith(str(settings.BASE_DIR)) or "site-packages" in app.path:
            continue
        try:
            module = importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
        modules = [module]
        if hasattr(module, "__path__"):
            submodules = pkgutil.iter_modules(module.__path__)
            modules += [importlib.import_module(f"{module.__name__}.{sub.name}") for sub in submodules]
        for each in modules:
            for _, cls in inspect.getmembers(each, inspect.isclass):
                if issubclass(cls, forms.BaseForm) and cls.__module__.startswith(app.name):
                    found.add(cls)
    return found


def test_every_form_text_field_has_a_maximum():
    checked = project_forms()
    unbounded = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in checked
        for name, field in cls.base_fields.items()
        if type(field) in TEXT_FIELDS and field.max_length is None and not isinstance(field.widget, forms.PasswordInput)
    ]
    assert len(checked) > 50  # the walk found the apps' forms
    assert unbounded == []


@pytest.mark.django_db
def test_every_api_text_input_has_a_maximum(client, personas):
    client.force_login(personas["kcc.caseworker"])
    schema = json.loads(client.get(reverse("api_schema"), {"format": "json"}).content)
    components = schema["components"]["schemas"]
    request_shapes = {
        content["schema"]["$ref"].rsplit("/", 1)[-1]
        for methods in schema["paths"].values()
        for operation in methods.values()
        for content in operation.get("requestBody", {}).get("content", {}).values()
        if "$ref" in content["schema"]
    }
    unbounded = []
    for shape in request_shapes:
        for name, spec in components[shape].get("properties", {}).items():
            items = spec.get("items", {}) if spec.get("type") == "array" else spec
            if spec.get("readOnly") or name in LOOKUP_CODES or items.get("type") != "string":
                continue
            if "format" not in items and "enum" not in items and "maxLength" not in items:
                unbounded.append(f"{shape}.{name}")
    assert len(request_shapes) > 15  # the walk found the write operations
    assert sorted(unbounded) == []


def _pairs():
    from intelligence import forms as intelligence_forms
    from intelligence.api import serializers as intelligence_api
    from mase import forms as mase_forms
    from mase.api import serializers as mase_api
    from referrals.api import serializers as referrals_api
    from referrals.forms import assessments, case_records
    from referrals.forms import referrals as referral_forms
    from training import forms as training_forms
    from training.api import serializers as training_api

    return [
        (intelligence_forms.SubmissionForm, intelligence_api.SubmissionCreateSerializer),
        (intelligence_forms.ReportForm, intelligence_api.IntelligenceReportCreateSerializer),
        (intelligence_forms.DisruptionForm, intelligence_api.DisruptionRecordSerializer),
        (intelligence_forms.CawnBreachForm, intelligence_api.CawnStepSerializer),
        (intelligence_forms.CawnWithdrawForm, intelligence_api.CawnStepSerializer),
        (mase_forms.ListingRequestForm, mase_api.ListingRequestCreateSerializer),
        (mase_forms.OutcomeForm, mase_api.OutcomeSerializer),
        (training_forms.SessionCancelForm, training_api.SessionCancelSerializer),
        (referral_forms.ChildForm, referrals_api.NewChildSerializer),
        (referral_forms.ReferralForm, referrals_api.ReferralCreateSerializer),
        (referral_forms.ReferralEditForm, referrals_api.ReferralUpdateSerializer),
        (referral_forms.TriageForm, referrals_api.TriageSerializer),
        (referral_forms.StepForm, referrals_api.NotedStepSerializer),
        (referral_forms.StepForm, referrals_api.WorkflowArgumentsSerializer),
        (case_records.ChronologyEntryForm, referrals_api.ChronologyEntryCreateSerializer),
        (case_records.ActionForm, referrals_api.ActionCreateSerializer),
        (case_records.MissingEpisodeForm, referrals_api.MissingEpisodeFieldsSerializer),
        (assessments.ReturnAssessmentForm, referrals_api.ReturnSerializer),
    ]


@pytest.mark.django_db
def test_an_api_write_takes_the_same_maximum_as_its_form():
    from rest_framework import serializers

    for form, serializer in _pairs():
        api_fields = serializer().fields
        shared = [
            name
            for name, field in form.base_fields.items()
            if type(field) in TEXT_FIELDS
            and isinstance(api_fields.get(name), serializers.CharField)
            and not isinstance(api_fields.get(name), serializers.ChoiceField)
        ]
        assert shared, (form, serializer)  # the pair writes at least one text value
        for name in shared:
            assert api_fields[name].max_length == form.base_fields[name].max_length, (form, serializer, name)


@pytest.mark.django_db
def test_the_api_refuses_text_over_the_maximum_with_the_fields_message(client, personas):
    client.force_login(personas["health.practitioner"])
    url = "/api/intelligence/submissions/"
    too_long = client.post(
        url,
        {"what_happened": "x" * (NARRATIVE_MAX_LENGTH + 1), "how_known": "saw", "who": "y" * (NOTE_MAX_LENGTH + 1)},
        content_type="application/json",
    )
    assert too_long.status_code == 400
    assert too_long.json() == {
        "what_happened": [f"Ensure this field has no more than {NARRATIVE_MAX_LENGTH} characters."],
        "who": [f"Ensure this field has no more than {NOTE_MAX_LENGTH} characters."],
    }
    at_the_limit = client.post(
        url, {"what_happened": "x" * NARRATIVE_MAX_LENGTH, "how_known": "saw"}, content_type="application/json"
    )
    assert at_the_limit.status_code == 201
