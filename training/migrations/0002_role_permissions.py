from django.db import migrations

from training.permissions import grant_role_permissions


class Migration(migrations.Migration):
    dependencies = [
        ("training", "0001_initial"),
        ("accounts", "0002_reference_data"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(grant_role_permissions, migrations.RunPython.noop)]
