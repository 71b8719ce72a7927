from django.db import migrations, models


class Migration(migrations.Migration):
    """Let a country have no ISO numeric code (a user-assigned code such as Kosovo's XKX): the
    numeric code may be empty, and the codes that are given stay unique."""

    dependencies = [
        ("reference", "0007_load_migration_routes_and_death_or_disappearance"),
    ]

    operations = [
        migrations.AlterField(
            model_name="country",
            name="numeric",
            field=models.CharField(blank=True, max_length=3, verbose_name="ISO 3166-1 numeric"),
        ),
        migrations.AddConstraint(
            model_name="country",
            constraint=models.UniqueConstraint(
                condition=models.Q(("numeric", ""), _negated=True),
                fields=("numeric",),
                name="country_unique_numeric",
            ),
        ),
    ]
