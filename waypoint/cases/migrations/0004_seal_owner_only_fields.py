"""Seal the owner-only fields (waypoint.vault): public ids for the rows that had none, sealed
columns, blind indexes of identifiers and selectors, and the sealing of values already there.

Irreversible: going back would write the sealed values out as plaintext.
"""

import uuid

from django.db import migrations, models

import waypoint.vault.fields
from waypoint.vault.migrating import HistoricalKeys, SealedColumns, seal_existing

NEW_PUBLIC_IDS = ("incidentstatuschange", "personidentifier", "selector", "stagechange")

SEALED = (
    SealedColumns("Incident", "owner", ("narrative", "sources")),
    SealedColumns("IncidentStatusChange", "incident__owner", ("reason",)),
    SealedColumns("Person", "incident__owner", ("migration_status",)),
    SealedColumns(
        "PersonIdentifier",
        "person__incident__owner",
        ("value",),
        (("value", "kind", "value_index"),),
    ),
    SealedColumns("Selector", "incident__owner", ("value",), (("value", "kind", "value_index"),)),
    SealedColumns("StageChange", "offender__person__incident__owner", ("note",)),
)


def fill_public_ids(apps, schema_editor):
    for name in NEW_PUBLIC_IDS:
        model = apps.get_model("cases", name)
        for pk in model._base_manager.values_list("pk", flat=True):
            model._base_manager.filter(pk=pk).update(public_id=uuid.uuid4())


def seal_values(apps, schema_editor):
    found = HistoricalKeys(apps)
    for spec in SEALED:
        seal_existing(apps, "cases", spec, found)


def public_id_field(**kwargs):
    return models.UUIDField(editable=False, **kwargs)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_sharing_labels"),
        ("vault", "0001_keys"),
    ]

    operations = [
        *(
            migrations.AddField(name, "public_id", public_id_field(null=True))
            for name in NEW_PUBLIC_IDS
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        *(
            migrations.AlterField(
                name, "public_id", public_id_field(default=uuid.uuid4, unique=True)
            )
            for name in NEW_PUBLIC_IDS
        ),
        migrations.AlterField(
            model_name="incident",
            name="narrative",
            field=waypoint.vault.fields.SealedTextField(blank=True, verbose_name="narrative"),
        ),
        migrations.AlterField(
            model_name="incident",
            name="sources",
            field=waypoint.vault.fields.SealedTextField(
                blank=True, verbose_name="source references"
            ),
        ),
        migrations.AlterField(
            model_name="incidentstatuschange",
            name="reason",
            field=waypoint.vault.fields.SealedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="person",
            name="migration_status",
            field=waypoint.vault.fields.SealedTermField(
                verbose_name="migration status", vocabulary="migration_status"
            ),
        ),
        migrations.AlterField(
            model_name="personidentifier",
            name="value",
            field=waypoint.vault.fields.SealedTextField(max_length=500, verbose_name="value"),
        ),
        migrations.AlterField(
            model_name="selector",
            name="value",
            field=waypoint.vault.fields.SealedTextField(max_length=300, verbose_name="value"),
        ),
        migrations.AlterField(
            model_name="stagechange",
            name="note",
            field=waypoint.vault.fields.SealedTextField(blank=True),
        ),
        migrations.AddField(
            model_name="personidentifier",
            name="value_index",
            field=waypoint.vault.fields.BlindIndexField(kind_field="kind", source="value"),
        ),
        migrations.AddField(
            model_name="selector",
            name="value_index",
            field=waypoint.vault.fields.BlindIndexField(kind_field="kind", source="value"),
        ),
        migrations.RunPython(seal_values),
    ]
