from django.db import migrations

from waypoint.reference import loading


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0002_load_m49_regions_and_countries"),
    ]

    operations = [
        migrations.RunPython(loading.load_currencies, loading.noop),
    ]
