"""Entering and editing incidents on the staff site, and the history of their changes."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.http import QueryDict
from django.test import override_settings

from waypoint.cases.actions import record_incident, request_label_change
from waypoint.cases.entry import blank_data, rearranged
from waypoint.cases.models import (
    FieldChange,
    Incident,
    IncidentRevision,
    Label,
    LabelChange,
    LabelChangeStatus,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Status,
    Victimisation,
)
from waypoint.cases.validation import PersonDraft
from waypoint.orgs.models import Organisation, Role, SharingAgreement
from waypoint.test import BaseTestCase
from waypoint.vault import reveal
from waypoint.web.tests.helpers import inline_code, quiet, unlabelled_fields

NEW = "/incidents/new/"
CANARY = "CANARY-entry-51c2"


def form(persons: int = 0, legs: int = 0, **values: Any) -> QueryDict:
    """The entry form's data as a new form gives it, with blocks added and values set."""
    data = blank_data()
    for _ in range(persons):
        data = rearranged(data, "add-person")[0]  # type: ignore[index]
    for _ in range(legs):
        data = rearranged(data, "add-leg")[0]  # type: ignore[index]
    data = data.copy()
    for key, value in values.items():
        key = key.replace("__", "-")
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def minimal(**values: Any) -> QueryDict:
    defaults: dict[str, Any] = {
        "reference": "WEB-1",
        "kinds": ["smuggling_of_migrants"],
        "date_start": "2024-05-17",
        "date_precision": "day",
        "country": "Italy (ITA)",
        "sharing__label": "red",
    }
    persons = values.pop("persons", 0)
    legs = values.pop("legs", 0)
    return form(persons, legs, **{**defaults, **values})


class EntryBase(BaseTestCase):
    def post(self, user: Any, data: QueryDict, action: str, path: str = NEW) -> Any:
        self.client.force_login(user)
        body = data.copy()
        body["action"] = action
        return self.client.post(
            path, body.urlencode(), content_type="application/x-www-form-urlencoded"
        )


class NewIncidentPageTests(EntryBase):
    def test_it_shows_a_reporting_officer_the_empty_form(self) -> None:
        self.client.force_login(self.bruno)
        response = self.client.get(NEW)
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertEqual(len(re.findall(r"<h1[\s>]", html)), 1)
        self.assertEqual(unlabelled_fields(html), [])
        self.assertEqual(inline_code(html), [])
        self.assertContains(response, "Organisation A")

    def test_it_chooses_no_sharing_label_for_the_user(self) -> None:
        self.client.force_login(self.bruno)
        html = self.client.get(NEW).content.decode()
        radios = re.findall(r'<input type="radio" name="sharing-label"[^>]*>', html)
        self.assertEqual(len(radios), 4)
        self.assertFalse(any("checked" in radio for radio in radios))

    def test_it_explains_who_sees_each_label_naming_the_partners(self) -> None:
        SharingAgreement.objects.create(owner=self.org_a, partner=self.org_b)
        self.client.force_login(self.bruno)
        response = self.client.get(NEW)
        self.assertContains(response, "The members of Organisation A, and nobody else.")
        self.assertContains(response, "standing sharing agreements: Organisation B")
        self.assertContains(response, "de-identified")
        self.assertContains(response, "May be counted in published statistics")

    def test_it_refuses_users_who_record_for_no_organisation(self) -> None:
        for user in (self.amara, self.chen, self.dana, self.eve):
            self.client.force_login(user)
            with quiet("django.request"):
                self.assertEqual(self.client.get(NEW).status_code, 403, user)
                response = self.post(user, minimal(), "draft")
            self.assertEqual(response.status_code, 403, user)
        self.assertFalse(Incident.objects.exists())

    def test_it_sends_a_signed_out_visitor_to_sign_in(self) -> None:
        response = self.client.get(NEW)
        self.assertEqual(response.status_code, 302)
        self.assertIn("/login/", response["Location"])

    def test_it_refuses_other_methods(self) -> None:
        self.client.force_login(self.bruno)
        with quiet("django.request"):
            self.assertEqual(self.client.put(NEW).status_code, 405)

    def test_it_reads_the_page_with_a_bounded_number_of_queries(self) -> None:
        self.client.force_login(self.bruno)
        self.client.get(NEW)  # the reference catalogue is cached from here on
        small = self.post(self.bruno, minimal(persons=1, legs=1), "check")
        self.assertEqual(small.status_code, 200)
        with self.assertNumQueries(self.queries_for(minimal(persons=1, legs=1))):
            self.post(self.bruno, minimal(persons=1, legs=1), "check")
        # More persons and legs cost no more queries.
        with self.assertNumQueries(self.queries_for(minimal(persons=1, legs=1))):
            self.post(self.bruno, minimal(persons=6, legs=5), "check")

    def queries_for(self, data: QueryDict) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self.post(self.bruno, data, "check")
        return len(captured.captured_queries)


class AddingAndRemovingBlocksTests(EntryBase):
    def test_it_adds_a_person_block_and_focuses_its_role(self) -> None:
        response = self.post(self.bruno, minimal(), "add-person")
        self.assertContains(response, 'name="person-1-role"')
        self.assertContains(response, "autofocus")
        self.assertContains(response, 'name="persons" value="1"')
        self.assertNotContains(response, "problem to fix")

    def test_it_starts_a_new_leg_where_the_previous_one_arrived(self) -> None:
        data = minimal(legs=1, leg__1__to_country="Libya (LBY)", leg__1__to_role="transit")
        data = rearranged(data, "add-leg")[0]  # type: ignore[index]
        self.assertEqual(data["leg-2-from_country"], "Libya (LBY)")
        self.assertEqual(data["leg-2-from_role"], "transit")

    def test_it_removes_a_person_and_renumbers_the_others(self) -> None:
        data = minimal(
            persons=3,
            person__1__role="smuggled_migrant",
            person__2__role="offender",
            person__3__role="witness",
        )
        data = rearranged(data, "remove-person-2")[0]  # type: ignore[index]
        self.assertEqual(data["persons"], "2")
        self.assertEqual(data["person-1-role"], "smuggled_migrant")
        self.assertEqual(data["person-2-role"], "witness")
        self.assertNotIn("person-3-role", data)

    def test_it_ignores_actions_it_does_not_know(self) -> None:
        self.assertIsNone(rearranged(minimal(), "add-everything"))
        self.assertIsNone(rearranged(minimal(), "remove-identifier-9-1"))


class SavingTests(EntryBase):
    def test_it_saves_a_draft_and_lands_on_the_incident_page(self) -> None:
        response = self.post(self.bruno, minimal(), "draft")
        incident = Incident.objects.get()
        location = f"/incidents/{incident.public_id}/"
        self.assertRedirects(response, location, fetch_redirect_response=False)
        self.assertEqual(
            (incident.reference, incident.status, incident.country, incident.label),
            ("WEB-1", Status.DRAFT, "ITA", Label.RED),
        )
        self.assertEqual(incident.created_by, self.bruno)
        self.assertContains(self.client.get(location), "WEB-1 was saved as a draft")

    def test_it_submits_an_incident_with_persons_route_and_outcomes(self) -> None:
        data = minimal(
            persons=3,
            legs=3,
            kinds=["trafficking_in_persons", "smuggling_of_migrants"],
            offence_codes=["0204", "08051"],
            migrants_involved="2",
            person__1__role="victim",
            person__1__sex="female",
            person__1__age="19",
            person__1__citizenship="NGA",
            person__1__other_citizenships=["Ghana (GHA)"],
            person__1__exploitation_forms=["sexual_exploitation"],
            person__1__trafficking_identification="identified",
            person__1__identified_by="police",
            person__1__identified_on="2024-06-01",
            person__2__role="victim",
            person__2__sex="female",
            person__2__age_group="15-17",
            person__2__citizenship="Nigeria (NGA)",
            person__3__role="offender",
            person__3__sex="male",
            person__3__network_roles=["recruiter"],
            person__3__stage="arrested",
            person__3__stage_on="2024-06-02",
            person__3__charges=["02041"],
            leg__1__from_country="NGA",
            leg__1__from_role="origin",
            leg__1__to_country="NER",
            leg__1__to_role="transit",
            leg__1__mode="land",
            leg__1__fee_amount="500",
            leg__1__fee_currency="Euro (EUR)",
            leg__1__fee_basis="per_person",
            leg__2__from_country="NER",
            leg__2__from_role="transit",
            leg__2__to_country="LBY",
            leg__2__to_role="transit",
            leg__3__from_country="LBY",
            leg__3__from_role="transit",
            leg__3__to_country="ITA",
            leg__3__to_role="destination",
            leg__3__mode="sea",
            person__1__identifiers="1",
            person__1__identifier__1__kind="full_name",
            person__1__identifier__1__value=f"Ada {CANARY}",
        )
        response = self.post(self.bruno, data, "submit")
        incident = Incident.objects.get()
        self.assertRedirects(response, f"/incidents/{incident.public_id}/")
        self.assertEqual(incident.status, Status.SUBMITTED)
        victim, second, offender = incident.persons.order_by("id")
        self.assertEqual((victim.citizenship, victim.other_citizenships), ("NGA", ["GHA"]))
        self.assertEqual(victim.victimisation.exploitation_forms, ["sexual_exploitation"])
        self.assertEqual(second.citizenship, "NGA")
        self.assertFalse(Victimisation.objects.filter(person=second).exists())
        self.assertEqual(offender.offender.stage, "arrested")
        step = offender.offender.stage_history.get()
        self.assertEqual(step.effective_on, datetime.date(2024, 6, 2))
        self.assertEqual(
            list(incident.legs.values_list("sequence", "from_country")),
            [(1, "NGA"), (2, "NER"), (3, "LBY")],
        )
        leg = incident.legs.get(sequence=1)
        self.assertEqual((str(leg.fee_amount), leg.fee_currency), ("500.00", "EUR"))
        identifier = PersonIdentifier.objects.get(person=victim)
        self.assertEqual(reveal(identifier, "value"), f"Ada {CANARY}")
        self.assertEqual(incident.revisions.get().kind, "created")

    def test_it_asks_for_the_sharing_label_and_saves_nothing_without_it(self) -> None:
        data = minimal()
        del data["sharing-label"]
        response = self.post(self.bruno, data, "submit")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Choose who may see this record.")
        self.assertContains(response, 'href="#id_sharing-label_0"')
        self.assertContains(response, 'id="id_sharing-label_0"')
        self.assertFalse(Incident.objects.exists())

    def test_it_shows_the_rules_problems_beside_their_fields_and_in_a_summary(self) -> None:
        data = minimal(migrants_involved="10", dead="12", persons=1, person__1__role="victim")
        response = self.post(self.bruno, data, "draft")
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn("There are 2 problems to fix", html)
        self.assertIn("Dead (12) cannot exceed the migrants involved (10).", html)
        self.assertIn('href="#id_dead"', html)
        self.assertIn("belongs in an incident of kind", html)
        self.assertIn('href="#id_person-1-role"', html)
        self.assertRegex(
            html, r'id="id_dead"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_dead"'
        )
        self.assertIn('id="id_dead_error"', html)
        self.assertFalse(Incident.objects.exists())

    def test_it_names_the_closest_country_for_a_code_it_does_not_know(self) -> None:
        response = self.post(self.bruno, minimal(country="ITL"), "check")
        self.assertContains(response, "“ITL” is not a valid country; did you mean ITA")

    def test_it_refuses_a_leg_that_does_not_join_the_previous_one(self) -> None:
        data = minimal(
            legs=2,
            leg__1__from_country="LBY",
            leg__1__to_country="ITA",
            leg__2__from_country="TUN",
            leg__2__to_country="MLT",
        )
        response = self.post(self.bruno, data, "check")
        self.assertContains(response, "legs must join up")
        self.assertContains(response, 'href="#id_leg-2-from_country"')

    def test_it_tells_when_the_form_has_no_problem(self) -> None:
        response = self.post(self.bruno, minimal(), "check")
        self.assertContains(response, "No problems found")
        self.assertFalse(Incident.objects.exists())

    def test_it_reports_a_reference_already_used(self) -> None:
        self.incident(self.org_a, "WEB-1")
        response = self.post(self.bruno, minimal(), "draft")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "already exists")

    def test_it_names_partners_on_an_amber_record(self) -> None:
        org_c = Organisation.objects.create(
            code="ORG-C", name="Organisation C", type="ngo", country="LBY"
        )
        data = minimal(sharing__label="amber", sharing__partners=[str(org_c.pk)])
        self.post(self.bruno, data, "draft")
        self.assertEqual(list(Incident.objects.get().shared_with.all()), [org_c])

    def test_it_names_the_recorder_and_chosen_colleagues_on_a_strict_record(self) -> None:
        colleague = self.make_user("carla", self.org_a, Role.ANALYST)
        data = minimal(sharing__label="amber_strict", sharing__named_users=[str(colleague.pk)])
        self.post(self.bruno, data, "draft")
        incident = Incident.objects.get()
        self.assertEqual(set(incident.named_users.all()), {self.bruno, colleague})

    def test_it_refuses_to_name_a_user_of_another_organisation(self) -> None:
        self.client.force_login(self.bruno)
        html = self.client.get(NEW).content.decode()
        self.assertNotIn(
            f'value="{self.chen.pk}"',
            re.sub(r"<datalist.*?</datalist>", "", html, flags=re.S).split("sharing-named_users")[
                -1
            ][:2000],
        )


class EditTests(EntryBase):
    incident_: Incident

    def setUp(self) -> None:
        super().setUp()
        draft = self.draft(
            migrants_involved=3,
            narrative=f"Told by a witness {CANARY}",
            label=Label.RED,
        )
        draft.persons = [
            PersonDraft(
                Person(
                    role="smuggled_migrant",
                    sex="female",
                    citizenship="ERI",
                    migration_status="irregular",
                )
            ),
            PersonDraft(
                Person(role="offender", sex="male"), offender=OffenderRecord(stage="arrested")
            ),
        ]
        draft.legs = [RouteLeg(sequence=1, from_country="LBY", to_country="ITA", mode="sea")]
        self.incident_ = record_incident(actor=self.bruno, organisation=self.org_a, draft=draft)
        self.path = f"/incidents/{self.incident_.public_id}/edit/"

    def stored_form(self) -> QueryDict:
        self.client.force_login(self.bruno)
        response = self.client.get(self.path)
        self.assertEqual(response.status_code, 200)
        return response.context["entry"].data.copy()

    def test_it_fills_the_form_with_the_record_but_no_protected_value(self) -> None:
        self.client.force_login(self.bruno)
        response = self.client.get(self.path)
        self.assertContains(response, 'value="Eritrea (ERI)"')
        self.assertContains(response, "A value is recorded and withheld")
        self.assertNotContains(response, CANARY)
        status = re.search(
            r'<select name="person-1-migration_status".*?</select>', response.content.decode(), re.S
        )
        assert status is not None
        self.assertIn('<option value="" selected>Keep the recorded value</option>', status.group(0))
        self.assertEqual(status.group(0).count("selected"), 1)
        html = response.content.decode()
        self.assertEqual(len(re.findall(r"<h1[\s>]", html)), 1)
        self.assertEqual(unlabelled_fields(html), [])

    def test_it_saves_changes_and_keeps_what_was_left_as_it_was(self) -> None:
        data = self.stored_form()
        data["country"] = "Malta (MLT)"
        data["person-1-sex"] = "male"
        response = self.post(self.bruno, data, "save", self.path)
        self.assertRedirects(response, f"/incidents/{self.incident_.public_id}/")
        incident = Incident.objects.get()
        self.assertEqual(incident.country, "MLT")
        self.assertEqual(reveal(incident, "narrative"), f"Told by a witness {CANARY}")
        migrant = incident.persons.get(role="smuggled_migrant")
        self.assertEqual(reveal(migrant, "migration_status"), "irregular")
        self.assertEqual(migrant.sex, "male")

    def test_it_records_no_change_when_nothing_changed(self) -> None:
        data = self.stored_form()
        response = self.post(self.bruno, data, "save", self.path)
        self.assertEqual(response.status_code, 302)
        self.assertFalse(IncidentRevision.objects.filter(kind="updated").exists())

    def test_it_keeps_who_changed_what_and_when(self) -> None:
        data = self.stored_form()
        data["country"] = "MLT"
        data["narrative"] = "A new account"
        self.post(self.bruno, data, "save", self.path)
        revision = IncidentRevision.objects.get(kind="updated")
        changes = {change.path: change for change in revision.changes.all()}
        self.assertEqual(
            (changes["incident.country"].before, changes["incident.country"].after), ("ITA", "MLT")
        )
        self.assertTrue(changes["incident.narrative"].withheld)
        self.assertIsNone(changes["incident.narrative"].before)
        self.assertEqual(revision.actor, self.bruno)
        response = self.client.get(f"/incidents/{self.incident_.public_id}/history/")
        self.assertContains(response, "Italy")
        self.assertContains(response, "Malta")
        self.assertContains(response, "changed (protected value, not shown)")
        self.assertContains(response, "bruno")
        self.assertNotContains(response, CANARY)
        self.assertNotContains(response, "A new account")

    def test_it_records_persons_and_legs_added_and_removed(self) -> None:
        data = self.stored_form()
        data = rearranged(data, "remove-person-2")[0]  # type: ignore[index]
        data = rearranged(data, "add-leg")[0]  # type: ignore[index]
        data["leg-2-to_country"] = "FRA"
        self.post(self.bruno, data, "save", self.path)
        paths = {(c.path, c.kind) for c in FieldChange.objects.all()}
        self.assertIn(("persons[2]", "removed"), paths)
        self.assertIn(("legs[2]", "added"), paths)
        self.assertEqual(self.incident_.persons.count(), 1)

    def test_it_moves_an_offender_to_the_next_stage(self) -> None:
        data = self.stored_form()
        data["person-2-stage"] = "prosecuted"
        data["person-2-stage_on"] = "2024-07-01"
        self.post(self.bruno, data, "save", self.path)
        offender = OffenderRecord.objects.get()
        self.assertEqual(
            list(offender.stage_history.values_list("from_stage", "to_stage")),
            [("", "arrested"), ("arrested", "prosecuted")],
        )

    def test_it_refuses_a_stage_the_workflow_does_not_allow(self) -> None:
        data = self.stored_form()
        data["person-2-stage"] = "suspected"
        response = self.post(self.bruno, data, "save", self.path)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "An offender cannot move from")
        self.assertContains(response, 'href="#id_person-2-stage"')

    def test_it_shows_a_stage_dated_before_the_incident_beside_its_date(self) -> None:
        data = self.stored_form()
        data["person-2-stage"] = "prosecuted"
        data["person-2-stage_on"] = "2020-01-01"
        response = self.post(self.bruno, data, "save", self.path)
        self.assertContains(response, "2020-01-01 is before the incident (2024-05-17).")
        self.assertContains(response, 'href="#id_person-2-stage_on"')

    def test_it_narrows_sharing_at_once_and_asks_to_widen(self) -> None:
        data = self.stored_form()
        data["sharing-label"] = "green"
        self.post(self.bruno, data, "save", self.path)
        change = LabelChange.objects.get()
        self.assertEqual((change.to_label, change.status), ("green", LabelChangeStatus.PENDING))
        self.assertEqual(Incident.objects.get().label, Label.RED)
        response = self.client.get(self.path)
        self.assertContains(response, "is awaiting approval")

    def test_it_narrows_to_named_users_keeping_the_editor_among_them(self) -> None:
        data = self.stored_form()
        data["sharing-label"] = "amber_strict"
        data.setlist("sharing-named_users", [str(self.amara.pk)])
        self.post(self.bruno, data, "save", self.path)
        incident = Incident.objects.get()
        self.assertEqual(incident.label, Label.AMBER_STRICT)
        self.assertEqual(set(incident.named_users.all()), {self.bruno, self.amara})

    def test_it_submits_a_draft_when_asked(self) -> None:
        data = self.stored_form()
        self.post(self.bruno, data, "save-submit", self.path)
        self.assertEqual(Incident.objects.get().status, Status.SUBMITTED)

    def test_it_answers_others_as_the_project_does(self) -> None:
        with quiet("django.request"):
            for user, status in (
                (self.chen, 404),
                (self.dana, 404),
                (self.eve, 404),
                (self.amara, 403),
            ):
                self.client.force_login(user)
                self.assertEqual(self.client.get(self.path).status_code, status, user)
                self.assertEqual(
                    self.post(user, minimal(), "save", self.path).status_code, status, user
                )
        self.assertFalse(IncidentRevision.objects.filter(kind="updated").exists())

    def test_it_shows_the_history_to_the_owner_organisation_only(self) -> None:
        SharingAgreement.objects.create(owner=self.org_a, partner=self.org_b)
        request_label_change(actor=self.bruno, incident=self.incident_, label=Label.RED)
        Incident.objects.filter(pk=self.incident_.pk).update(label=Label.AMBER)
        history = f"/incidents/{self.incident_.public_id}/history/"
        self.client.force_login(self.amara)
        response = self.client.get(history)
        self.assertContains(response, "Recorded the incident")
        self.assertContains(response, "Status: new → draft")
        self.assertEqual(len(re.findall(r"<h1[\s>]", response.content.decode())), 1)
        self.client.force_login(self.chen)
        with quiet("django.request"):
            self.assertEqual(self.client.get(history).status_code, 404)


@override_settings(LANGUAGE_CODE="fr")
class LanguageTests(EntryBase):
    def test_it_offers_country_names_in_the_users_language(self) -> None:
        self.client.force_login(self.bruno)
        response = self.client.get(NEW, headers={"accept-language": "fr"})
        self.assertContains(response, "Italie (ITA)")
