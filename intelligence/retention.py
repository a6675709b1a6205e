"""The retention rules the service starts with (MoPI groups [verify]: the
management of police information guidance; an administrator keeps them in
the admin). Loaded by a data migration and put back by tests that empty the
tables (`reference_data` on the AppConfig)."""

from dateutil.relativedelta import relativedelta

RETENTION_RULES = (
    {
        "code": "mopi-group-1",
        "name": "MoPI group 1: certain public protection matters",
        "description": "Information about people who pose a risk of serious harm, including child sexual "
        "exploitation. Reviewed every 10 years while it is retained.",
        "review_after_months": 120,
        "is_default": True,
    },
    {
        "code": "mopi-group-2",
        "name": "MoPI group 2: other sexual, violent or serious offences",
        "description": "Reviewed 10 years after creation or the last review.",
        "review_after_months": 120,
        "is_default": False,
    },
    {
        "code": "mopi-group-3",
        "name": "MoPI group 3: all other offences and intelligence",
        "description": "Reviewed 6 years after creation or the last review.",
        "review_after_months": 72,
        "is_default": False,
    },
)


def load_retention_rules(apps=None) -> None:
    """Idempotent: adds the rules that are missing, leaves edited ones alone."""
    if apps is None:
        from intelligence.models import RetentionRule
    else:
        RetentionRule = apps.get_model("intelligence", "RetentionRule")
    has_default = RetentionRule.objects.filter(is_default=True).exists()
    for rule in RETENTION_RULES:
        values = {**rule, "is_default": rule["is_default"] and not has_default}
        RetentionRule.objects.get_or_create(code=rule["code"], defaults=values)


def set_first_reviews(apps, schema_editor=None) -> None:
    """Disruptions and profiles recorded before they had a review date: the
    default rule's period from the day each was created (migration 0006)."""
    from django.utils import timezone

    RetentionRule = apps.get_model("intelligence", "RetentionRule")
    rule = RetentionRule.objects.filter(is_default=True).first()
    if rule is None:
        return
    for name in ("Disruption", "ProblemProfile"):
        model = apps.get_model("intelligence", name)
        for record in model.objects.filter(review_due__isnull=True).only("pk", "created_at"):
            due = timezone.localdate(record.created_at) + relativedelta(months=rule.review_after_months)
            model.objects.filter(pk=record.pk).update(retention_rule=rule, review_due=due)
