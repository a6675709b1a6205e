"""Risk assessment pages: choosing an instrument, answering it with the
computed level shown live (htmx) and without JavaScript, submitting with or
without an override, and a supervisor's approval or return. Each page with an
allowed and a denied persona."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from referrals import services
from referrals.models import Instrument, RiskAssessment, Status
from tests.referrals.factories import date_of_birth_for_age

pytestmark = pytest.mark.django_db

SIGNIFICANT = ("missing-overnight", "older-partner", "cars", "sexual-health")


def answers_post(instrument: Instrument, answers: dict | None = None, *, default="no", **extra) -> dict:
    """The assessment form as a browser posts it: every indicator answered
    `default` unless `answers` ({code: (answer, timeframe[, evidence])}) says otherwise."""
    data = {}
    for section in instrument.sections.prefetch_related("indicators"):
        for indicator in section.indicators.all():
            answer = (answers or {}).get(indicator.code, (default, ""))
            answer, timeframe, evidence = (*answer, "")[:3]
            if answer is not None:
                data[f"indicator_{indicator.pk}"] = answer
            data[f"timeframe_{indicator.pk}"] = timeframe
            data[f"evidence_{indicator.pk}"] = evidence
    return data | extra


def significant_now(count: int) -> dict:
    return dict.fromkeys(SIGNIFICANT[:count], ("yes", "current"))


@pytest.fixture
def seraf(instrument):
    return instrument("seraf")


@pytest.fixture
def accepted(referral_at):
    return referral_at(Status.ACCEPTED)


def form_url(referral, instrument):
    return reverse("referrals:assessment_form", args=[referral.pk, instrument.pk])


def level_url(referral, instrument):
    return reverse("referrals:assessment_level", args=[referral.pk, instrument.pk])


def detail_url(assessment):
    return reverse("referrals:assessment_detail", args=[assessment.referral_id, assessment.pk])


def decide_url(assessment):
    return reverse("referrals:assessment_decide", args=[assessment.referral_id, assessment.pk])


def submitted(referral, seraf, personas, responses, *, by="kcc.caseworker", evidence=None, **answers):
    return services.assessment_submit(
        referral=referral,
        assessed_by=personas[by],
        instrument=seraf,
        responses=responses(seraf, answers or {"older-partner": ("yes", "current")}),
        evidence=evidence,
        professional_level="low",
    )


# --- choosing an instrument ---------------------------------------------------------


def test_a_caseworker_chooses_an_active_instrument(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    url = reverse("referrals:assessment_new", args=[accepted.pk])
    page = client.get(url)
    assertContains(page, "SERAF (version 1)")
    assertContains(page, "Kent &amp; Medway CSE toolkit (version 1)")
    assertContains(page, "Sexual Exploitation Risk Assessment Framework")
    response = client.post(url, {"instrument": seraf.pk})
    assert response.status_code == 302 and response.url == form_url(accepted, seraf)


def test_choosing_nothing_or_a_retired_instrument_is_an_error_next_to_the_choice(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    url = reverse("referrals:assessment_new", args=[accepted.pk])
    assertContains(client.post(url, {}), "Choose an assessment tool")
    Instrument.objects.filter(pk=seraf.pk).update(active=False)
    page = client.post(url, {"instrument": seraf.pk})
    assertContains(page, 'id="id_instrument-error"')
    assertNotContains(page, "SERAF (version 1)")
    assert client.get(form_url(accepted, seraf)).status_code == 404


@pytest.mark.parametrize("username", ["medway.caseworker", "health.practitioner"])
def test_the_assessment_pages_are_404_for_those_who_cannot_see_the_referral(client, personas, accepted, seraf,
                                                                            responses, username):  # fmt: skip
    assessment = submitted(accepted, seraf, personas, responses)
    client.force_login(personas[username])
    assert client.get(reverse("referrals:assessment_new", args=[accepted.pk])).status_code == 404
    assert client.get(form_url(accepted, seraf)).status_code == 404
    assert client.post(level_url(accepted, seraf), answers_post(seraf)).status_code == 404
    assert client.get(detail_url(assessment)).status_code == 404
    assert client.post(decide_url(assessment), {"decision": "approve"}).status_code == 404


def test_full_access_without_change_sees_assessments_but_cannot_make_one(client, personas, referral_at, seraf,
                                                                         responses):  # fmt: skip
    # A KCC referral about a Medway child: Medway sees it in full, not at change level.
    record = referral_at(Status.ACCEPTED, district="medway")
    assessment = submitted(record, seraf, personas, responses)
    client.force_login(personas["medway.caseworker"])
    assert client.get(reverse("referrals:assessment_new", args=[record.pk])).status_code == 404
    assert client.get(form_url(record, seraf)).status_code == 404
    page = client.get(detail_url(assessment))
    assertContains(page, "Awaiting approval")
    assertNotContains(page, 'data-testid="assessment-decision"')


# --- the form and the computed level ------------------------------------------------


def test_the_form_groups_indicators_by_section_with_the_live_level(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    page = client.get(form_url(accepted, seraf))
    for title in ("Vulnerabilities", "Moderate risk indicators", "Significant risk indicators"):
        assertContains(page, title)
    assertContains(page, "Relationship with a significantly older person")
    assertContains(page, f'hx-post="{level_url(accepted, seraf)}"')
    assertContains(page, 'hx-trigger="change"')
    assertContains(page, 'hx-target="#computed-level"')
    assertContains(page, "Now (within the last 6 months)")
    assertContains(page, 'data-testid="calculate-level"')
    assert page.context["result"].computed_level == "low"


@pytest.mark.parametrize(
    ("count", "score", "band", "level"),
    [(0, 0, "Not at risk", "Low"), (2, 10, "Mild risk", "Low"), (3, 15, "Moderate risk", "Medium"),
     (4, 20, "Significant risk", "High")],
)  # fmt: skip
def test_the_level_endpoint_returns_the_panel_for_seraf_answers(client, personas, accepted, seraf, count, score,
                                                                band, level):  # fmt: skip
    client.force_login(personas["kcc.caseworker"])
    response = client.post(
        level_url(accepted, seraf), answers_post(seraf, significant_now(count)), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert f'data-testid="computed-level-value">{level}<' in content
    assert f'data-testid="computed-score">{score}<' in content
    assert f'data-testid="computed-band">{band}<' in content
    assert not RiskAssessment.objects.exists()


def test_the_level_counts_past_and_both_timeframes_and_unanswered_as_absent(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    answers = {"older-partner": ("yes", "both"), "cars": ("suspected", "past"), "isolation": ("yes", "current")}
    # 6 + 1 + 1, and the other indicators not answered yet
    response = client.post(level_url(accepted, seraf), answers_post(seraf, answers, default=None))
    assert response.context["result"].score == 8
    assertContains(response, "3 of 21 indicators")


def test_a_present_indicator_without_a_time_counts_as_current_until_one_is_chosen(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    response = client.post(level_url(accepted, seraf), answers_post(seraf, {"older-partner": ("yes", "")}))
    assert response.context["result"].score == 5
    assertContains(response, "1 indicator present without a time yet is counted as current")


def test_the_level_for_a_child_under_13_is_never_low_and_says_why(client, personas, referral_at, seraf):
    record = referral_at(Status.ACCEPTED, new_child={"date_of_birth": date_of_birth_for_age(11)})
    client.force_login(personas["kcc.caseworker"])
    response = client.post(level_url(record, seraf), answers_post(seraf))
    assertContains(response, 'data-testid="computed-level-value">Medium<')
    assertContains(response, "A child under 13 is never rated low")


def test_the_level_panel_warns_when_the_judgement_chosen_differs(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    response = client.post(level_url(accepted, seraf), answers_post(seraf, professional_level="high"))
    assertContains(response, "Your judgement differs from the computed level")


def test_the_level_endpoint_takes_only_posts(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    assert client.get(level_url(accepted, seraf)).status_code == 405


def test_calculate_level_without_javascript_shows_the_level_and_keeps_the_answers(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    data = answers_post(seraf, significant_now(3), default=None, calculate="1")
    older = seraf.sections.get(code="significant").indicators.get(code="older-partner")
    page = client.post(form_url(accepted, seraf), data)
    assert page.status_code == 200
    assertContains(page, 'data-testid="computed-level-value">Medium<')
    assertContains(page, 'data-testid="computed-score">15<')
    assertNotContains(page, "There is a problem")  # unanswered questions are not errors yet
    assertContains(page, f'name="indicator_{older.pk}" type="radio" value="yes" checked')
    assertContains(page, '<option value="current" selected>', count=3)
    assert not RiskAssessment.objects.exists()


# --- submitting ------------------------------------------------------------------------


def test_a_caseworker_submits_an_assessment_for_approval(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    # 5 + 5 + 1 (suspected, 6 to 12 months ago) = 11: moderate
    answers = significant_now(2) | {"cars": ("suspected", "past", "Seen in a silver car")}
    response = client.post(form_url(accepted, seraf), answers_post(seraf, answers, professional_level="medium"))
    assert response.status_code == 302
    assert response.url == reverse("referrals:referral_detail", args=[accepted.pk])
    assessment = RiskAssessment.objects.get()
    assert (assessment.status, assessment.score, assessment.band_label) == ("submitted", 11, "Moderate risk")
    assert (assessment.computed_level, assessment.professional_level, assessment.rationale) == ("medium", "medium", "")
    assert assessment.assessed_by == personas["kcc.caseworker"]


def test_submitting_records_every_answer_and_evidence(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    answers = significant_now(2) | {"isolation": ("suspected", "past", "Withdrawn <b>at school</b>")}
    response = client.post(form_url(accepted, seraf), answers_post(seraf, answers, professional_level="medium"))
    assert response.status_code == 302
    assessment = RiskAssessment.objects.get()
    assert (assessment.status, assessment.score, assessment.computed_level) == ("submitted", 11, "medium")
    assert assessment.answers.count() == 21
    isolation = assessment.answers.get(indicator__code="isolation")
    assert (isolation.answer, isolation.timeframe, isolation.evidence) == (
        "suspected",
        "past",
        "Withdrawn <b>at school</b>",
    )


def test_an_override_without_a_rationale_is_an_error_next_to_it_and_saves_nothing(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    page = client.post(form_url(accepted, seraf), answers_post(seraf, significant_now(2), professional_level="high"))
    assert page.status_code == 200
    assert (
        "Explain why your judgement differs from the computed level (low)"
        in page.context["form"].errors["rationale"][0]
    )
    assertContains(page, 'id="id_rationale-error"')
    assertContains(page, "There is a problem")
    assert not RiskAssessment.objects.exists()


def test_an_override_with_a_rationale_is_submitted(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    data = answers_post(seraf, significant_now(2), professional_level="high", rationale="Found in a hotel last night")
    assert client.post(form_url(accepted, seraf), data).status_code == 302
    assessment = RiskAssessment.objects.get()
    assert (assessment.computed_level, assessment.professional_level, assessment.overridden) == ("low", "high", True)
    assert assessment.rationale == "Found in a hotel last night"


def test_unanswered_indicators_and_present_ones_without_a_time_are_errors(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    data = answers_post(seraf, {"older-partner": ("yes", ""), "cars": (None, "")}, professional_level="low")
    page = client.post(form_url(accepted, seraf), data)
    older = seraf.sections.get(code="significant").indicators.get(code="older-partner")
    cars = seraf.sections.get(code="significant").indicators.get(code="cars")
    errors = page.context["form"].errors
    assert "Say when" in errors[f"timeframe_{older.pk}"][0]
    assert "Answer yes, no or suspected" in errors[f"indicator_{cars.pk}"][0]
    assertContains(page, f'href="#id_indicator_{cars.pk}"')  # the summary links to the first radio
    assertContains(page, f'id="id_indicator_{cars.pk}"')
    assert not RiskAssessment.objects.exists()


def test_tampered_answers_are_errors_not_500s(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    data = answers_post(seraf, {"older-partner": ("maybe", "someday")}, professional_level="extreme")
    page = client.post(form_url(accepted, seraf), data)
    assert page.status_code == 200
    assert set(page.context["form"].errors) >= {"professional_level"}
    assert not RiskAssessment.objects.exists()
    response = client.post(level_url(accepted, seraf), data)
    assert response.status_code == 200


def test_someone_without_a_caseworker_role_is_refused_with_the_reason(client, personas, accepted, seraf):
    # An intelligence officer in the CSE team has change access but does not assess risk.
    client.force_login(personas["kent-police.intelligence-officer"])
    page = client.post(form_url(accepted, seraf), answers_post(seraf, professional_level="low"))
    assert page.status_code == 403
    assertContains(page, "Only caseworkers or supervisors can assess risk", status_code=403)
    assert not RiskAssessment.objects.exists()


def test_a_referral_not_yet_accepted_cannot_be_assessed(client, personas, referral_at, seraf):
    record = referral_at(Status.TRIAGED)
    client.force_login(personas["kcc.caseworker"])
    choice = client.get(reverse("referrals:assessment_new", args=[record.pk]))
    assertContains(choice, "Risk is assessed once a supervisor has accepted the referral. It is triaged.")
    assertNotContains(choice, 'name="instrument"')
    assert (
        client.post(reverse("referrals:assessment_new", args=[record.pk]), {"instrument": seraf.pk}).status_code == 200
    )
    page = client.post(form_url(record, seraf), answers_post(seraf, professional_level="low"))
    assertContains(page, "Risk is assessed once a supervisor has accepted the referral", status_code=409)
    assert not RiskAssessment.objects.exists()


def test_the_cse_team_assesses_a_council_referral(client, personas, accepted, seraf):
    client.force_login(personas["kent-police.caseworker"])
    assert client.get(form_url(accepted, seraf)).status_code == 200
    assert client.post(form_url(accepted, seraf), answers_post(seraf, professional_level="low")).status_code == 302
    assert RiskAssessment.objects.get().agency.code == "kent-police"


# --- the assessment page and the decision ------------------------------------------------


def test_the_assessment_page_shows_answers_by_section_escaped(client, personas, accepted, seraf, responses):
    assessment = submitted(accepted, seraf, personas, responses, evidence=None, **{"older-partner": ("yes", "current")})
    older = assessment.answers.get(indicator__code="older-partner")
    older.evidence = 'Texts from <script>alert(1)</script> "Dan"'
    older.save()
    client.force_login(personas["kcc.caseworker"])
    page = client.get(detail_url(assessment))
    assertContains(page, "Awaiting approval")
    assertContains(page, 'data-testid="assessment-section-significant"')
    assertContains(page, "Texts from &lt;script&gt;alert(1)&lt;/script&gt; &quot;Dan&quot;")
    assertNotContains(page, "<script>alert(1)")
    assertContains(page, "Not answered")
    assertNotContains(page, 'data-testid="assessment-decision"')  # the assessor does not decide


def test_a_supervisor_approves_and_the_referral_takes_the_level(client, personas, accepted, seraf, responses):
    assessment = submitted(accepted, seraf, personas, responses)
    client.force_login(personas["kcc.supervisor"])
    assertContains(client.get(detail_url(assessment)), 'data-testid="assessment-decision"')
    response = client.post(decide_url(assessment), {"decision": "approve"})
    assert response.status_code == 302
    assert response.url == reverse("referrals:referral_detail", args=[accepted.pk])
    assessment.refresh_from_db()
    accepted.refresh_from_db()
    assert assessment.status == "approved" and assessment.decided_by == personas["kcc.supervisor"]
    assert (accepted.status, accepted.risk_level) == (Status.RISK_ASSESSED, "low")
    again = client.post(decide_url(assessment), {"decision": "approve"})
    assertContains(again, "This assessment is approved", status_code=409)


def test_a_supervisor_returns_an_assessment_with_a_reason(client, personas, accepted, seraf, responses):
    assessment = submitted(accepted, seraf, personas, responses)
    client.force_login(personas["kcc.supervisor"])
    page = client.post(decide_url(assessment), {"decision": "return", "reason": "  "})
    assert page.status_code == 200
    assertContains(page, "Say what needs to change")
    assertContains(page, 'id="id_reason-error"')
    assessment.refresh_from_db()
    assert assessment.status == "submitted"
    response = client.post(decide_url(assessment), {"decision": "return", "reason": "Add the <b>school</b> evidence"})
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (assessment.status, assessment.return_reason) == ("returned", "Add the <b>school</b> evidence")
    page = client.get(detail_url(assessment))
    assertContains(page, "Add the &lt;b&gt;school&lt;/b&gt; evidence")
    assertContains(page, reverse("referrals:assessment_new", args=[accepted.pk]))


def test_a_caseworker_cannot_decide(client, personas, accepted, seraf, responses):
    assessment = submitted(accepted, seraf, personas, responses, by="kent-police.caseworker")
    client.force_login(personas["kcc.caseworker"])
    assertNotContains(client.get(detail_url(assessment)), 'data-testid="assessment-decision"')
    page = client.post(decide_url(assessment), {"decision": "approve"})
    assertContains(page, "Only supervisors can approve or return a risk assessment", status_code=403)
    assessment.refresh_from_db()
    assert assessment.status == "submitted"


def test_a_supervisor_cannot_approve_their_own_assessment(client, personas, accepted, seraf, responses):
    assessment = submitted(accepted, seraf, personas, responses, by="kcc.supervisor")
    client.force_login(personas["kcc.supervisor"])
    assertNotContains(client.get(detail_url(assessment)), 'data-testid="assessment-decision"')
    page = client.post(decide_url(assessment), {"decision": "approve"})
    assertContains(page, "Another supervisor must approve your own assessment", status_code=403)
    client.force_login(personas["kent-police.supervisor"])
    assert client.post(decide_url(assessment), {"decision": "approve"}).status_code == 302


def test_a_decision_must_be_approve_or_return(client, personas, accepted, seraf, responses):
    assessment = submitted(accepted, seraf, personas, responses)
    client.force_login(personas["kcc.supervisor"])
    assertContains(client.post(decide_url(assessment), {"decision": "shrug"}), "Choose to approve or return")
    assert client.get(decide_url(assessment)).status_code == 405


# --- the form made easier to use (issue #12, item 3) -----------------------------------


def test_no_level_is_shown_until_every_indicator_is_answered(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    page = client.get(form_url(accepted, seraf))
    assertContains(page, 'data-testid="computed-level-value">not known until every indicator is answered<')
    assertNotContains(page, 'data-testid="computed-level-value">Low<')
    assertContains(page, 'data-testid="computed-band">Not known yet<')
    # Part answered, already above low: a floor, since more answers only raise it.
    partial = client.post(level_url(accepted, seraf), answers_post(seraf, significant_now(3), default=None))
    assertContains(partial, "Computed level so far: at least")
    assertContains(partial, 'data-testid="computed-level-value">Medium<')
    # Part answered and low so far: still not known.
    low_so_far = client.post(level_url(accepted, seraf), answers_post(seraf, significant_now(1), default=None))
    assertContains(low_so_far, "not known until every indicator is answered")


def test_the_evidence_boxes_are_revealed_by_a_present_answer(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    page = client.get(form_url(accepted, seraf))
    older = seraf.sections.get(code="significant").indicators.get(code="older-partner")
    assertContains(page, f'data-reveal-for="indicator_{older.pk}" data-reveal-values="yes suspected"', count=1)
    # A box with an error is never hidden behind its answer.
    data = answers_post(seraf, {"older-partner": ("yes", "")}, professional_level="low")
    errors = client.post(form_url(accepted, seraf), data)
    assertNotContains(errors, f'data-reveal-for="indicator_{older.pk}"')


def test_the_error_summary_lists_errors_in_the_order_of_the_page(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    cars = seraf.sections.get(code="significant").indicators.get(code="cars")
    page = client.post(form_url(accepted, seraf), answers_post(seraf, {"cars": (None, "")}))
    content = page.content.decode()
    start = content.index("govuk-error-summary")
    summary = content[start : content.index("</ul>", start)]
    assert summary.index(f"#id_indicator_{cars.pk}") < summary.index("#id_professional_level")
    assert content.index(f'id="id_indicator_{cars.pk}"') < content.index('id="id_professional_level"')


def test_a_caseworker_saves_a_part_answered_assessment_and_finishes_it_later(client, personas, accepted, seraf):
    client.force_login(personas["kcc.caseworker"])
    older = seraf.sections.get(code="significant").indicators.get(code="older-partner")
    cars = seraf.sections.get(code="significant").indicators.get(code="cars")
    answers = {"older-partner": ("yes", "current", "Boyfriend is 24"), "cars": ("yes", "")}
    response = client.post(form_url(accepted, seraf), answers_post(seraf, answers, default=None, save_draft="1"))
    assert response.status_code == 302
    draft = RiskAssessment.objects.get()
    assert draft.status == "draft"
    assert list(draft.answers.values_list("indicator__code", "evidence")) == [("older-partner", "Boyfriend is 24")]
    message = client.get(response.url).content.decode()
    assert "Draft SERAF assessment saved: 2 of 21 indicators answered" in message
    assert "1 answer without a time" in message
    # Nobody else is told, and it is not on the case's record or approval queue.
    assert "is awaiting approval" not in message
    assert client.get(detail_url(draft)).status_code == 404

    choice = client.get(reverse("referrals:assessment_new", args=[accepted.pk]))
    assertContains(choice, "Carry on with your draft")
    resumed = client.get(form_url(accepted, seraf))
    assertContains(resumed, 'data-testid="draft-resumed"')
    assertContains(resumed, f'name="indicator_{older.pk}" type="radio" value="yes" checked')
    assertContains(resumed, "Boyfriend is 24")
    assertNotContains(resumed, f'name="indicator_{cars.pk}" type="radio" value="yes" checked')

    done = answers_post(seraf, significant_now(2), professional_level="low")
    assert client.post(form_url(accepted, seraf), done).status_code == 302
    assert list(RiskAssessment.objects.values_list("status", flat=True)) == ["submitted"]


def test_a_draft_is_refused_as_a_submission_is(client, personas, referral_at, accepted, seraf):
    client.force_login(personas["kent-police.intelligence-officer"])
    page = client.post(form_url(accepted, seraf), answers_post(seraf, default=None, save_draft="1"))
    assert page.status_code == 403
    assertContains(page, "Only caseworkers or supervisors can assess risk", status_code=403)
    client.force_login(personas["health.practitioner"])
    assert client.post(form_url(accepted, seraf), answers_post(seraf, save_draft="1")).status_code == 404
    client.force_login(personas["kcc.caseworker"])
    triaged = referral_at(Status.TRIAGED)
    refused = client.post(form_url(triaged, seraf), answers_post(seraf, default=None, save_draft="1"))
    assert refused.status_code == 409
    assert not RiskAssessment.objects.exists()


def test_the_supervisor_reads_the_evidence_before_the_decision(client, personas, accepted, seraf, responses):
    assessment = submitted(accepted, seraf, personas, responses, evidence=None)
    client.force_login(personas["kcc.supervisor"])
    content = client.get(detail_url(assessment)).content.decode()
    assert content.index("Answers and evidence") < content.index(">Approve<")
    assert content.index("Relationship with a significantly older person") < content.index(">Approve<")
