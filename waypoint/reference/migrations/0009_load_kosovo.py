from django.db import migrations

from waypoint.reference import loading


class Migration(migrations.Migration):
    """Reload the countries, which gained Kosovo under the user-assigned codes XK and XKX."""

    dependencies = [
        ("reference", "0008_country_numeric_optional"),
    ]

    operations = [
        migrations.RunPython(loading.load_countries, loading.noop),
    ]
