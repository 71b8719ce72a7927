"""Incident documents (waypoint.cases.documents): reading any mapping into a draft with every
problem named, writing an incident out as a viewer may see it, and the API's schemas kept in step
with the models."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.test import SimpleTestCase

from waypoint.api.schemas import incidents as schemas
from waypoint.api.tests.base import full_document
from waypoint.cases.actions import record_incident
from waypoint.cases.documents import (
    READ_ONLY,
    document_path,
    draft_from_document,
    incident_document,
    writable_fields,
)
from waypoint.cases.models import (
    Incident,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
    Victimisation,
)
from waypoint.cases.presentation import fields_of
from waypoint.cases.validation import IncidentInvalid
from waypoint.test import BaseTestCase


def problems_of(document: Any, **options: Any) -> dict[str, str]:
    try:
        draft_from_document(document, **options)
    except IncidentInvalid as invalid:
        return {problem.path: problem.code for problem in invalid.problems}
    return {}


class ReadingTests(BaseTestCase):
    def test_it_reads_json_values_into_model_values(self) -> None:
        draft = draft_from_document(
            full_document(latitude=37.5, longitude=12, coordinate_precision="exact")
        )
        self.assertEqual(draft.incident.date_start, datetime.date(2024, 5, 17))
        self.assertEqual(draft.incident.longitude, 12.0)
        self.assertEqual(draft.legs[0].fee_amount, decimal.Decimal("1500.00"))
        self.assertEqual(draft.legs[0].sequence, 1)
        self.assertEqual(draft.persons[1].stages[0].effective_on, datetime.date(2024, 5, 18))
        self.assertEqual(draft.selectors[0].person_index, 1)
        self.assertEqual(draft.persons[0].identifiers[0].kind, "full_name")

    def test_it_names_every_problem_of_shape_at_once(self) -> None:
        document = full_document(date_start="17/05/2024", latitude=float("nan"), colour="blue")
        document["persons"][0]["victimisation"] = "hurt"
        document["persons"][1]["offender"]["stages"] = [{"effective_on": "2024-05-18", "x": 1}]
        document["legs"] = {"from": "LBY"}
        document["selectors"][0]["person"] = "two"
        self.assertEqual(
            problems_of(document),
            {
                "incident.date_start": "invalid",
                "incident.latitude": "invalid",
                "incident.colour": "unknown_field",
                "persons[1].victimisation": "not_an_object",
                "persons[2].offender.stages[1].stage": "required",
                "persons[2].offender.stages[1].x": "unknown_field",
                "legs": "not_a_list",
                "selectors[1].person": "not_a_number",
            },
        )

    def test_it_takes_null_for_no_value(self) -> None:
        draft = draft_from_document(full_document(date_precision=None, place=None, dead=None))
        self.assertEqual((draft.incident.date_precision, draft.incident.place), ("unknown", ""))
        self.assertIsNone(draft.incident.dead)

    def test_it_tolerates_the_read_only_keys_of_an_answer(self) -> None:
        answer = dict.fromkeys(READ_ONLY, None)
        self.assertEqual(problems_of(full_document(**answer)), {})

    def test_it_refuses_ids_for_a_new_incident(self) -> None:
        document = full_document()
        document["persons"][0]["id"] = "7f1c0e1e-0000-4000-8000-000000000000"
        self.assertEqual(problems_of(document), {"persons[1].id": "unknown_id"})

    def test_it_puts_the_incidents_own_fields_at_the_top_of_paths(self) -> None:
        self.assertEqual(document_path("incident.country"), "country")
        self.assertEqual(document_path("incident"), "")
        self.assertEqual(document_path("legs[2].mode"), "legs[2].mode")


class WritingTests(BaseTestCase):
    def test_it_writes_out_what_the_pages_show_and_no_owner_only_value(self) -> None:
        incident = record_incident(
            actor=self.bruno, organisation=self.org_a, draft=draft_from_document(full_document())
        )
        for as_owner in (True, False):
            written = incident_document(incident, as_owner=as_owner)
            shown = {
                view.name for view in fields_of(incident, as_owner, False) if not view.withheld
            }
            self.assertEqual(
                set(written)
                - {"id", "owner", "deidentified", "coarsened", "persons", "legs", "selectors"},
                shown,
            )
            person = incident.persons.get(role="victim")
            shown = {view.name for view in fields_of(person, as_owner, False) if not view.withheld}
            written_person = written["persons"][0]
            self.assertEqual(
                set(written_person) - {"id", "identifiers", "victimisation", "offender"}, shown
            )


class SchemaDriftTests(SimpleTestCase):
    """Every field a document carries has its place in the API's schemas, and no more."""

    CASES: list[tuple[type[Any], type[Any], type[Any], set[str], set[str]]] = [
        (
            Incident,
            schemas.IncidentIn,
            schemas.IncidentSummaryOut,
            {"owner", "persons", "legs", "selectors"} | READ_ONLY,
            {"id", "owner", "deidentified", "coarsened", "created_at", "updated_at"},
        ),
        (
            Person,
            schemas.PersonIn,
            schemas.PersonOut,
            {"id", "identifiers", "victimisation", "offender"},
            {"id", "identifiers", "victimisation", "offender"},
        ),
        (Victimisation, schemas.VictimisationIn, schemas.VictimisationOut, set(), set()),
        (OffenderRecord, schemas.OffenderIn, schemas.OffenderOut, {"stages"}, {"stages"}),
        (RouteLeg, schemas.LegIn, schemas.LegOut, set(), set()),
        (PersonIdentifier, schemas.IdentifierIn, schemas.IdentifierOut, {"id"}, {"id"}),
        (Selector, schemas.SelectorIn, schemas.SelectorOut, {"id", "person"}, {"id", "person"}),
    ]

    def test_it_keeps_the_schemas_in_step_with_the_models(self) -> None:
        for model, request, answer, request_extra, answer_extra in self.CASES:
            writable = {field.name for field in writable_fields(model)}
            classes = model.field_classes  # type: ignore[attr-defined]
            readable = {name for name in writable if not classes[name].owner_only}
            self.assertEqual(set(request.model_fields), writable | request_extra, model.__name__)
            self.assertEqual(set(answer.model_fields), readable | answer_extra, model.__name__)
