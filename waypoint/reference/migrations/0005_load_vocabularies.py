from django.db import migrations

from waypoint.reference import loading


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0004_load_iccs_2015"),
    ]

    operations = [
        migrations.RunPython(loading.load_vocabularies, loading.noop),
    ]
