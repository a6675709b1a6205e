from django.db import migrations

from referrals.instrument_data import load_instruments


class Migration(migrations.Migration):
    dependencies = [("referrals", "0001_initial")]

    operations = [migrations.RunPython(load_instruments, migrations.RunPython.noop)]
