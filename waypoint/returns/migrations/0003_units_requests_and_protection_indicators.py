from django.db import migrations, models

from waypoint.returns.loading import load


class Migration(migrations.Migration):
    """Requests as a unit, and the annual questionnaire's sections on assistance and protection of
    victims (D) and international cooperation (E), loaded from ``returns/data/``."""

    dependencies = [
        ("returns", "0002_load_indicators"),
    ]

    operations = [
        migrations.AlterField(
            model_name="indicator",
            name="unit",
            field=models.CharField(
                choices=[
                    ("persons", "persons"),
                    ("detections", "detections"),
                    ("incidents", "incidents"),
                    ("cases", "cases"),
                    ("currency", "amount of money"),
                    ("requests", "requests"),
                ],
                max_length=12,
                verbose_name="unit",
            ),
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
