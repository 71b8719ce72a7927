from django.db import migrations

from waypoint.reference import loading


class Migration(migrations.Migration):
    dependencies = [
        ("reference", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(loading.load_regions, loading.noop),
        migrations.RunPython(loading.load_countries, loading.noop),
    ]
