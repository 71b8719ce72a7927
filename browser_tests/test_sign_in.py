"""A user signs in and sees the figures of what they may see, in their language."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from playwright.sync_api import expect

from browser_tests.base import BrowserTestCase
from waypoint.cases.models import Incident, Label, Person
from waypoint.orgs.models import Membership, Organisation, Role
from waypoint.web.tests.helpers import code_for, give_device

PASSWORD = "correct horse battery staple"


class SignInJourney(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        org_a = Organisation.objects.create(
            code="ORG-A", name="Organisation A", type="national_authority", country="ITA"
        )
        org_b = Organisation.objects.create(
            code="ORG-B", name="Organisation B", type="national_authority", country="GRC"
        )
        amara = User.objects.create_user("amara", password=PASSWORD)
        Membership.objects.create(user=amara, organisation=org_a, role=Role.ANALYST)
        self.device = give_device(amara)
        for number, (owner, label) in enumerate(
            [(org_a, Label.RED), (org_a, Label.AMBER), (org_b, Label.GREEN), (org_b, Label.RED)]
        ):
            incident = Incident.objects.create(
                owner=owner,
                reference=f"INC-{number}",
                label=label,
                kinds=["smuggling_of_migrants"],
                date_start=datetime.date(2023, 6, 1),
                date_precision="month",
                country="ITA",
            )
            Person.objects.create(incident=incident, role="smuggled_migrant")

    def test_it_signs_in_and_shows_the_dashboard_of_the_organisations_records(self) -> None:
        self.page.goto(self.url("/"))
        expect(self.page.get_by_role("heading", name="Sign in")).to_be_visible()
        self.sign_in("amara", PASSWORD)
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Dashboard")
        # The organisation's own records are listed; another organisation's are not.
        expect(self.page.get_by_role("link", name="INC-1")).to_be_visible()
        expect(self.page.get_by_role("link", name="INC-3")).to_have_count(0)
        self.screenshot("sign-in-home")
        self.assertEqual(self.csp_violations, [])

    def test_it_signs_in_with_a_code_from_the_authenticator_app(self) -> None:
        self.page.goto(self.url("/login/"))
        self.page.get_by_label("User name").fill("amara")
        self.page.get_by_label("Password").fill(PASSWORD)
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Two-factor sign-in")
        self.page.get_by_label("Code").fill(code_for(self.device, steps_ahead=5))
        self.page.get_by_role("button", name="Continue").click()
        expect(self.page.locator(".errorlist")).to_contain_text("This code is not valid")
        self.screenshot("sign-in-code")
        # django-otp makes a device wait a second after a wrong code.
        self.page.wait_for_timeout(1100)
        self.page.get_by_label("Code").fill(code_for(self.device))
        self.page.get_by_role("button", name="Continue").click()
        self.page.wait_for_url(self.url("/"))
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Dashboard")
        self.assertEqual(self.csp_violations, [])

    def test_it_tells_a_wrong_password(self) -> None:
        self.page.goto(self.url("/login/"))
        self.page.get_by_label("User name").fill("amara")
        self.page.get_by_label("Password").fill("wrong password")
        self.page.get_by_role("button", name="Sign in").click()
        expect(self.page.get_by_role("alert")).to_contain_text("correct username and password")

    def test_it_switches_to_arabic_right_to_left(self) -> None:
        self.sign_in("amara", PASSWORD)
        self.page.get_by_label("Language").select_option("ar")
        self.page.locator("form:has(#language) button[type=submit]").click()
        expect(self.page.locator("html")).to_have_attribute("dir", "rtl")
        expect(self.page.locator("html")).to_have_attribute("lang", "ar")
        self.screenshot("home-arabic")

    def test_it_is_usable_at_360_pixels(self) -> None:
        self.page.set_viewport_size({"width": 360, "height": 740})
        self.sign_in("amara", PASSWORD)
        width = self.page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 360)
        self.screenshot("home-360")
