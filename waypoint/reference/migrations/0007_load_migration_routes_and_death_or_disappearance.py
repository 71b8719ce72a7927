from django.db import migrations

from waypoint.reference import loading


class Migration(migrations.Migration):
    """Reload the vocabularies, which gained ``migration_route`` and the incident kind
    ``death_or_disappearance`` (IOM Missing Migrants Project)."""

    dependencies = [
        ("reference", "0006_load_accompaniment_and_fee_basis"),
    ]

    operations = [
        migrations.RunPython(loading.load_vocabularies, loading.noop),
    ]
