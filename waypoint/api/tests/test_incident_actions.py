"""update_incident and delete_incident (waypoint.cases.actions), called directly."""

from __future__ import annotations

from typing import Any

from waypoint.audit.models import Action, AuditEvent
from waypoint.cases.actions import delete_incident, record_incident, update_incident
from waypoint.cases.models import Incident, Label, Person, RouteLeg
from waypoint.cases.validation import IncidentDraft, IncidentInvalid, PersonDraft
from waypoint.orgs.access import AccessDenied
from waypoint.test import BaseTestCase


class UpdateIncidentTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        draft = self.draft(label=Label.AMBER_STRICT, narrative="first story")
        draft.persons = [PersonDraft(Person(role="smuggled_migrant", sex="female"))]
        self.stored = record_incident(actor=self.bruno, organisation=self.org_a, draft=draft)
        self.stored.shared_with.add(self.org_b)

    def replacement(self, **fields: Any) -> IncidentDraft:
        draft = self.draft(label=Label.AMBER_STRICT, **fields)
        draft.legs = [RouteLeg(sequence=1, from_country="LBY", to_country="ITA")]
        return draft

    def test_it_replaces_everything_under_the_incident_in_place(self) -> None:
        updated = update_incident(
            actor=self.bruno, incident=self.stored, draft=self.replacement(country="MLT")
        )
        incident = Incident.objects.get(pk=self.stored.pk)
        self.assertEqual((updated.public_id, incident.public_id), (self.stored.public_id,) * 2)
        self.assertEqual((incident.country, incident.created_by), ("MLT", self.bruno))
        self.assertEqual(incident.persons.count(), 0)
        self.assertEqual(incident.legs.count(), 1)
        self.assertEqual(incident.status_history.count(), 1)
        self.assertEqual(list(incident.named_users.all()), [self.bruno])
        self.assertEqual(list(incident.shared_with.all()), [self.org_b])
        event = AuditEvent.objects.get(action=Action.UPDATE)
        self.assertEqual(event.details["fields"], ["country", "narrative"])
        self.assertEqual((event.details["persons"], event.details["legs"]), (0, 1))

    def test_it_writes_nothing_when_the_new_draft_breaks_a_rule(self) -> None:
        draft = self.replacement(country="ITL")
        with self.assertRaises(IncidentInvalid) as raised:
            update_incident(actor=self.bruno, incident=self.stored, draft=draft)
        self.assertEqual([p.path for p in raised.exception.problems], ["incident.country"])
        incident = Incident.objects.get(pk=self.stored.pk)
        self.assertEqual((incident.country, incident.persons.count()), ("ITA", 1))
        self.assertFalse(AuditEvent.objects.filter(action=Action.UPDATE).exists())

    def test_it_checks_the_reference_against_the_owners_other_incidents_only(self) -> None:
        self.incident(self.org_a, "INC-2")
        update_incident(actor=self.bruno, incident=self.stored, draft=self.replacement())
        with self.assertRaises(IncidentInvalid):
            update_incident(
                actor=self.bruno, incident=self.stored, draft=self.replacement(reference="INC-2")
            )

    def test_it_leaves_label_and_status_to_their_workflows(self) -> None:
        with self.assertRaises(IncidentInvalid) as raised:
            update_incident(
                actor=self.bruno,
                incident=self.stored,
                draft=self.draft(label=Label.GREEN, status="closed"),
            )
        codes = {problem.code for problem in raised.exception.problems}
        self.assertEqual(codes, {"label_by_request", "status_by_workflow"})

    def test_it_lets_only_the_owners_recorders_update(self) -> None:
        for user in (self.amara, self.chen, self.dana, self.eve):
            with self.assertRaises(AccessDenied):
                update_incident(actor=user, incident=self.stored, draft=self.replacement())


class DeleteIncidentTests(BaseTestCase):
    def test_it_deletes_the_incident_and_keeps_the_event(self) -> None:
        draft = self.draft()
        draft.persons = [PersonDraft(Person(role="smuggled_migrant"))]
        incident = record_incident(actor=self.bruno, organisation=self.org_a, draft=draft)
        delete_incident(actor=self.bruno, incident=incident, reason="entered twice")
        self.assertFalse(Incident.objects.filter(pk=incident.pk).exists())
        event = AuditEvent.objects.get(action=Action.DELETE)
        self.assertEqual(
            (event.target_id, event.justification), (str(incident.public_id), "entered twice")
        )
        self.assertEqual(event.details, {"persons": 1, "legs": 0, "selectors": 0})

    def test_it_lets_only_the_owners_recorders_delete(self) -> None:
        incident = self.incident(self.org_a)
        for user in (self.amara, self.chen, self.dana, self.eve):
            with self.assertRaises(AccessDenied):
                delete_incident(actor=user, incident=incident)
        self.assertTrue(Incident.objects.filter(pk=incident.pk).exists())
