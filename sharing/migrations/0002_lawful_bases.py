from django.db import migrations

from sharing.lawful_bases import load_lawful_bases


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [migrations.RunPython(load_lawful_bases, migrations.RunPython.noop)]
