"""Sealed fields: what is stored, what code gets back, and how the row binding holds."""

from __future__ import annotations

import datetime

from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Model
from django.test import SimpleTestCase

from waypoint import vault
from waypoint.cases import presentation
from waypoint.cases.models import (
    Incident,
    IncidentStatusChange,
    OffenderRecord,
    Person,
    PersonIdentifier,
    Selector,
    StageChange,
)
from waypoint.lib.fieldclasses import OWNER_ONLY
from waypoint.test import BaseTestCase
from waypoint.vault.fields import BlindIndexField, PlaintextRefused, SealedTextField
from waypoint.vault.sealing import Sealed, SealedValueError


def stored(model: type[Model], column: str, pk: int) -> str:
    """The column's text as the database holds it."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {model._meta.db_table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


class SealedFieldTests(BaseTestCase):
    record: Incident
    person: Person
    phone: PersonIdentifier

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.record = cls.incident(cls.org_a, narrative="Told by Ada Obi", sources="Informant 7")
        cls.person = Person.objects.create(
            incident=cls.record, role="victim", migration_status="irregular"
        )
        cls.phone = PersonIdentifier.objects.create(
            person=cls.person, kind="phone", value="+2348030000000"
        )

    def test_it_stores_tokens_and_never_the_plaintext(self) -> None:
        for model, column, pk, text in (
            (Incident, "narrative", self.record.pk, "Told by Ada Obi"),
            (Incident, "sources", self.record.pk, "Informant 7"),
            (Person, "migration_status", self.person.pk, "irregular"),
            (PersonIdentifier, "value", self.phone.pk, "2348030000000"),
        ):
            value = stored(model, column, pk)
            self.assertTrue(value.startswith("wp1.1."), value)
            self.assertNotIn(text, value)

    def test_it_gives_back_an_opaque_value_that_never_shows_the_plaintext(self) -> None:
        incident = Incident.objects.get(pk=self.record.pk)
        self.assertIsInstance(incident.narrative, Sealed)
        self.assertEqual(str(incident.narrative), "[sealed]")
        self.assertEqual(f"{incident.narrative}", "[sealed]")
        self.assertNotIn("Ada", repr(incident.narrative))

    def test_it_reveals_every_sealed_field(self) -> None:
        incident = Incident.objects.get(pk=self.record.pk)
        self.assertEqual(vault.reveal(incident, "narrative"), "Told by Ada Obi")
        self.assertEqual(vault.reveal(incident, "sources"), "Informant 7")
        person = Person.objects.get(pk=self.person.pk)
        self.assertEqual(vault.reveal(person, "migration_status"), "irregular")
        phone = PersonIdentifier.objects.get(pk=self.phone.pk)
        self.assertEqual(vault.reveal(phone, "value"), "+2348030000000")

    def test_it_leaves_empty_values_empty(self) -> None:
        incident = self.incident(self.org_a, "EMPTY")
        self.assertEqual(stored(Incident, "narrative", incident.pk), "")
        self.assertEqual(Incident.objects.get(pk=incident.pk).narrative, "")

    def test_it_seals_the_default_migration_status_too(self) -> None:
        person = Person.objects.create(incident=self.record, role="witness")
        self.assertTrue(stored(Person, "migration_status", person.pk).startswith("wp1."))
        self.assertEqual(
            vault.reveal(Person.objects.get(pk=person.pk), "migration_status"), "unknown"
        )

    def test_it_refuses_a_value_copied_to_another_row(self) -> None:
        other = PersonIdentifier.objects.create(person=self.person, kind="phone", value="+390000")
        token = stored(PersonIdentifier, "value", self.phone.pk)
        PersonIdentifier.objects.filter(pk=other.pk).update(value=Sealed(token))
        copied = PersonIdentifier.objects.get(pk=other.pk)
        with self.assertRaisesRegex(
            SealedValueError,
            f"cases.PersonIdentifier.value of row {other.public_id} does not open: it was sealed "
            "for another row or column",
        ):
            vault.reveal(copied, "value")

    def test_it_refuses_a_value_copied_to_another_column(self) -> None:
        token = stored(Incident, "narrative", self.record.pk)
        Incident.objects.filter(pk=self.record.pk).update(sources=Sealed(token))
        with self.assertRaises(SealedValueError):
            vault.reveal(Incident.objects.get(pk=self.record.pk), "sources")

    def test_it_refuses_a_value_copied_to_a_row_of_another_organisation(self) -> None:
        theirs = self.incident(self.org_b, "B-1", narrative="theirs")
        Incident.objects.filter(pk=theirs.pk).update(
            narrative=Sealed(stored(Incident, "narrative", self.record.pk))
        )
        with self.assertRaises(SealedValueError):
            vault.reveal(Incident.objects.get(pk=theirs.pk), "narrative")

    def test_it_refuses_to_write_plaintext_past_save(self) -> None:
        with (
            self.assertRaisesRegex(PlaintextRefused, "cases.Incident.narrative is sealed"),
            transaction.atomic(),
        ):
            Incident.objects.filter(pk=self.record.pk).update(narrative="in the clear")
        incident = Incident.objects.get(pk=self.record.pk)
        incident.narrative = "in the clear"
        with self.assertRaises(PlaintextRefused), transaction.atomic():
            Incident.objects.bulk_update([incident], ["narrative"])
        self.assertTrue(stored(Incident, "narrative", self.record.pk).startswith("wp1."))

    def test_it_seals_rows_written_by_bulk_create(self) -> None:
        rows = PersonIdentifier.objects.bulk_create(
            [PersonIdentifier(person=self.person, kind="full_name", value="Ada Obi")]
        )
        self.assertTrue(stored(PersonIdentifier, "value", rows[0].pk).startswith("wp1."))

    def test_it_keeps_a_loaded_value_as_it_is_when_the_row_is_saved_again(self) -> None:
        phone = PersonIdentifier.objects.get(pk=self.phone.pk)
        before = stored(PersonIdentifier, "value", phone.pk), phone.value_index
        phone.save()
        self.assertEqual((stored(PersonIdentifier, "value", phone.pk), phone.value_index), before)

    def test_it_reseals_a_value_the_code_changes(self) -> None:
        incident = Incident.objects.get(pk=self.record.pk)
        incident.narrative = "Told by Ada Obi, corrected"
        incident.save()
        incident.refresh_from_db()
        self.assertEqual(vault.reveal(incident, "narrative"), "Told by Ada Obi, corrected")

    def test_it_validates_plaintext_and_accepts_sealed_values(self) -> None:
        with self.assertRaisesRegex(ValidationError, "not a valid migration status"):
            Person(incident=self.record, role="victim", migration_status="ilegal").full_clean()
        with self.assertRaisesRegex(ValidationError, "at most 500 characters"):
            PersonIdentifier(person=self.person, kind="full_name", value="x" * 501).full_clean()
        Person.objects.get(pk=self.person.pk).full_clean()
        PersonIdentifier.objects.get(pk=self.phone.pk).full_clean()

    def test_it_checks_a_date_of_birth_written_now_but_not_one_read_back(self) -> None:
        with self.assertRaisesRegex(ValidationError, "not a date"):
            PersonIdentifier(person=self.person, kind="date_of_birth", value="17/5/1990").clean()
        born = PersonIdentifier.objects.create(
            person=self.person, kind="date_of_birth", value="1990-05-17"
        )
        PersonIdentifier.objects.get(pk=born.pk).clean()

    def test_it_seals_history_notes_and_selectors(self) -> None:
        change = IncidentStatusChange.objects.create(
            incident=self.record, to_status="submitted", reason="checked"
        )
        offender = OffenderRecord.objects.create(
            person=Person.objects.create(incident=self.record, role="offender"), stage="arrested"
        )
        step = StageChange.objects.create(offender=offender, to_stage="arrested", note="caught")
        selector = Selector.objects.create(incident=self.record, kind="vessel", value="Sea Star")
        for row, name, text in (
            (change, "reason", "checked"),
            (step, "note", "caught"),
            (selector, "value", "Sea Star"),
        ):
            loaded = type(row).objects.get(pk=row.pk)
            self.assertIsInstance(getattr(loaded, name), Sealed)
            self.assertEqual(vault.reveal(loaded, name), text)


class IncidentNarrativeForm(forms.ModelForm):
    class Meta:
        model = Incident
        fields = ["narrative"]


class FormTests(BaseTestCase):
    def test_it_refuses_to_show_a_sealed_value_in_a_form_unrevealed(self) -> None:
        incident = Incident.objects.get(pk=self.incident(self.org_a, narrative="Told").pk)
        with self.assertRaisesRegex(TypeError, "reveal it and give it to the form"):
            str(IncidentNarrativeForm(instance=incident)["narrative"])
        revealed = {"narrative": vault.reveal(incident, "narrative")}
        form = IncidentNarrativeForm(instance=incident, initial=revealed)
        self.assertIn("Told", str(form["narrative"]))


class BlindIndexSearchTests(BaseTestCase):
    def test_it_finds_an_identifier_by_exact_match_however_it_is_written(self) -> None:
        person = Person.objects.create(incident=self.incident(self.org_a), role="victim")
        found = PersonIdentifier.objects.create(person=person, kind="phone", value="+2348030000000")
        PersonIdentifier.objects.create(person=person, kind="phone", value="+2348030000001")
        index = vault.blind_index_for("phone", "+234 803 000 0000")
        self.assertEqual(list(PersonIdentifier.objects.filter(value_index=index)), [found])

    def test_it_links_a_selector_to_an_identifier_of_the_same_kind(self) -> None:
        incident = self.incident(self.org_a)
        person = Person.objects.create(incident=incident, role="offender")
        identifier = PersonIdentifier.objects.create(person=person, kind="phone", value="+39 333")
        selector = Selector.objects.create(incident=incident, kind="phone", value="0039333")
        self.assertEqual(identifier.value_index, selector.value_index)

    def test_it_gives_the_same_index_to_both_organisations(self) -> None:
        mine = Selector.objects.create(incident=self.incident(self.org_a), kind="phone", value="+1")
        theirs = Selector.objects.create(
            incident=self.incident(self.org_b), kind="phone", value="+1"
        )
        self.assertEqual(mine.value_index, theirs.value_index)

    def test_it_leaves_kinds_that_are_not_searched_without_an_index(self) -> None:
        person = Person.objects.create(incident=self.incident(self.org_a), role="victim")
        born = PersonIdentifier.objects.create(
            person=person, kind="date_of_birth", value="1990-05-17"
        )
        self.assertEqual(born.value_index, "")


class PresentationTests(BaseTestCase):
    def test_it_shows_sealed_values_as_withheld_and_reveals_labels(self) -> None:
        record = self.incident(self.org_a)
        Person.objects.create(incident=record, role="victim", migration_status="asylum_seeker")
        person = Person.objects.get(incident=record)
        status = Person._meta.get_field("migration_status")
        self.assertEqual(presentation.display(status, person.migration_status), "withheld")
        self.assertEqual(presentation.revealed(person, "migration_status"), "Asylum seeker")
        self.assertEqual(
            presentation.revealed(Incident.objects.get(pk=record.pk), "narrative"), "—"
        )


class CoverageTests(SimpleTestCase):
    def test_it_seals_every_owner_only_field_of_every_model(self) -> None:
        unsealed = []
        for model in apps.get_models():
            for name, field_class in getattr(model, "field_classes", {}).items():
                field = model._meta.get_field(name) if name != "*" else None
                if field_class in OWNER_ONLY and not isinstance(
                    field, SealedTextField | BlindIndexField
                ):
                    unsealed.append(f"{model._meta.label}.{name}")
        self.assertEqual(unsealed, [])


class SealingOrganisationTests(BaseTestCase):
    def test_it_names_the_incident_owner_for_every_sealed_row(self) -> None:
        incident = self.incident(self.org_b, narrative="x")
        person = Person.objects.create(incident=incident, role="offender")
        offender = OffenderRecord.objects.create(person=person, stage="arrested")
        rows = [
            incident,
            IncidentStatusChange.objects.create(incident=incident, to_status="draft"),
            person,
            PersonIdentifier.objects.create(person=person, kind="alias", value="Boss"),
            Selector.objects.create(incident=incident, kind="vessel", value="Sea Star"),
            StageChange.objects.create(
                offender=offender, to_stage="arrested", effective_on=datetime.date(2024, 5, 1)
            ),
        ]
        for row in rows:
            model = type(row)
            path = model.sealing_organisation_path  # type: ignore[attr-defined]
            queried = model._base_manager.filter(pk=row.pk).values_list(path, flat=True).get()
            self.assertEqual(row.sealing_organisation_id(), queried)  # type: ignore[attr-defined]
            self.assertEqual(queried, self.org_b.pk)
