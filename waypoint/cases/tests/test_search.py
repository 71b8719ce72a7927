"""Finding incidents on the list page: filters, text search, identifiers, export; only ever among
what the user may see, and never through a protected value."""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

from waypoint.audit.models import Action, AuditEvent
from waypoint.cases import search
from waypoint.cases.actions import change_status, record_incident
from waypoint.cases.models import (
    Incident,
    Label,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
)
from waypoint.cases.validation import PersonDraft, StageStep
from waypoint.orgs.models import SharingAgreement
from waypoint.test import BaseTestCase

CANARY = "CANARY-4be1d2"
PHONE = "+234 803 000 1234"


class SearchTestCase(BaseTestCase):
    boat: Incident
    labour: Incident
    shared: Incident
    theirs: Incident

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)
        cls.boat = cls.incident(
            cls.org_a,
            "A-BOAT",
            label=Label.AMBER,
            date_start=datetime.date(2023, 8, 2),
            country="ITA",
            migration_route="central_mediterranean",
            admin_area="Sicily",
            place="Pozzallo harbour",
            narrative=f"Told by a survivor {CANARY} near the lighthouse",
        )
        RouteLeg.objects.create(incident=cls.boat, sequence=1, from_country="NER", to_country="LBY")
        RouteLeg.objects.create(incident=cls.boat, sequence=2, from_country="LBY", to_country="ITA")
        migrant = Person.objects.create(incident=cls.boat, role="smuggled_migrant")
        PersonIdentifier.objects.create(person=migrant, kind="phone", value=PHONE)
        PersonIdentifier.objects.create(person=migrant, kind="full_name", value="Amina Bello")
        cls.labour = cls.incident(
            cls.org_a,
            "A-FARM",
            kinds=["trafficking_in_persons"],
            date_start=datetime.date(2024, 3, 9),
            country="ESP",
            national_provisions="Art. 177 bis Código Penal",
        )
        Selector.objects.create(incident=cls.labour, kind="vehicle_plate", value="AB-123-CD")
        cls.shared = cls.incident(
            cls.org_a,
            "A-GREEN",
            label=Label.GREEN,
            kinds=["violence_against_migrants"],
            date_start=datetime.date(2022, 1, 5),
            country="GRC",
            place="Moria camp",
            coarsen_for_partners=True,
        )
        cls.theirs = cls.incident(
            cls.org_b,
            "B-LAND",
            label=Label.RED,
            date_start=datetime.date(2023, 5, 1),
            country="GRC",
        )

    def references(self, user: Any, query: str = "") -> list[str]:
        self.client.force_login(user)
        response = self.client.get(f"/incidents/?{query}")
        self.assertEqual(response.status_code, 200)
        return [row.reference for row in response.context["rows"]]


class FilterTests(SearchTestCase):
    def test_it_filters_by_year_kind_and_country(self) -> None:
        self.assertEqual(self.references(self.amara, "year=2023"), ["A-BOAT"])
        self.assertEqual(self.references(self.amara, "kind=trafficking_in_persons"), ["A-FARM"])
        self.assertEqual(self.references(self.amara, "country=GRC"), ["A-GREEN"])

    def test_it_filters_by_named_route_and_by_the_countries_legs_join(self) -> None:
        self.assertEqual(self.references(self.amara, "route=central_mediterranean"), ["A-BOAT"])
        self.assertEqual(self.references(self.amara, "origin=NER&destination=ITA"), ["A-BOAT"])
        self.assertEqual(self.references(self.amara, "origin=LBY"), ["A-BOAT"])
        self.assertEqual(self.references(self.amara, "destination=NER"), [])

    def test_it_lists_an_incident_once_however_many_legs_match(self) -> None:
        RouteLeg.objects.create(
            incident=self.boat, sequence=3, from_country="ITA", to_country="LBY"
        )
        self.assertEqual(self.references(self.amara, "destination=LBY"), ["A-BOAT"])

    def test_it_filters_by_label_and_owner(self) -> None:
        self.assertEqual(self.references(self.amara, "label=green"), ["A-GREEN"])
        self.assertEqual(self.references(self.chen, "owner=ORG-B"), ["B-LAND"])
        self.assertEqual(self.references(self.chen, "owner=ORG-A"), ["A-BOAT", "A-GREEN"])

    def test_it_sorts_as_asked(self) -> None:
        self.assertEqual(
            self.references(self.amara), ["A-FARM", "A-BOAT", "A-GREEN"]
        )  # newest first
        self.assertEqual(
            self.references(self.amara, "sort=reference"), ["A-BOAT", "A-FARM", "A-GREEN"]
        )
        self.assertEqual(
            self.references(self.amara, "sort=date_start"), ["A-GREEN", "A-BOAT", "A-FARM"]
        )

    def test_it_counts_only_what_the_user_may_see(self) -> None:
        self.client.force_login(self.chen)
        response = self.client.get("/incidents/?country=GRC")
        self.assertContains(response, "2 incidents match these filters")
        self.client.force_login(self.amara)
        response = self.client.get("/incidents/?country=GRC")
        self.assertContains(response, "1 incident matches these filters")
        self.assertNotContains(response, "B-LAND")

    def test_it_says_which_filter_it_did_not_understand_and_ignores_it(self) -> None:
        self.client.force_login(self.amara)
        response = self.client.get("/incidents/?kind=piracy&year=2023")
        self.assertContains(response, 'aria-invalid="true"')
        self.assertEqual([row.reference for row in response.context["rows"]], ["A-BOAT"])

    def test_it_keeps_the_filters_in_the_page_links(self) -> None:
        for number in range(55):
            self.incident(self.org_a, f"P-{number:02d}", date_start=datetime.date(2021, 1, 1))
        self.client.force_login(self.amara)
        response = self.client.get("/incidents/?year=2021&sort=reference")
        self.assertContains(response, "?year=2021&amp;sort=reference&amp;page=2")
        second = self.client.get("/incidents/?year=2021&sort=reference&page=2")
        self.assertEqual(
            [row.reference for row in second.context["rows"]],
            ["P-50", "P-51", "P-52", "P-53", "P-54"],
        )

    def test_it_marks_other_organisations_records_as_de_identified(self) -> None:
        self.client.force_login(self.chen)
        response = self.client.get("/incidents/?owner=ORG-A")
        self.assertContains(response, '<span class="tag">de-identified</span>', count=2)


class TextSearchTests(SearchTestCase):
    def test_it_finds_references_provisions_areas_and_places(self) -> None:
        self.assertEqual(self.references(self.amara, "q=a-farm"), ["A-FARM"])
        self.assertEqual(self.references(self.amara, "q=177 bis"), ["A-FARM"])
        self.assertEqual(self.references(self.amara, "q=sicily"), ["A-BOAT"])
        self.assertEqual(self.references(self.amara, "q=pozzallo"), ["A-BOAT"])

    def test_it_never_searches_protected_text(self) -> None:
        self.assertEqual(self.references(self.amara, f"q={CANARY}"), [])
        self.assertEqual(self.references(self.amara, "q=lighthouse"), [])
        self.assertEqual(self.references(self.amara, "q=Amina"), [])

    def test_it_does_not_search_places_a_partner_may_not_see(self) -> None:
        self.assertEqual(self.references(self.amara, "q=moria"), ["A-GREEN"])
        self.assertEqual(self.references(self.chen, "q=moria"), [])

    def test_it_combines_text_and_filters(self) -> None:
        self.assertEqual(self.references(self.amara, "q=A-&country=ITA"), ["A-BOAT"])


class IdentifierSearchTests(SearchTestCase):
    def find(self, user: Any, value: str, kind: str = "") -> Any:
        self.client.force_login(user)
        return self.client.post("/incidents/identifier/", {"value": value, "kind": kind})

    def found(self, user: Any, value: str, kind: str = "") -> list[str]:
        response = self.find(user, value, kind)
        self.assertEqual(response.status_code, 200)
        return [row.reference for row in response.context["rows"]]

    def test_it_finds_a_phone_however_it_is_written(self) -> None:
        self.assertEqual(self.found(self.amara, "00234-803-000-1234"), ["A-BOAT"])
        self.assertEqual(self.found(self.amara, "+2348030001234", kind="phone"), ["A-BOAT"])

    def test_it_finds_names_and_selectors_exactly(self) -> None:
        self.assertEqual(self.found(self.amara, "amina  BELLO"), ["A-BOAT"])
        self.assertEqual(self.found(self.amara, "Amina"), [])
        self.assertEqual(self.found(self.amara, "ab123cd", kind="vehicle_plate"), ["A-FARM"])

    def test_it_keeps_the_kind_apart(self) -> None:
        self.assertEqual(self.found(self.amara, "Amina Bello", kind="alias"), [])

    def test_it_never_finds_another_organisations_record_by_an_identifier(self) -> None:
        # Chen sees A-BOAT (TLP:AMBER, shared with Org B) but not its identifiers.
        self.assertIn("A-BOAT", self.references(self.chen))
        self.assertEqual(self.found(self.chen, PHONE), [])
        self.assertEqual(self.found(self.dana, PHONE), [])

    def test_it_records_the_search_without_the_value(self) -> None:
        self.find(self.amara, PHONE, kind="phone")
        event = AuditEvent.objects.filter(action=Action.IDENTIFIER_SEARCH).get()
        self.assertEqual(event.actor_username, "amara")
        self.assertEqual(event.details, {"count": 1, "field": "phone"})
        self.assertNotIn("1234", json.dumps(event.details))

    def test_it_takes_the_value_only_by_post(self) -> None:
        self.client.force_login(self.amara)
        self.assertEqual(self.client.get(f"/incidents/identifier/?value={PHONE}").status_code, 405)

    def test_it_asks_for_a_value(self) -> None:
        response = self.find(self.amara, "")
        self.assertContains(response, "This field is required")
        self.assertFalse(AuditEvent.objects.filter(action=Action.IDENTIFIER_SEARCH).exists())

    def test_it_computes_one_index_per_indexed_kind(self) -> None:
        indexes = search.identifier_indexes("+234 803 000 1234")
        self.assertEqual(len(indexes), len(set(indexes)))
        self.assertEqual(len(search.identifier_indexes("x", kind="date_of_birth")), 0)


class ExportTests(SearchTestCase):
    def export(self, user: Any, **data: Any) -> Any:
        self.client.force_login(user)
        return self.client.post("/incidents/export/", data)

    def test_it_exports_exactly_the_filtered_list(self) -> None:
        response = self.export(self.amara, format="csv", year="2023", origin="LBY")
        self.assertEqual(response.status_code, 200)
        self.assertIn("attachment", response["Content-Disposition"])
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        references = {row["reference"] for row in csv.DictReader(io.StringIO(text))}
        self.assertEqual(references, {"A-BOAT"})

    def test_it_records_the_export_with_the_names_of_the_filters(self) -> None:
        self.export(self.amara, format="json", q="A-", route="central_mediterranean")
        event = AuditEvent.objects.filter(action=Action.EXPORT).get()
        self.assertEqual(event.details["fields"], ["q", "route"])
        self.assertEqual(event.details["count"], 1)
        self.assertEqual(event.details["format"], "json")

    def test_it_gives_a_partner_the_de_identified_form(self) -> None:
        response = self.export(self.chen, format="json")
        body = b"".join(response.streaming_content).decode()
        documents = json.loads(body)
        self.assertEqual(
            {document["reference"] for document in documents}, {"A-BOAT", "A-GREEN", "B-LAND"}
        )
        self.assertNotIn(CANARY, body)
        self.assertNotIn("Moria", body)  # coarsened for partners by its owner

    def test_it_writes_excel(self) -> None:
        response = self.export(self.amara, format="xlsx")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(b"".join(response.streaming_content).startswith(b"PK"))

    def test_it_refuses_a_format_it_does_not_offer(self) -> None:
        response = self.export(self.amara, format="htcds", year="2023")
        self.assertRedirects(response, "/incidents/?year=2023", fetch_redirect_response=False)
        self.assertFalse(AuditEvent.objects.filter(action=Action.EXPORT).exists())

    def test_it_is_not_a_get_link(self) -> None:
        self.client.force_login(self.amara)
        self.assertEqual(self.client.get("/incidents/export/?format=csv").status_code, 405)


class QueryCountTests(SearchTestCase):
    def test_it_bounds_the_queries_of_the_list_whatever_the_filters_and_rows(self) -> None:
        self.client.force_login(self.amara)
        query = "q=A&year=2023&kind=smuggling_of_migrants&country=ITA&route=central_mediterranean"
        query += "&origin=LBY&destination=ITA&label=amber&owner=ORG-A&sort=reference"
        self.client.get(f"/incidents/?{query}")
        # Session, user, device; organisations (owner filter), count, page, the user's
        # organisations (rows and text search), saved filters, navigation.
        with self.assertNumQueries(10):
            self.client.get(f"/incidents/?{query}")
        for number in range(30):
            self.incident(
                self.org_a,
                f"N-{number}",
                label=Label.AMBER,
                migration_route="central_mediterranean",
                date_start=datetime.date(2023, 1, 1),
            )
        with self.assertNumQueries(9):
            response = self.client.get("/incidents/")
        self.assertEqual(len(response.context["rows"]), 33)

    def test_it_bounds_the_queries_of_an_identifier_search(self) -> None:
        self.client.force_login(self.amara)
        self.client.post("/incidents/identifier/", {"value": PHONE})
        for number in range(5):
            incident = self.incident(self.org_a, f"I-{number}")
            person = Person.objects.create(incident=incident, role="smuggled_migrant")
            PersonIdentifier.objects.create(person=person, kind="phone", value=PHONE)
        # The same number for one match and for six: the index key, the search, the audit event
        # and the list page around the results.
        with self.assertNumQueries(16):
            response = self.client.post("/incidents/identifier/", {"value": PHONE})
        self.assertEqual(len(response.context["rows"]), 6)


class RecordPageTests(SearchTestCase):
    def test_it_shows_the_owner_the_status_history_with_who_and_a_reason_to_reveal(self) -> None:
        change_status(actor=self.bruno, incident=self.boat, status="submitted", reason="Checked")
        self.client.force_login(self.amara)
        response = self.client.get(f"/incidents/{self.boat.public_id}/")
        self.assertContains(response, "draft → submitted")
        self.assertContains(response, "<td>bruno</td>", html=True)
        self.assertContains(response, "target=status%3A")
        self.assertNotContains(response, "Checked")

    def test_it_shows_a_partner_the_history_without_names_or_reasons(self) -> None:
        change_status(actor=self.bruno, incident=self.boat, status="submitted", reason="Checked")
        self.client.force_login(self.chen)
        response = self.client.get(f"/incidents/{self.boat.public_id}/")
        self.assertContains(response, "draft → submitted")
        self.assertNotContains(response, "bruno")
        self.assertNotContains(response, "status%3A")
        self.assertNotContains(response, "Sharing</h3>")
        self.assertContains(response, "De-identified view")

    def test_it_shows_an_offenders_stages(self) -> None:
        draft = self.draft(reference="A-COURT")
        draft.persons = [
            PersonDraft(
                Person(role="offender", sex="male"),
                offender=OffenderRecord(stage="prosecuted"),
                stages=[
                    StageStep("arrested", datetime.date(2024, 5, 20), note=f"{CANARY} note"),
                    StageStep("prosecuted", datetime.date(2024, 6, 1)),
                ],
            )
        ]
        incident = record_incident(actor=self.bruno, organisation=self.org_a, draft=draft)
        self.client.force_login(self.amara)
        response = self.client.get(f"/incidents/{incident.public_id}/")
        self.assertContains(response, "May 20, 2024")
        self.assertContains(response, "target=stage%3A", count=2)  # page link and htmx request
        self.assertNotContains(response, CANARY)

    def test_it_bounds_the_queries_of_a_record_however_many_persons_it_holds(self) -> None:
        def add_offender(number: int) -> None:
            person = Person.objects.create(incident=self.boat, role="offender")
            OffenderRecord.objects.create(person=person, stage="arrested")
            PersonIdentifier.objects.create(person=person, kind="alias", value=f"Alias {number}")

        add_offender(0)
        self.client.force_login(self.amara)
        url = f"/incidents/{self.boat.public_id}/"
        self.client.get(url)
        with self.assertNumQueries(19):
            self.client.get(url)
        for number in range(1, 5):
            add_offender(number)
        with self.assertNumQueries(19):
            self.client.get(url)

    def test_it_draws_the_route_as_its_countries_in_order(self) -> None:
        self.client.force_login(self.amara)
        response = self.client.get(f"/incidents/{self.boat.public_id}/")
        self.assertEqual(response.context["route"], ["Niger", "Libya", "Italy"])

    def test_it_names_the_kind_of_identifier_about_to_be_revealed(self) -> None:
        name = PersonIdentifier.objects.get(kind="full_name")
        self.client.force_login(self.amara)
        response = self.client.get(
            f"/incidents/{self.boat.public_id}/reveal/?target=identifier:{name.public_id}&field=value"
        )
        self.assertContains(response, "“Full name” of incident A-BOAT")
        self.assertContains(response, "personal data")
        self.assertContains(response, 'class="reveal-panel')


class HeadingTests(SearchTestCase):
    def test_it_gives_every_page_one_h1(self) -> None:
        self.client.force_login(self.amara)
        record = f"/incidents/{self.boat.public_id}/"
        pages = {
            "list": self.client.get("/incidents/?year=2023"),
            "identifier": self.client.post("/incidents/identifier/", {"value": PHONE}),
            "record": self.client.get(record),
            "reveal": self.client.get(f"{record}reveal/?target=incident&field=narrative"),
            "revealed": self.client.post(
                f"{record}reveal/",
                {"target": "incident", "field": "narrative", "justification": "Checking a lead"},
            ),
        }
        self.client.force_login(self.chen)
        pages["partner record"] = self.client.get(record)
        for name, response in pages.items():
            self.assertEqual(response.status_code, 200, name)
            self.assertEqual(response.content.count(b"<h1"), 1, name)
