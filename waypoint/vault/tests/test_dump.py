"""A dump of the whole database holds none of the owner-only values, however they were written."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import connection

from waypoint.cases.actions import record_incident
from waypoint.cases.models import OffenderRecord, Person, PersonIdentifier, Selector
from waypoint.cases.validation import PersonDraft, SelectorDraft, StageStep
from waypoint.demo.generate import generate
from waypoint.demo.write import ensure_world, write_incidents
from waypoint.lib.fieldclasses import OWNER_ONLY
from waypoint.test import BaseTestCase
from waypoint.vault.fields import SealedTextField
from waypoint.vault.sealing import reveal_each

CANARY = "CANARY-5e1d77c2"
#: A migration status is a code, which the vocabulary table holds too: it is looked for in the
#: rows of persons only.
STATUS = "complementary_protection"
BIRTH = "1931-02-27"
TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb")


def dump() -> Iterator[tuple[str, str]]:
    """Every text of every row of every table, as (table, text)."""
    if connection.vendor == "sqlite":
        for line in connection.connection.iterdump():
            table = line.split('"')[1] if line.startswith('INSERT INTO "') else ""
            yield table, line
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s)",
            [[*TEXT_TYPES, "bytea"]],
        )
        columns = cursor.fetchall()
        for table, column, data_type in columns:
            quoted = f"{connection.ops.quote_name(table)}.{connection.ops.quote_name(column)}"
            value = f"encode({quoted}, 'escape')" if data_type == "bytea" else f"{quoted}::text"
            cursor.execute(f"SELECT {value} FROM {connection.ops.quote_name(table)}")
            for (text,) in cursor.fetchall():
                if text is not None:
                    yield table, text


def owner_only_fields() -> list[tuple[Any, str]]:
    """Every owner-only field that holds a value (blind indexes hold keyed hashes)."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if model.__dict__.get("field_classes", {}).get(field.name) in OWNER_ONLY
        and isinstance(field, SealedTextField)
    ]


class DumpTests(BaseTestCase):
    def assert_every_owner_only_field_holds_the_canary(self) -> None:
        for model, name in owner_only_fields():
            path = model.sealing_organisation_path.split("__")[:-1]
            rows = list(model._base_manager.select_related(*(["__".join(path)] if path else [])))
            values = reveal_each(rows, name)
            canaries = [v for v in values if CANARY in v or v in (STATUS, BIRTH)]
            self.assertTrue(canaries, f"no canary in {model._meta.label}.{name}")

    def assert_the_dump_holds_no_canary(self) -> None:
        texts = 0
        for table, text in dump():
            texts += 1
            self.assertNotIn(CANARY, text, table)
            self.assertNotIn(BIRTH, text, table)
            if table == "cases_person":
                self.assertNotIn(STATUS, text)
        self.assertGreater(texts, 100)

    def test_it_would_find_a_canary_left_in_the_clear(self) -> None:
        self.incident(self.org_a, national_provisions=f"Art. 12 {CANARY}")
        found = {table for table, text in dump() if CANARY in text}
        self.assertEqual(found, {"cases_incident"})

    def test_it_keeps_a_recorded_incident_out_of_the_dump(self) -> None:
        draft = self.draft(
            kinds=["smuggling_of_migrants", "trafficking_in_persons"],
            narrative=f"Told by {CANARY}",
            sources=f"Informant {CANARY}",
        )
        victim = Person(role="victim", sex="female", age=19, migration_status=STATUS)
        kinds = ("full_name", "alias", "passport_number", "phone", "email", "address")
        identifiers = [PersonIdentifier(kind=kind, value=f"{kind} {CANARY}") for kind in kinds]
        identifiers.append(PersonIdentifier(kind="date_of_birth", value=BIRTH))
        offender = Person(role="offender", sex="male", migration_status=STATUS)
        draft.persons = [
            PersonDraft(victim, identifiers=identifiers),
            PersonDraft(
                offender,
                offender=OffenderRecord(stage="arrested"),
                stages=[StageStep("arrested", datetime.date(2024, 5, 18), f"note {CANARY}")],
            ),
        ]
        draft.selectors = [
            SelectorDraft(Selector(kind="phone", value=f"+218 {CANARY}"), None),
            SelectorDraft(Selector(kind="vessel", value=f"Boat {CANARY}"), 1),
        ]
        record_incident(
            actor=self.bruno, organisation=self.org_a, draft=draft, reason=f"why {CANARY}"
        )
        self.assert_every_owner_only_field_holds_the_canary()
        self.assert_the_dump_holds_no_canary()

    def test_it_keeps_demo_data_out_of_the_dump(self) -> None:
        records = list(generate(ensure_world(), seed=4, count=40, today=datetime.date(2025, 1, 1)))
        for record in records:
            record.incident.update(narrative=f"Told by {CANARY}", sources=f"File {CANARY}")
            for row in record.history:
                row["reason"] = f"why {CANARY}"
            for person in record.persons:
                person.person["migration_status"] = STATUS
                for row in person.identifiers:
                    row["value"] = BIRTH if row["kind"] == "date_of_birth" else f"x {CANARY}"
                for row in person.stages:
                    row["note"] = f"note {CANARY}"
            for row, _ in record.selectors:
                row["value"] = f"+218 {CANARY}"
        write_incidents(records)
        self.assert_every_owner_only_field_holds_the_canary()
        self.assert_the_dump_holds_no_canary()
