from __future__ import annotations

from django.contrib.auth.models import User
from django.test import TestCase

from waypoint.reference.models import Term
from waypoint.test import VerifiedClient


class AdminTests(TestCase):
    # The administration site asks for two-factor sign-in; this client's force_login gives it.
    client_class = VerifiedClient
    eve: User

    @classmethod
    def setUpTestData(cls) -> None:
        cls.eve = User.objects.create_superuser("eve", "eve@example.org", "not-a-real-password")

    def setUp(self) -> None:
        self.client.force_login(self.eve)

    def test_it_lists_the_terms_of_one_vocabulary(self) -> None:
        response = self.client.get("/admin/reference/term/", {"vocabulary": "sex"})
        self.assertContains(response, "not_stated")
        self.assertNotContains(response, "smuggled_migrant")

    def test_it_finds_terms_by_a_translated_label(self) -> None:
        response = self.client.get("/admin/reference/term/", {"q": "Servidumbre doméstica"})
        self.assertContains(response, "domestic_servitude")

    def test_it_finds_countries_by_their_chinese_name(self) -> None:
        response = self.client.get("/admin/reference/country/", {"q": "纳米比亚"})
        self.assertContains(response, "Namibia")

    def test_it_lists_the_countries_of_a_region(self) -> None:
        response = self.client.get("/admin/reference/country/", {"region__m49__exact": "002"})
        self.assertContains(response, "Namibia")
        self.assertNotContains(response, "Italy")

    def test_it_lists_the_iccs_codes_of_a_level(self) -> None:
        response = self.client.get("/admin/reference/iccscode/", {"level": "1"})
        self.assertContains(response, "Acts leading to death or intending to cause death")
        self.assertNotContains(response, "Serious assault")

    def test_it_keeps_the_code_of_an_existing_term_read_only(self) -> None:
        term = Term.objects.get(vocabulary="sex", code="female")
        response = self.client.get(f"/admin/reference/term/{term.pk}/change/")
        self.assertNotContains(response, 'name="code"')
        self.assertContains(response, 'name="name"')

    def test_it_shows_the_releases_without_letting_anyone_add_one(self) -> None:
        self.assertContains(self.client.get("/admin/reference/referencerelease/"), "iccs_2015")
        with self.assertLogs("django.request", "WARNING"):
            response = self.client.get("/admin/reference/referencerelease/add/")
        self.assertEqual(response.status_code, 403)
