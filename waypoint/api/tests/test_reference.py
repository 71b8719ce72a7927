"""/api/v1/reference: codes and their labels in the six languages."""

from __future__ import annotations

from waypoint.api.tests.base import ApiTestCase

LANGUAGES = {"en", "fr", "es", "ar", "ru", "zh-hans"}


class ReferenceTests(ApiTestCase):
    def get(self, path: str) -> dict:  # type: ignore[type-arg]
        response = self.api("GET", f"/reference/{path}", as_user=self.chen)
        self.assertEqual(response.status_code, 200, response.content)
        return response.json()  # type: ignore[no-any-return]

    def test_it_lists_countries_with_their_regions_and_labels(self) -> None:
        body = self.get("countries?limit=500")
        self.assertEqual(body["count"], 250)  # ISO 3166-1's 249 and Kosovo's user-assigned XKX
        kosovo = next(item for item in body["items"] if item["code"] == "XKX")
        self.assertEqual((kosovo["alpha2"], kosovo["numeric"]), ("XK", ""))
        italy = next(item for item in body["items"] if item["code"] == "ITA")
        self.assertEqual((italy["alpha2"], italy["numeric"], italy["region"]), ("IT", "380", "150"))
        self.assertEqual(set(italy["labels"]), LANGUAGES)
        self.assertEqual(italy["labels"]["fr"], "Italie")

    def test_it_lists_currencies_and_iccs_codes(self) -> None:
        currencies = self.get("currencies?limit=500")
        self.assertIn("EUR", [item["code"] for item in currencies["items"]])
        iccs = self.get("iccs?limit=500")
        codes = {item["code"]: item for item in iccs["items"]}
        self.assertEqual(codes["0101"]["parent"], "01")
        self.assertEqual(codes["0101"]["labels"]["en"], "Intentional homicide")

    def test_it_lists_vocabularies_and_their_terms_in_order(self) -> None:
        vocabularies = {
            item["code"]: item["terms"] for item in self.get("vocabularies?limit=500")["items"]
        }
        self.assertIn("incident_kind", vocabularies)
        terms = self.get("vocabularies/incident_kind")
        self.assertEqual(terms["vocabulary"], "incident_kind")
        self.assertEqual(terms["count"], vocabularies["incident_kind"])
        self.assertEqual(terms["items"][0]["code"], "smuggling_of_migrants")
        self.assertEqual(set(terms["items"][0]["labels"]), LANGUAGES)

    def test_it_answers_an_unknown_vocabulary_as_missing(self) -> None:
        response = self.api("GET", "/reference/vocabularies/planets", as_user=self.chen)
        self.assertError(response, 404, "not_found")

    def test_it_asks_for_a_token_for_reference_data_too(self) -> None:
        self.assertError(self.api("GET", "/reference/countries"), 401, "not_authenticated")
