"""Recording a new referral in steps, after the child search: whether the child
is at immediate risk first, then one topic a page, then "check your answers".

The answers are kept in the session (what each step's form posted) until the
last page records the referral through `services.referral_create`: nothing is
saved as a referral before then, and a refusal by the service is shown on the
step holding the field it names. One new referral is in progress per session:
starting another (from the child search) starts afresh."""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import TemplateView

from referrals import services
from referrals.forms.referrals import ChildForm, ReferralForm, default_received_at
from referrals.models import Child
from referrals.views.referrals import open_referrals_of
from sharing.levels import AccessLevel
from sharing.refusals import refusal_for

SESSION_KEY = "new_referral"


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type
    prefix: str
    fields: tuple[str, ...]
    new_child_only: bool = False


STEPS = (
    Step("immediate-risk", "Is the child at immediate risk?", ReferralForm, "referral", ("immediate_risk",)),
    Step(
        "child",
        "About the child",
        ChildForm,
        "child",
        (
            "first_name",
            "last_name",
            "aliases",
            "date_of_birth",
            "estimated_age",
            "gender",
            "ethnicity",
            "first_language",
            "special_needs",
        ),
        new_child_only=True,
    ),
    Step(
        "where",
        "Where the child lives",
        ChildForm,
        "child",
        ("district", "school", "looked_after", "placing_authority"),
        new_child_only=True,
    ),
    Step(
        "referrer",
        "Who made the referral",
        ReferralForm,
        "referral",
        ("received_at", "channel", "referrer_name", "referrer_role", "referrer_agency", "source_agency"),
    ),
    Step("concern", "The concern", ReferralForm, "referral", ("concern_summary", "exploitation_models")),
    Step(
        "consent",
        "Consent",
        ReferralForm,
        "referral",
        ("consent_outcome", "consent_not_sought_reason", "consent_decided_by", "consent_decided_on"),
    ),
)
CHECK = "check"


def step_form(step: Step, data=None, initial=None):
    """The step's questions: its form class with only the step's fields."""
    form = step.form_class(data, prefix=step.prefix, initial=initial)
    for name in list(form.fields):
        if name not in step.fields:
            del form.fields[name]
    return form


def as_query_dict(answers: dict) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in answers.items():
        data.setlist(name, values)
    return data


def answer_rows(form) -> list[tuple[str, str]]:
    """(question, answer as shown) for a valid step form, for "check your answers"."""
    rows = []
    for bound in form:
        value = form.cleaned_data.get(bound.name)
        field = bound.field
        choices = dict(getattr(field, "choices", ()) or ())
        if value in (None, "", []):
            text = "Not given"
        elif isinstance(value, bool):
            text = "Yes" if value else "No"
        elif isinstance(value, datetime.datetime):
            text = f"{value:%-d %B %Y, %H:%M}"
        elif isinstance(value, datetime.date):
            text = f"{value:%-d %B %Y}"
        elif isinstance(value, list):
            text = ", ".join(str(choices.get(item, item)) for item in value)
        elif bound.name == "immediate_risk":
            text = "Yes" if value else "No"
        else:
            text = str(choices.get(value, value))
        rows.append((str(bound.label).removesuffix(" (optional)"), text))
    return rows


class ReferralCreateView(TemplateView):
    """Step 2 onwards: the referral, about a child chosen from the search
    (?child=) or a new one (the child's details are asked too)."""

    template_name = "referrals/referral_form.html"

    # --- the draft in the session ---------------------------------------------------

    @property
    def draft(self) -> dict:
        return self.request.session.get(SESSION_KEY) or {}

    def save_draft(self, draft: dict):
        self.request.session[SESSION_KEY] = draft

    def start(self):
        """A new referral from the child search: the chosen child, or a new
        one's name and date of birth as searched."""
        child_id = self.request.GET.get("child")
        if child_id:
            self.child_from(child_id)  # 404 for a child the user may not see in full
            self.save_draft({"child": int(child_id), "answers": {}, "prefill": {}})
        else:
            prefill = {name: self.request.GET.get(name, "") for name in ("first_name", "last_name", "date_of_birth")}
            self.save_draft({"child": None, "answers": {}, "prefill": prefill})

    def child_from(self, child_id) -> Child:
        if not str(child_id).isdigit():
            raise Http404("No such child")
        children = Child.objects.visible_to(self.request.user, AccessLevel.FULL).select_related("district")
        return get_object_or_404(children, pk=child_id)

    @property
    def child(self) -> Child | None:
        child_id = self.draft.get("child")
        return self.child_from(child_id) if child_id else None

    def steps(self) -> list[Step]:
        new_child = not self.draft.get("child")
        return [step for step in STEPS if new_child or not step.new_child_only]

    def step_named(self, slug) -> Step | None:
        return next((step for step in self.steps() if step.slug == slug), None)

    def answers_for(self, step: Step) -> dict | None:
        return self.draft.get("answers", {}).get(step.slug)

    def initial_for(self, step: Step) -> dict:
        if step.slug == "referrer":
            return {"received_at": default_received_at()}
        if step.slug == "child":
            prefill = dict(self.draft.get("prefill", {}))
            try:
                prefill["date_of_birth"] = datetime.date.fromisoformat(prefill.get("date_of_birth") or "")
            except ValueError:
                prefill.pop("date_of_birth", None)
            return prefill
        return {}

    def form_for(self, step: Step, data=None):
        if data is None and (answers := self.answers_for(step)) is not None:
            data = as_query_dict(answers)
        return step_form(step, data, initial=self.initial_for(step))

    def first_unanswered(self) -> Step | None:
        return next((step for step in self.steps() if self.answers_for(step) is None), None)

    def url(self, slug: str, *, back_to_check=False) -> str:
        return reverse("referrals:referral_new_details") + f"?step={slug}" + ("&change=1" if back_to_check else "")

    # --- pages ------------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        slug = request.GET.get("step")
        if not slug or not self.draft:
            self.start()
            return self.render_step(self.steps()[0])
        if slug == CHECK:
            missing = self.first_unanswered()
            return redirect(self.url(missing.slug)) if missing else self.render_check()
        step = self.step_named(slug)
        if step is None:
            raise Http404("No such step")
        return self.render_step(step)

    def post(self, request, *args, **kwargs):
        if not self.draft:
            return redirect("referrals:referral_new")
        slug = request.GET.get("step") or self.steps()[0].slug
        if slug == CHECK:
            return self.record()
        step = self.step_named(slug)
        if step is None:
            raise Http404("No such step")
        form = self.form_for(step, request.POST)
        if not form.is_valid():
            return self.render_step(step, form)
        names = {form.add_prefix(name) for name in form.fields}
        answers = {
            key: request.POST.getlist(key)
            for key in request.POST
            if key in names or key.rsplit("_", 1)[0] in names  # a date input's day, month, year boxes
        }
        draft = self.draft
        draft.setdefault("answers", {})[step.slug] = answers
        self.save_draft(draft)
        following = self.first_unanswered()
        if request.GET.get("change") or following is None:
            return redirect(self.url(CHECK))
        return redirect(self.url(following.slug))

    def record(self):
        forms_by_step = {}
        for step in self.steps():
            form = self.form_for(step)
            if self.answers_for(step) is None or not form.is_valid():
                return redirect(self.url(step.slug))
            forms_by_step[step.slug] = form
        referral_fields, child_fields = {}, {}
        for step in self.steps():
            target = child_fields if step.prefix == "child" else referral_fields
            target.update(forms_by_step[step.slug].cleaned_data)
        if child_fields:
            child_fields = ChildForm.child_fields_from(child_fields)
        try:
            referral = services.referral_create(
                created_by=self.request.user,
                child=self.child,
                new_child=child_fields or None,
                request=self.request,
                **referral_fields,
            )
        except ValidationError as error:
            return self.refused(error, forms_by_step)
        self.request.session.pop(SESSION_KEY, None)
        if referral.immediate_risk:
            messages.warning(
                self.request,
                "Immediate risk: hold a strategy discussion now. The CSE team supervisor has been alerted.",
            )
        messages.success(self.request, f"Referral {referral.reference} recorded")
        return redirect("referrals:referral_detail", pk=referral.pk)

    def refused(self, error, forms_by_step):
        """The service's refusal, next to the field it names, on that field's step
        (a refusal naming no step's field is shown on the check page)."""
        first = None
        for field, field_messages in refusal_for(error).errors.items():
            step = next((s for s in self.steps() if field in s.fields), None)
            form = forms_by_step[step.slug] if step else None
            for message in field_messages:
                if form is not None:
                    form.add_error(field, message)
                else:
                    self.check_errors.append(message)
            first = first or step
        if first is not None:
            return self.render_step(first, forms_by_step[first.slug])
        return self.render_check()

    check_errors: list

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.check_errors = []

    # --- rendering --------------------------------------------------------------------

    def common_context(self) -> dict:
        child = self.child
        steps = self.steps()
        return {
            "child": child,
            "open_referrals": open_referrals_of(self.request.user, [child.pk]).get(child.pk, []) if child else [],
            "step_count": len(steps) + 1,
        }

    def render_step(self, step: Step, form=None):
        form = form or self.form_for(step)
        steps = self.steps()
        index = steps.index(step)
        previous = steps[index - 1] if index else None
        return self.render_to_response(
            self.get_context_data(
                **self.common_context(),
                step=step,
                step_number=index + 1,
                form=form,
                has_errors=bool(form.errors),
                action=self.url(step.slug, back_to_check=bool(self.request.GET.get("change"))),
                back_url=self.url(previous.slug) if previous else reverse("referrals:referral_new"),
            )
        )

    def render_check(self):
        sections = []
        for step in self.steps():
            form = self.form_for(step)
            form.is_valid()
            sections.append((step, answer_rows(form), self.url(step.slug, back_to_check=True)))
        return self.render_to_response(
            self.get_context_data(
                **self.common_context(),
                checking=True,
                step_number=len(self.steps()) + 1,
                sections=sections,
                check_errors=self.check_errors,
                has_errors=bool(self.check_errors),
                action=self.url(CHECK),
                back_url=self.url(self.steps()[-1].slug),
            ),
            template_name="referrals/referral_check.html",
        )

    def render_to_response(self, context, template_name=None, **kwargs):
        if template_name:
            return self.response_class(
                request=self.request, template=[template_name], context=context, using=self.template_engine, **kwargs
            )
        return super().render_to_response(context, **kwargs)
