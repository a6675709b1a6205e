"""Walking the new-referral steps in tests, as a browser does: start from the
child search's link, post each step's answers, then record from "check your
answers". `data` holds every answer under its form name ("child-first_name",
"referral-received_at_day"...), as the single-page form used to take them."""

import datetime

from django.urls import reverse
from django.utils import timezone

from referrals.views.new_referral import CHECK, STEPS


def step_url(slug: str) -> str:
    return reverse("referrals:referral_new_details") + f"?step={slug}"


def date_parts(name: str, value: datetime.date | datetime.datetime) -> dict:
    """A GOV.UK date input's boxes (and its time box for a date and time)."""
    parts = {f"{name}_day": str(value.day), f"{name}_month": str(value.month), f"{name}_year": str(value.year)}
    if isinstance(value, datetime.datetime):
        parts[f"{name}_time"] = timezone.localtime(value).strftime("%H:%M")
    return parts


def answers_of(step, data: dict) -> dict:
    names = {f"{step.prefix}-{field}" for field in step.fields}
    return {key: value for key, value in data.items() if key in names or key.rsplit("_", 1)[0] in names}


def answer_every_step(client, data: dict, *, child=None):
    """Start a new referral and answer each step; the first step page refused
    (200, with its errors), or None once every step is answered."""
    client.get(reverse("referrals:referral_new_details"), {"child": child.pk} if child else {})
    for step in STEPS:
        if child is not None and step.new_child_only:
            continue
        response = client.post(step_url(step.slug), answers_of(step, data))
        if response.status_code != 302:
            return response
    return None


def record_new_referral(client, data: dict, *, child=None, **post_options):
    """Every step answered, then "Record the referral": the last response."""
    refused = answer_every_step(client, data, child=child)
    if refused is not None:
        return refused
    return client.post(step_url(CHECK), **post_options)
