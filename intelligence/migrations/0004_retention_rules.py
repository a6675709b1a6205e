import datetime

from django.db import migrations


def forwards(apps, schema_editor):
    from intelligence.retention import load_retention_rules

    load_retention_rules(apps)
    rule = apps.get_model("intelligence", "RetentionRule").objects.get(is_default=True)
    reports = apps.get_model("intelligence", "IntelligenceReport").objects.filter(review_due__isnull=True)
    for report in reports.iterator():
        created = report.created_at.date()
        months = created.month - 1 + rule.review_after_months
        year, month = created.year + months // 12, months % 12 + 1
        day = min(created.day, 28)
        report.review_due = datetime.date(year, month, day)
        report.retention_rule_id = rule.pk
        report.save(update_fields=["review_due", "retention_rule"])


class Migration(migrations.Migration):
    dependencies = [("intelligence", "0003_reviews")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
