"""/api/v1/incidents: each user reads exactly what they may see; recorders write."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from waypoint.api.tests.base import CANARY, ApiTestCase, full_document
from waypoint.cases.models import Incident, Label, RouteLeg
from waypoint.orgs.models import SharingAgreement


class IncidentReadTests(ApiTestCase):
    shared: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        SharingAgreement.objects.create(owner=cls.org_a, partner=cls.org_b)

    def setUp(self) -> None:
        super().setUp()
        response = self.api(
            "POST", "/incidents", full_document(coarsen_for_partners=True), as_user=self.bruno
        )
        self.assertEqual(response.status_code, 201, response.content)
        self.shared = response.json()

    def test_it_shows_the_owner_every_field_but_write_only_values(self) -> None:
        response = self.api("GET", f"/incidents/{self.shared['id']}", as_user=self.amara)
        body = response.json()
        self.assertNotIn(CANARY, response.content.decode())
        self.assertEqual((body["owner"], body["label"]), ("ORG-A", "amber"))
        self.assertEqual((body["deidentified"], body["coarsened"]), (False, False))
        self.assertEqual((body["date_start"], body["place"]), ("2024-05-17", "Harbour of Zuwara"))
        self.assertNotIn("narrative", body)
        self.assertNotIn("sources", body)
        victim, offender = body["persons"]
        self.assertNotIn("migration_status", victim)
        self.assertEqual([i["kind"] for i in victim["identifiers"]], ["full_name"])
        self.assertEqual(victim["victimisation"]["exploitation_forms"], ["sexual_exploitation"])
        self.assertEqual(
            [(s["stage"], s["effective_on"]) for s in offender["offender"]["stages"]],
            [("arrested", "2024-05-18"), ("prosecuted", "2024-08-02")],
        )
        self.assertEqual(body["legs"][0]["from_place"], "Zuwara")
        self.assertEqual(body["legs"][0]["fee_amount"], "1500.00")
        self.assertEqual([(s["kind"], s["person"]) for s in body["selectors"]], [("phone", 2)])

    def test_it_gives_a_partner_the_deidentified_view_coarsened_where_the_owner_asks(self) -> None:
        response = self.api("GET", f"/incidents/{self.shared['id']}", as_user=self.chen)
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(CANARY, response.content.decode())
        body = response.json()
        self.assertEqual((body["deidentified"], body["coarsened"]), (True, True))
        self.assertEqual((body["date_start"], body["date_precision"]), ("2024-05-01", "month"))
        self.assertEqual(body["admin_area"], "Sicily")
        for hidden in ("place", "latitude", "longitude", "narrative", "sources", "selectors"):
            self.assertNotIn(hidden, body)
        victim, offender = body["persons"]
        self.assertNotIn("identifiers", victim)
        self.assertNotIn("migration_status", victim)
        self.assertEqual(victim["citizenship"], "NGA")
        self.assertEqual(offender["offender"]["stages"][0]["effective_on"], "2024-05-01")
        self.assertNotIn("from_place", body["legs"][0])
        self.assertEqual(body["legs"][0]["departed_on"], "2024-05-01")

    def test_it_shows_a_partner_exact_dates_and_places_unless_the_owner_asks(self) -> None:
        response = self.api(
            "POST", "/incidents", full_document(reference="X-2"), as_user=self.bruno
        )
        body = self.api("GET", f"/incidents/{response.json()['id']}", as_user=self.chen).json()
        self.assertEqual((body["deidentified"], body["coarsened"]), (True, False))
        self.assertEqual((body["date_start"], body["place"]), ("2024-05-17", "Harbour of Zuwara"))
        self.assertNotIn("narrative", body)

    def test_it_answers_a_hidden_record_exactly_like_a_missing_one(self) -> None:
        secret = self.incident(self.org_a, "RED-1", label=Label.RED)
        hidden = self.api("GET", f"/incidents/{secret.public_id}", as_user=self.chen)
        missing = self.api("GET", f"/incidents/{uuid.uuid4()}", as_user=self.chen)
        self.assertError(hidden, 404, "not_found")
        self.assertEqual(hidden.content, missing.content)
        self.assertEqual(
            self.api("GET", "/incidents/not-a-uuid", as_user=self.chen).content, missing.content
        )

    def test_it_lists_only_what_the_user_may_see(self) -> None:
        self.incident(self.org_a, "RED-1", label=Label.RED)
        self.incident(self.org_b, "B-GREEN", label=Label.GREEN)
        self.incident(self.org_b, "B-RED", label=Label.RED)
        seen = {
            user.username: sorted(
                item["reference"]
                for item in self.api("GET", "/incidents", as_user=user).json()["items"]
            )
            for user in (self.amara, self.chen)
        }
        self.assertEqual(seen["amara"], ["API-FULL", "B-GREEN", "RED-1"])
        self.assertEqual(seen["chen"], ["API-FULL", "B-GREEN", "B-RED"])

    def test_it_lists_incidents_with_their_own_fields_as_the_user_may_see_them(self) -> None:
        body = self.api("GET", "/incidents", as_user=self.chen).json()
        self.assertEqual(body["count"], 1)
        item = body["items"][0]
        self.assertEqual(
            (item["id"], item["owner"], item["label"]), (self.shared["id"], "ORG-A", "amber")
        )
        self.assertEqual((item["date_start"], item["coarsened"]), ("2024-05-01", True))
        self.assertNotIn("place", item)
        self.assertNotIn("persons", item)


class IncidentListTests(ApiTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        rows = [
            ("S-2023", ["smuggling_of_migrants"], datetime.date(2023, 3, 1), "GRC", Label.RED),
            ("T-2024", ["trafficking_in_persons"], datetime.date(2024, 7, 9), "ITA", Label.AMBER),
            (
                "V-2024",
                ["violence_against_migrants"],
                datetime.date(2024, 1, 2),
                "LBY",
                Label.GREEN,
            ),
            ("U-NONE", ["smuggling_of_migrants"], None, "ITA", Label.RED),
        ]
        for reference, kinds, date, country, label in rows:
            cls.incident(
                cls.org_a,
                reference,
                kinds=kinds,
                date_start=date,
                date_precision="day" if date else "unknown",
                country=country,
                label=label,
            )
        incident = Incident.objects.get(reference="S-2023")
        incident.place, incident.national_provisions = "Lesbos harbour", "Law 4251/2014"
        incident.save()
        RouteLeg.objects.create(incident=incident, sequence=1, from_country="TUR", to_country="GRC")
        RouteLeg.objects.create(incident=incident, sequence=2, from_country="GRC", to_country="ITA")

    def references(self, query: str, user: Any = None) -> list[str]:
        response = self.api("GET", f"/incidents?{query}", as_user=user or self.amara)
        self.assertEqual(response.status_code, 200, response.content)
        return [item["reference"] for item in response.json()["items"]]

    def test_it_orders_by_date_newest_first_with_undated_ones_last(self) -> None:
        self.assertEqual(self.references(""), ["T-2024", "V-2024", "S-2023", "U-NONE"])
        self.assertEqual(
            self.references("ordering=date_start"), ["S-2023", "V-2024", "T-2024", "U-NONE"]
        )

    def test_it_orders_by_reference_and_creation(self) -> None:
        self.assertEqual(
            self.references("ordering=reference"), ["S-2023", "T-2024", "U-NONE", "V-2024"]
        )
        self.assertEqual(
            self.references("ordering=-created_at"), ["U-NONE", "V-2024", "T-2024", "S-2023"]
        )

    def test_it_pages_with_a_count_of_everything_that_matches(self) -> None:
        body = self.api("GET", "/incidents?limit=2&offset=1", as_user=self.amara).json()
        self.assertEqual(body["count"], 4)
        self.assertEqual([i["reference"] for i in body["items"]], ["V-2024", "S-2023"])
        self.assertEqual(self.references("offset=10"), [])

    def test_it_refuses_pages_beyond_the_limits(self) -> None:
        for query in ("limit=0", "limit=501", "offset=-1", "limit=x"):
            response = self.api("GET", f"/incidents?{query}", as_user=self.amara)
            error = self.assertError(response, 422, "invalid")
            self.assertEqual(error["details"][0]["path"], query.split("=")[0], query)

    def test_it_filters_by_year_kind_country_and_label(self) -> None:
        self.assertEqual(self.references("year=2024&ordering=reference"), ["T-2024", "V-2024"])
        self.assertEqual(self.references("kind=trafficking_in_persons"), ["T-2024"])
        self.assertEqual(self.references("country=ita&ordering=reference"), ["T-2024", "U-NONE"])
        self.assertEqual(self.references("label=green"), ["V-2024"])

    def test_it_filters_by_a_country_on_the_route_or_by_one_leg(self) -> None:
        self.assertEqual(self.references("route=GRC"), ["S-2023"])
        self.assertEqual(self.references("route=TUR-GRC"), ["S-2023"])
        self.assertEqual(self.references("route=grc-ita"), ["S-2023"])
        self.assertEqual(self.references("route=TUR-ITA"), [])

    def test_it_searches_text_in_fields_the_user_sees(self) -> None:
        self.assertEqual(self.references("q=4251"), ["S-2023"])
        self.assertEqual(self.references("q=lesbos"), ["S-2023"])
        self.assertEqual(self.references("q=t-20"), ["T-2024"])

    def test_it_never_matches_protected_fields_nor_coarsened_places(self) -> None:
        SharingAgreement.objects.create(owner=self.org_a, partner=self.org_b)
        incident = Incident.objects.get(reference="T-2024")
        incident.narrative, incident.place = f"{CANARY} story", "Secret farm"
        incident.coarsen_for_partners = True
        incident.save()
        self.assertEqual(self.references(f"q={CANARY}"), [])
        self.assertEqual(self.references("q=secret farm"), ["T-2024"])
        self.assertEqual(self.references("q=secret farm", self.chen), [])
        self.assertEqual(self.references("q=T-2024", self.chen), ["T-2024"])

    def test_it_names_an_unknown_code_in_a_filter(self) -> None:
        response = self.api("GET", "/incidents?country=ITL&kind=smugling", as_user=self.amara)
        error = self.assertError(response, 422, "invalid")
        details = {d["path"]: d for d in error["details"]}
        self.assertIn("ITA", details["country"]["message"])
        self.assertIn("smuggling_of_migrants", details["kind"]["message"])
        for query in ("route=XXX", "route=ITA-", "ordering=narrative", "label=purple"):
            response = self.api("GET", f"/incidents?{query}", as_user=self.amara)
            self.assertError(response, 422, "invalid")

    def test_it_lists_in_a_fixed_number_of_queries(self) -> None:
        def queries_for_list() -> int:
            self.api("GET", "/incidents", as_user=self.amara)  # warm the reference caches
            # The token, the membership check, the organisations, the page and the count.
            with self.assertNumQueries(5) as counted:
                self.api("GET", "/incidents", as_user=self.amara)
            return len(counted.captured_queries)

        before = queries_for_list()
        for number in range(20):
            self.incident(self.org_b, f"G-{number}", label=Label.GREEN)
        self.assertEqual(queries_for_list(), before)
