"""Whose step is next on a referral, in words, and what a step says when it is
done: the workflow table (services.STEPS) says who MAY take a step; this says
who is EXPECTED to, so a caseworker at Triaged sees that acceptance is a
supervisor's."""

from referrals.models import RiskAssessment, Status

DONE = {
    "triage": "Triage recorded",
    "decide": "Triage decision recorded",
    "accept": "Referral accepted",
    "assign": "Lead professional assigned",
    "open": "Case opened",
    "close": "Case closed",
}


def next_step(referral, assessments=()) -> str:
    """The next step and whose it is, for a reader who sees the referral in full."""
    awaiting = any(assessment.status == RiskAssessment.Status.SUBMITTED for assessment in assessments)
    status = referral.status
    if status == Status.RECEIVED:
        return "A caseworker records triage."
    if status == Status.TRIAGED:
        return "A supervisor accepts the referral, or a caseworker records another triage decision."
    if awaiting:
        return "A supervisor approves or returns the risk assessment awaiting approval."
    if status == Status.ACCEPTED:
        return "A caseworker assesses risk; a supervisor then approves the assessment."
    if status == Status.RISK_ASSESSED:
        if referral.lead_professional_id is None:
            return "A supervisor assigns the lead professional; then a caseworker opens the case."
        return "A caseworker opens the case."
    if status == Status.OPEN:
        if referral.review_overdue:
            return "The risk review is overdue: a caseworker assesses risk again."
        return "The lead professional works the case; a supervisor closes it when it is done."
    return "None: the referral is closed."


def done_message(step_name: str, referral) -> str:
    done = DONE.get(step_name, "Done")
    following = next_step(referral)
    if following.startswith("None"):
        return f"{done}."
    return f"{done}. Next: {following[0].lower()}{following[1:]}"
