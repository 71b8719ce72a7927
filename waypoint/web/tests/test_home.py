"""Signing in and the home page's figures."""

from __future__ import annotations

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
