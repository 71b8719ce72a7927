"""A new user sets up two-factor sign-in: scans (here: reads) the key, confirms a code, keeps the
recovery codes, and later signs in with one of them."""

from __future__ import annotations

from base64 import b32decode

from django.contrib.auth.models import User
from django_otp.oath import totp
from playwright.sync_api import expect

from browser_tests.base import BrowserTestCase
from waypoint.orgs.models import Membership, Organisation, Role

PASSWORD = "correct horse battery staple"


def code_from_key(text: str) -> str:
    """The code an authenticator app shows for the key typed in by hand."""
    key = text.replace(" ", "").upper()
    key += "=" * (-len(key) % 8)
    return f"{totp(b32decode(key)):06d}"


class TwoFactorEnrolmentJourney(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        org = Organisation.objects.create(
            code="ORG-A", name="Organisation A", type="national_authority", country="ITA"
        )
        bruno = User.objects.create_user("bruno", password=PASSWORD)
        Membership.objects.create(user=bruno, organisation=org, role=Role.REPORTER)

    def test_it_enrols_an_authenticator_app_and_signs_in_with_a_recovery_code(self) -> None:
        self.page.goto(self.url("/login/"))
        self.page.get_by_label("User name").fill("bruno")
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()

        self.page.wait_for_url(self.url("/account/two-factor/"))
        heading = self.page.get_by_role("heading", level=1)
        expect(heading).to_have_text("Set up two-factor sign-in")
        expect(self.page.locator("figure.qr-code svg")).to_be_visible()
        self.screenshot("two-factor-enrolment")
        self.page.goto(self.url("/account/"))  # nothing else opens before enrolment
        expect(heading).to_have_text("Set up two-factor sign-in")

        key = self.page.locator("#secret").inner_text()
        self.page.get_by_label("Code").fill(code_from_key(key))
        self.page.get_by_role("button", name="Confirm").click()
        expect(heading).to_have_text("Your recovery codes")
        codes = self.page.locator(".codes code").all_inner_texts()
        self.assertEqual(len(codes), 10)
        self.screenshot("two-factor-recovery-codes")
        self.page.get_by_role("link", name="continue").click()
        self.page.wait_for_url(self.url("/account/"))
        expect(self.page.get_by_role("main")).to_contain_text("You have 10 unused recovery codes")

        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_url(self.url("/login/"))
        self.page.get_by_label("User name").fill("bruno")
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.get_by_label("Code").fill(codes[0])
        self.page.get_by_role("button", name="Continue").click()
        self.page.wait_for_url(self.url("/"))
        expect(self.page.get_by_role("status")).to_contain_text("9 are left")
        self.assertEqual(self.csp_violations, [])
