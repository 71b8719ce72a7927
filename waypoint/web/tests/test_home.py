"""Signing in and the home page's figures."""

from __future__ import annotations

import datetime

from django.urls import reverse

from waypoint.cases.models import Label, Person
from waypoint.test import BaseTestCase


class LoginTests(BaseTestCase):
    def test_it_sends_a_signed_out_visitor_to_the_login_page(self) -> None:
        response = self.client.get("/")
        self.assertRedirects(response, "/login/?next=/")

    def test_it_refuses_a_wrong_password_with_a_message(self) -> None:
        response = self.client.post("/login/", {"username": "amara", "password": "nope"})
        self.assertContains(response, "Please enter a correct username and password")

    def test_it_has_one_h1(self) -> None:
        response = self.client.get("/login/")
        self.assertEqual(response.content.count(b"<h1"), 1)


class HomeTests(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        own = cls.incident(cls.org_a, "A-1", date_start=datetime.date(2023, 3, 1))
        Person.objects.create(incident=own, role="smuggled_migrant")
        Person.objects.create(incident=own, role="offender")
        cls.incident(
            cls.org_a, "A-2", date_start=datetime.date(2024, 3, 1), kinds=["trafficking_in_persons"]
        )
        secret = cls.incident(cls.org_b, "B-1", date_start=datetime.date(2024, 1, 1))
        Person.objects.create(incident=secret, role="offender")
        shared = cls.incident(
            cls.org_b,
            "B-2",
            label=Label.GREEN,
            date_start=datetime.date(2024, 2, 1),
            kinds=["trafficking_in_persons"],
        )
        Person.objects.create(incident=shared, role="victim")

    def rows(self, user):  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        return {row.year: row for row in response.context["rows"]}

    def test_it_counts_own_records_and_those_shared_with_all(self) -> None:
        rows = self.rows(self.amara)
        self.assertEqual(rows[2023].incidents, 1)
        self.assertEqual(rows[2023].smuggled_migrants, 1)
        self.assertEqual(rows[2023].offenders, 1)
        self.assertEqual(rows[2024].incidents, 2)  # own A-2 and B's GREEN B-2
        self.assertEqual(rows[2024].victims, 1)
        self.assertEqual(rows[2024].offenders, 0)  # B-1 is RED

    def test_it_shows_another_organisation_only_its_own_and_shared_records(self) -> None:
        rows = self.rows(self.chen)
        self.assertEqual(set(rows), {2024})
        self.assertEqual(rows[2024].incidents, 2)
        self.assertEqual(rows[2024].offenders, 1)

    def test_it_shows_nothing_to_a_user_without_organisation(self) -> None:
        self.assertEqual(self.rows(self.dana), {})

    def test_it_shows_no_case_content_to_the_platform_administrator(self) -> None:
        self.assertEqual(self.rows(self.eve), {})

    def test_it_renders_the_counts_in_a_table(self) -> None:
        self.client.force_login(self.amara)
        response = self.client.get("/")
        self.assertContains(response, '<th scope="row">2023</th>', html=False)
        self.assertEqual(response.content.count(b"<h1"), 1)

    def test_it_keeps_the_number_of_queries_fixed(self) -> None:
        self.client.force_login(self.amara)
        self.client.get("/")
        # The session, the user and the device that confirmed the session, the roles behind the
        # navigation, then the page's own.
        with self.assertNumQueries(7):
            self.client.get("/")
