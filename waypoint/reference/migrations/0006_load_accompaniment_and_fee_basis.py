from django.db import migrations

from waypoint.reference import loading


class Migration(migrations.Migration):
    """Reload the vocabularies, which gained ``accompaniment`` and ``fee_basis``."""

    dependencies = [
        ("reference", "0005_load_vocabularies"),
    ]

    operations = [
        migrations.RunPython(loading.load_vocabularies, loading.noop),
    ]
