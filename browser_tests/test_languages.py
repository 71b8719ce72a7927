"""A user reads Waypoint in each of the six UN languages; in Arabic every page runs right to left,
on a desktop screen and on a 360-pixel phone."""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from playwright.sync_api import Locator, expect

from browser_tests.base import PHONE, BrowserTestCase
from waypoint.orgs.models import Membership, Organisation, Role
from waypoint.web.tests.helpers import code_for, give_device

PASSWORD = "correct horse battery staple"
#: The six languages as the switcher names them, with the direction of their script.
LANGUAGES = {"en": "ltr", "fr": "ltr", "es": "ltr", "ar": "rtl", "ru": "ltr", "zh-hans": "ltr"}
ARABIC_LETTERS = re.compile("[\u0600-\u06ff]")


class LanguageJourney(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        org = Organisation.objects.create(
            code="ORG-A", name="Organisation A", type="national_authority", country="ITA"
        )
        amara = User.objects.create_user("amara", password=PASSWORD)
        Membership.objects.create(user=amara, organisation=org, role=Role.ANALYST)
        self.device = give_device(amara)

    def test_it_switches_to_arabic_and_lays_every_section_out_right_to_left(self) -> None:
        page = self.page
        self.sign_in("amara", PASSWORD)
        sections = self.main_navigation().evaluate_all("links => links.map(link => link.href)")
        self.assertGreaterEqual(len(sections), 2)

        self.switch_language("ar")
        self.assert_right_to_left()
        self.assertEqual(page.evaluate("getComputedStyle(document.body).direction"), "rtl")
        # The navigation starts on the right: its first link lies right of the second.
        first, second = (self.main_navigation().nth(n).bounding_box() for n in (0, 1))
        assert first is not None and second is not None
        self.assertGreater(first["x"], second["x"])
        self.screenshot("arabic-home")

        for url in sections:
            page.goto(url)
            self.assert_right_to_left()
        page.set_viewport_size(PHONE)
        for url in sections:
            page.goto(url)
            self.assert_right_to_left()
            width = page.evaluate("document.documentElement.scrollWidth")
            self.assertLessEqual(width, PHONE["width"], f"{url} overflows at 360 px")
        self.screenshot("arabic-360")

        self.switch_language("en")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
        self.assertEqual(self.csp_violations, [])

    def test_it_signs_in_in_arabic(self) -> None:
        page = self.page
        page.goto(self.url("/login/"))
        self.switch_language("ar")
        self.assert_right_to_left()
        self.assertRegex(page.locator("label[for=id_username]").inner_text(), ARABIC_LETTERS)
        self.screenshot("arabic-sign-in")
        page.locator("#id_username").fill("amara")
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form:has(#id_password) [type=submit]").click()
        page.wait_for_url(self.url("/login/code/"))
        self.assert_right_to_left()
        page.locator("input[name=code]").fill(code_for(self.device))
        page.locator("form:has(input[name=code]) [type=submit]").click()
        page.wait_for_url(self.url("/"))
        self.assert_right_to_left()
        expect(self.main_navigation().first).to_have_attribute("aria-current", "page")

    def test_it_offers_the_six_un_languages(self) -> None:
        self.sign_in("amara", PASSWORD)
        for code, direction in LANGUAGES.items():
            with self.subTest(language=code):
                self.switch_language(code)
                html = self.page.locator("html")
                expect(html).to_have_attribute("lang", code)
                expect(html).to_have_attribute("dir", direction)
                expect(self.page.locator("select[name=language]")).to_have_value(code)
                expect(self.page.get_by_role("heading", level=1)).to_have_count(1)
                self.screenshot(f"home-{code}")

    def main_navigation(self) -> Locator:
        """The links of the main navigation (the one that leads to the dashboard), whatever
        its name in the current language."""
        return self.page.locator('nav:has(a[href="/"]) a')

    def assert_right_to_left(self) -> None:
        html = self.page.locator("html")
        expect(html).to_have_attribute("lang", "ar")
        expect(html).to_have_attribute("dir", "rtl")
