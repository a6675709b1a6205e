"""Reference data: agencies, districts and roles (see accounts.reference).

Demo users are not made here: they come only from `manage.py load_demo_users`.
"""

from django.db import migrations

from accounts.reference import load_reference_data


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(load_reference_data, migrations.RunPython.noop)]
