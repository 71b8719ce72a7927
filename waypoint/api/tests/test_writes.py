"""Writing incidents through the API: only the owner's recorders, the whole document checked,
every problem named by its path, and write-only values kept when a document leaves them out."""

from __future__ import annotations

import copy
import uuid
from typing import Any

from waypoint.api.tests.base import CANARY, ApiTestCase, document, full_document
from waypoint.audit.models import Action, AuditEvent
from waypoint.cases.models import Incident, Label, Person, PersonIdentifier, Selector, StageChange
from waypoint.orgs.models import Membership, Organisation, Role, SharingAgreement
from waypoint.vault import reveal


def paths(error: dict[str, Any]) -> dict[str, str]:
    return {detail["path"]: detail["code"] for detail in error["details"]}


class CreateTests(ApiTestCase):
    def test_it_records_an_incident_for_the_recorders_organisation(self) -> None:
        response = self.api("POST", "/incidents", full_document(), as_user=self.bruno)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        incident = Incident.objects.get(public_id=body["id"])
        self.assertEqual((incident.owner, incident.created_by), (self.org_a, self.bruno))
        self.assertEqual(
            (body["owner"], body["status"], body["label"]), ("ORG-A", "draft", "amber")
        )
        self.assertEqual(incident.persons.count(), 2)
        self.assertEqual(reveal(incident, "narrative"), f"{CANARY} narrative")
        self.assertNotIn(CANARY, response.content.decode())
        event = AuditEvent.objects.get(action=Action.CREATE, target_id=body["id"])
        self.assertEqual(event.details, {"persons": 2, "legs": 1, "selectors": 1})

    def test_it_starts_an_incident_as_submitted_but_never_further(self) -> None:
        response = self.api("POST", "/incidents", document(status="submitted"), as_user=self.bruno)
        self.assertEqual(response.json()["status"], "submitted")
        response = self.api(
            "POST", "/incidents", document(reference="B", status="closed"), as_user=self.bruno
        )
        self.assertEqual(
            paths(self.assertError(response, 422, "invalid")), {"status": "status_transition"}
        )

    def test_it_refuses_users_who_do_not_record_for_an_organisation(self) -> None:
        for user in (self.amara, self.chen):
            self.assertError(
                self.api("POST", "/incidents", document(), as_user=user), 403, "forbidden"
            )
        self.assertFalse(Incident.objects.exists())

    def test_it_records_for_the_organisation_a_recorder_names(self) -> None:
        Membership.objects.create(user=self.bruno, organisation=self.org_b, role=Role.REPORTER)
        response = self.api("POST", "/incidents", document(), as_user=self.bruno)
        self.assertEqual(
            paths(self.assertError(response, 400, "bad_request")), {"owner": "owner_needed"}
        )
        response = self.api("POST", "/incidents", document(owner="ORG-B"), as_user=self.bruno)
        self.assertEqual(response.json()["owner"], "ORG-B")

    def test_it_refuses_an_owner_the_user_does_not_record_for(self) -> None:
        Organisation.objects.create(code="ORG-C", name="C", type="ngo", country="LBY")
        for code in ("ORG-B", "ORG-C", "NOPE"):
            response = self.api("POST", "/incidents", document(owner=code), as_user=self.bruno)
            error = self.assertError(response, 400, "bad_request")
            self.assertEqual(paths(error), {"owner": "not_your_organisation"})
        Membership.objects.create(user=self.bruno, organisation=self.org_b, role=Role.ANALYST)
        response = self.api("POST", "/incidents", document(owner="ORG-B"), as_user=self.bruno)
        self.assertError(response, 403, "forbidden")

    def test_it_names_every_problem_by_its_path_and_writes_nothing(self) -> None:
        body = full_document(country="ITL")
        body["persons"][0]["age_group"] = "15-17"
        body["legs"].append({"from_country": "TUN", "to_country": "MLT"})
        body["selectors"][0]["person"] = 7
        response = self.api("POST", "/incidents", body, as_user=self.bruno)
        error = self.assertError(response, 422, "invalid")
        self.assertEqual(
            paths(error),
            {
                "country": "invalid_code",
                "persons[1].age_group": "age_group_mismatch",
                "legs[2].from_country": "legs_not_contiguous",
                "selectors[1].person": "no_such_person",
            },
        )
        country = next(d for d in error["details"] if d["path"] == "country")
        self.assertIn("did you mean ITA", country["message"])
        self.assertFalse(Incident.objects.exists())

    def test_it_names_a_value_of_the_wrong_type_by_its_path(self) -> None:
        body = full_document()
        body["persons"][1]["offender"]["stages"][0]["effective_on"] = "yesterday"
        body["legs"][0]["fee_amount"] = "1.234"
        body["latitude"] = "north"
        body["persons"][0]["colour"] = "blue"
        response = self.api("POST", "/incidents", body, as_user=self.bruno)
        found = paths(self.assertError(response, 422, "invalid"))
        self.assertEqual(
            set(found),
            {
                "persons[1].colour",
                "persons[2].offender.stages[1].effective_on",
                "legs[1].fee_amount",
                "latitude",
            },
        )
        self.assertEqual(found["persons[1].colour"], "extra_forbidden")

    def test_it_refuses_text_that_cannot_be_stored(self) -> None:
        response = self.api("POST", "/incidents", document(place="a\u0000b"), as_user=self.bruno)
        self.assertEqual(
            paths(self.assertError(response, 422, "invalid")), {"place": "value_error"}
        )

    def test_it_refuses_a_body_that_is_not_json(self) -> None:
        response = self.client.post(
            "/api/v1/incidents",
            "{not json",
            content_type="application/json",
            headers={"Authorization": f"Bearer {self.tokens['bruno']}"},
        )
        self.assertError(response, 400, "bad_request")

    def test_it_refuses_a_reference_the_owner_used_already(self) -> None:
        self.api("POST", "/incidents", document(), as_user=self.bruno)
        response = self.api("POST", "/incidents", document(), as_user=self.bruno)
        error = self.assertError(response, 422, "invalid")
        self.assertEqual(paths(error), {"": "unique_together"})  # the document as a whole
        self.assertEqual(Incident.objects.count(), 1)


class ReplaceTests(ApiTestCase):
    stored: dict[str, Any]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)

    def setUp(self) -> None:
        super().setUp()
        self.stored = self.api("POST", "/incidents", full_document(), as_user=self.bruno).json()
        self.record = Incident.objects.get(public_id=self.stored["id"])

    def replace(self, body: dict[str, Any], user: Any = None) -> Any:
        return self.api("PUT", f"/incidents/{self.stored['id']}", body, as_user=user or self.bruno)

    def test_it_replaces_the_record_keeping_its_identity_and_history(self) -> None:
        response = self.replace(document(reference="API-FULL", label="amber", country="GRC"))
        self.assertEqual(response.status_code, 200, response.content)
        body = response.json()
        self.assertEqual(
            (body["id"], body["owner"], body["country"]), (self.stored["id"], "ORG-A", "GRC")
        )
        self.assertEqual((body["persons"], body["legs"]), ([], []))
        incident = Incident.objects.get(pk=self.record.pk)
        self.assertEqual(incident.created_by, self.bruno)
        self.assertEqual(incident.status_history.count(), 1)
        self.assertFalse(Person.objects.filter(incident=incident).exists())
        event = AuditEvent.objects.get(action=Action.UPDATE)
        self.assertEqual(event.target_id, self.stored["id"])
        self.assertIn("country", event.details["fields"])
        self.assertIn("kinds", event.details["fields"])
        self.assertNotIn("narrative", event.details["fields"])

    def test_it_keeps_write_only_values_a_document_sent_back_leaves_out(self) -> None:
        answer = self.api("GET", f"/incidents/{self.stored['id']}", as_user=self.bruno).json()
        changed = copy.deepcopy(answer)
        changed["migrants_involved"] = 13
        response = self.replace(changed)
        self.assertEqual(response.status_code, 200, response.content)
        again = response.json()
        self.assertEqual(again["migrants_involved"], 13)
        self.assertEqual([p["id"] for p in again["persons"]], [p["id"] for p in answer["persons"]])
        self.assertEqual(again["selectors"], answer["selectors"])
        self.assertEqual(
            again["persons"][1]["offender"]["stages"], answer["persons"][1]["offender"]["stages"]
        )
        incident = Incident.objects.get(pk=self.record.pk)
        self.assertEqual(reveal(incident, "narrative"), f"{CANARY} narrative")
        self.assertEqual(reveal(incident, "sources"), f"{CANARY} sources")
        victim = incident.persons.get(role="victim")
        self.assertEqual(reveal(victim, "migration_status"), "irregular")
        identifier = PersonIdentifier.objects.get(person=victim)
        self.assertEqual(reveal(identifier, "value"), f"Ada {CANARY}")
        self.assertNotEqual(identifier.value_index, "")
        selector = Selector.objects.get(incident=incident)
        self.assertEqual(reveal(selector, "value"), f"+218 {CANARY}")
        self.assertEqual(selector.person.role, "offender")  # type: ignore[union-attr]
        note = StageChange.objects.get(offender__person__incident=incident, to_stage="arrested")
        self.assertEqual((reveal(note, "note"), note.actor), (CANARY, self.bruno))
        self.assertEqual(
            AuditEvent.objects.get(action=Action.UPDATE).details["fields"], ["migrants_involved"]
        )

    def test_it_keeps_the_stored_rows_when_their_lists_are_left_out(self) -> None:
        answer = self.api("GET", f"/incidents/{self.stored['id']}", as_user=self.bruno).json()
        body = document(
            reference="API-FULL", label="amber", kinds=answer["kinds"], migrants_involved=12
        )
        body["persons"] = [
            {
                "id": person["id"],
                "role": person["role"],
                "offender": person["offender"] and {"stage": "prosecuted"},
            }
            for person in answer["persons"]
        ]
        response = self.replace(body)
        self.assertEqual(response.status_code, 200, response.content)
        incident = Incident.objects.get(pk=self.record.pk)
        self.assertEqual(PersonIdentifier.objects.filter(person__incident=incident).count(), 1)
        self.assertEqual(Selector.objects.filter(incident=incident).count(), 1)
        self.assertEqual(StageChange.objects.filter(offender__person__incident=incident).count(), 2)

    def test_it_replaces_write_only_values_a_document_gives(self) -> None:
        body = full_document(narrative="new story", selectors=[])
        body["persons"][0]["identifiers"] = []
        response = self.replace(body)
        self.assertEqual(response.status_code, 200, response.content)
        incident = Incident.objects.get(pk=self.record.pk)
        self.assertEqual(reveal(incident, "narrative"), "new story")
        self.assertFalse(Selector.objects.filter(incident=incident).exists())
        self.assertFalse(PersonIdentifier.objects.filter(person__incident=incident).exists())
        self.assertIn("narrative", AuditEvent.objects.get(action=Action.UPDATE).details["fields"])

    def test_it_refuses_to_change_label_status_or_owner_by_replacing(self) -> None:
        response = self.replace(full_document(label="green", status="submitted", owner="ORG-B"))
        self.assertEqual(
            paths(self.assertError(response, 422, "invalid")), {"owner": "owner_fixed"}
        )
        response = self.replace(full_document(label="green", status="submitted"))
        found = paths(self.assertError(response, 422, "invalid"))
        self.assertEqual(found, {"label": "label_by_request", "status": "status_by_workflow"})
        self.assertEqual(Incident.objects.get(pk=self.record.pk).label, Label.AMBER)

    def test_it_refuses_ids_that_name_no_stored_row(self) -> None:
        body = full_document()
        body["persons"][0]["id"] = str(uuid.uuid4())
        body["persons"][1]["id"] = self.stored["persons"][0]["id"]
        body["persons"].append({"id": self.stored["persons"][0]["id"], "role": "witness"})
        response = self.replace(body)
        found = paths(self.assertError(response, 422, "invalid"))
        self.assertEqual(found["persons[1].id"], "unknown_id")
        self.assertEqual(found["persons[3].id"], "duplicate_id")

    def test_it_refuses_writes_to_users_who_see_the_record_but_may_not_change_it(self) -> None:
        for user in (self.amara, self.chen):
            self.assertError(self.replace(full_document(), user), 403, "forbidden")
            response = self.api("DELETE", f"/incidents/{self.stored['id']}", as_user=user)
            self.assertError(response, 403, "forbidden")
        self.assertTrue(Incident.objects.filter(pk=self.record.pk).exists())

    def test_it_answers_writes_to_a_record_the_user_cannot_see_as_missing(self) -> None:
        secret = self.incident(self.org_a, "RED-1", label=Label.RED)
        for method in ("PUT", "DELETE"):
            response = self.api(
                method, f"/incidents/{secret.public_id}", document(), as_user=self.chen
            )
            self.assertError(response, 404, "not_found")

    def test_it_deletes_a_record_with_everything_under_it_and_audits_it(self) -> None:
        response = self.api("DELETE", f"/incidents/{self.stored['id']}", as_user=self.bruno)
        self.assertEqual((response.status_code, response.content), (204, b""))
        self.assertFalse(Incident.objects.filter(pk=self.record.pk).exists())
        self.assertFalse(Person.objects.filter(incident_id=self.record.pk).exists())
        event = AuditEvent.objects.get(action=Action.DELETE)
        self.assertEqual((event.target_id, event.actor), (self.stored["id"], self.bruno))
        self.assertEqual(event.details, {"persons": 2, "legs": 1, "selectors": 1})
        missing = self.api("GET", f"/incidents/{self.stored['id']}", as_user=self.bruno)
        self.assertError(missing, 404, "not_found")
