from django.db import migrations

from waypoint.reference import loading


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0003_load_iso4217_currencies"),
    ]

    operations = [
        migrations.RunPython(loading.load_iccs, loading.noop),
    ]
