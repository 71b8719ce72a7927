"""Recording incidents and moving them along their workflows."""

from __future__ import annotations

import datetime

from waypoint.cases.actions import advance_offender, change_status, record_incident
from waypoint.cases.models import (
    Incident,
    IncidentStatusChange,
    OffenderRecord,
    Person,
    RouteLeg,
    StageChange,
    Status,
)
from waypoint.cases.validation import IncidentInvalid, PersonDraft, StageStep
from waypoint.lib.workflow import TransitionError
from waypoint.orgs.access import AccessDenied
from waypoint.test import BaseTestCase
from waypoint.vault import reveal


class RecordIncidentTests(BaseTestCase):
    def full_draft(self):  # type: ignore[no-untyped-def]
        draft = self.draft(migrants_involved=40, dead=2, death_causes=["drowning"])
        draft.persons = [
            PersonDraft(Person(role="smuggled_migrant", sex="female", age=27, citizenship="ERI")),
            PersonDraft(
                Person(role="offender", sex="male", citizenship="LBY"),
                offender=OffenderRecord(stage="prosecuted"),
                stages=[
                    StageStep("arrested", datetime.date(2024, 5, 18)),
                    StageStep("prosecuted", datetime.date(2024, 8, 2)),
                ],
            ),
        ]
        draft.legs = [RouteLeg(sequence=1, from_country="LBY", to_country="ITA", mode="sea")]
        return draft

    def test_it_writes_the_incident_with_everything_under_it(self) -> None:
        incident = record_incident(
            actor=self.bruno, organisation=self.org_a, draft=self.full_draft()
        )
        self.assertEqual(incident.owner, self.org_a)
        self.assertEqual(incident.persons.count(), 2)
        self.assertEqual(incident.legs.count(), 1)
        offender = OffenderRecord.objects.get(person__incident=incident)
        self.assertEqual(
            list(offender.stage_history.values_list("from_stage", "to_stage")),
            [("", "arrested"), ("arrested", "prosecuted")],
        )
        history = incident.status_history.get()
        self.assertEqual((history.to_status, history.actor), (Status.DRAFT, self.bruno))

    def test_it_writes_nothing_when_any_rule_is_broken(self) -> None:
        draft = self.full_draft()
        draft.legs.append(RouteLeg(sequence=2, from_country="TUN", to_country="MLT"))
        with self.assertRaises(IncidentInvalid) as raised:
            record_incident(actor=self.bruno, organisation=self.org_a, draft=draft)
        self.assertIn("legs[2].from_country", str(raised.exception))
        self.assertFalse(Incident.objects.exists())
        self.assertFalse(Person.objects.exists())

    def test_it_refuses_an_analyst(self) -> None:
        with self.assertRaises(AccessDenied):
            record_incident(actor=self.amara, organisation=self.org_a, draft=self.full_draft())

    def test_it_refuses_a_reporter_of_another_organisation(self) -> None:
        with self.assertRaises(AccessDenied):
            record_incident(actor=self.bruno, organisation=self.org_b, draft=self.full_draft())


class StatusTests(BaseTestCase):
    def test_it_follows_the_transition_table_and_keeps_history(self) -> None:
        incident = self.incident(self.org_a)
        change_status(actor=self.bruno, incident=incident, status=Status.SUBMITTED)
        change_status(
            actor=self.bruno,
            incident=incident,
            status=Status.VALIDATED,
            reason="checked against the police file",
        )
        incident.refresh_from_db()
        self.assertEqual(incident.status, Status.VALIDATED)
        steps = IncidentStatusChange.objects.filter(incident=incident)
        self.assertEqual(
            [(s.from_status, s.to_status) for s in steps],
            [(Status.DRAFT, Status.SUBMITTED), (Status.SUBMITTED, Status.VALIDATED)],
        )
        self.assertEqual(reveal(steps.reverse()[0], "reason"), "checked against the police file")

    def test_it_refuses_a_transition_the_table_does_not_allow(self) -> None:
        incident = self.incident(self.org_a)
        with self.assertRaisesMessage(TransitionError, "allowed: submitted, withdrawn"):
            change_status(actor=self.bruno, incident=incident, status=Status.CLOSED)
        incident.refresh_from_db()
        self.assertEqual(incident.status, Status.DRAFT)
        self.assertFalse(IncidentStatusChange.objects.exists())

    def test_it_refuses_a_status_change_by_another_organisation(self) -> None:
        incident = self.incident(self.org_b)
        with self.assertRaises(AccessDenied):
            change_status(actor=self.bruno, incident=incident, status=Status.SUBMITTED)


class OffenderStageTests(BaseTestCase):
    def offender(self) -> OffenderRecord:
        incident = self.incident(self.org_a)
        person = Person.objects.create(incident=incident, role="offender")
        offender = OffenderRecord.objects.create(person=person, stage="arrested")
        StageChange.objects.create(
            offender=offender, to_stage="arrested", effective_on=datetime.date(2024, 6, 1)
        )
        return offender

    def test_it_records_the_next_stage_with_its_date(self) -> None:
        offender = self.offender()
        advance_offender(
            actor=self.bruno,
            offender=offender,
            stage="prosecuted",
            effective_on=datetime.date(2024, 9, 1),
        )
        offender.refresh_from_db()
        self.assertEqual(offender.stage, "prosecuted")
        last = offender.stage_history.reverse()[0]
        self.assertEqual(
            (last.from_stage, last.to_stage, last.actor), ("arrested", "prosecuted", self.bruno)
        )

    def test_it_refuses_to_skip_prosecution(self) -> None:
        with self.assertRaisesMessage(
            TransitionError, "cannot move from “arrested” to “convicted”"
        ):
            advance_offender(actor=self.bruno, offender=self.offender(), stage="convicted")

    def test_it_refuses_a_stage_dated_before_the_previous_one(self) -> None:
        with self.assertRaisesMessage(TransitionError, "before the previous stage"):
            advance_offender(
                actor=self.bruno,
                offender=self.offender(),
                stage="prosecuted",
                effective_on=datetime.date(2024, 5, 1),
            )
