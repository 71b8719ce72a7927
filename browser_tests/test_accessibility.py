"""Every staff page, as the demo personas reach it, passes axe-core's WCAG 2.0, 2.1 and 2.2 A and
AA checks without a serious or critical violation, in English and in Arabic, at desktop width and
on a 360-pixel phone; in Arabic it is laid out right to left, and on the phone nothing is wider
than the screen.

The pages are not listed here: each persona starts at the dashboard and follows the links of the
site two steps deep (the main navigation and the account menu, then the links of the pages they
lead to), so a section joins the check when it joins the navigation. One page of each kind (URL
name) is checked per run; the dashboard once per persona, since it differs by role.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import override_settings
from django.urls import Resolver404, resolve
from playwright.sync_api import ViewportSize

from browser_tests.base import DESKTOP, PHONE, BrowserTestCase
from waypoint.bulk.models import ImportJob, JobStatus
from waypoint.demo.personas import DEMO_PASSWORD
from waypoint.orgs.models import Organisation
from waypoint.web.tests.helpers import give_device

#: Demo users, one per kind of staff member: analysts of two partner organisations, a reporting
#: officer, a user without an organisation, the platform administrator, an organisation
#: administrator and an auditor.
PERSONAS = ("amara", "bruno", "chen", "dana", "eve", "marco", "lucia")
#: Not visited: the API and Django's own administration (sites of their own), signing out and
#: in, switching language (a form) and static files.
NOT_VISITED = ("/api/", "/admin/", "/logout/", "/login/", "/i18n/", "/static/")
#: How many links deep from the dashboard.
DEPTH = 2


class PageWalk(BrowserTestCase):
    """Demo data, and the walk through the pages the personas reach."""

    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.enterContext(override_settings(WAYPOINT_JOB_DIR=Path(folder.name)))
        call_command("demo", incidents=40, seed=1, verbosity=0, stdout=io.StringIO())
        for username in PERSONAS:
            give_device(User.objects.get(username=username))
        ImportJob.objects.create(
            organisation=Organisation.objects.get(code="ITA-POL"),
            created_by=User.objects.get(username="bruno"),
            file_name="landings.csv",
            status=JobStatus.SUCCEEDED,
            rows_read=2,
            created=2,
        )

    def check_every_page(self, language: str, viewport: ViewportSize) -> None:
        checked: dict[str, str] = {}
        for username in PERSONAS:
            self.open_context(viewport)
            self.sign_in(username, DEMO_PASSWORD)
            if language != "en":
                self.switch_language(language)
            self.check_pages_of(username, language, viewport, checked)
        # The walk reached the records, the account and every role's sections.
        for kind in ("incident_list", "incident_detail", "account", "import_list", "audit:events"):
            self.assertIn(kind, checked)

    def check_pages_of(
        self, username: str, language: str, viewport: ViewportSize, checked: dict[str, str]
    ) -> None:
        """Check the pages the user reaches from the dashboard that are of a kind not checked
        yet; note them in ``checked`` (kind: address)."""
        level, refused = ["/"], set()
        for _ in range(DEPTH + 1):
            following = []
            for link in level:
                asked = self.kind(link, username)
                if asked in checked or asked in refused:
                    continue
                path, status, is_page = self.fetch(link)
                kind = self.kind(path, username)  # after a redirect, maybe another kind
                if kind in checked:
                    continue
                with self.subTest(persona=username, page=link, check="link"):
                    self.assertEqual(status, 200, f"{username} is shown a link to {link}")
                if status != 200:
                    refused.add(asked)  # another persona may reach this kind of page
                    continue
                checked[asked] = checked[kind] = path
                if is_page:
                    self.check_page(path, kind, username, language, viewport)
                    following += self.site_links()
            level = following

    def check_page(
        self, path: str, kind: str, username: str, language: str, viewport: ViewportSize
    ) -> None:
        self.csp_violations.clear()
        self.page.goto(self.url(path))
        with self.subTest(persona=username, page=path, check="layout"):
            self.assertEqual(self.layout_problems(language, viewport), [])
        with self.subTest(persona=username, page=path, check="axe"):
            self.assert_accessible(f"a11y-{language}-{viewport['width']}-{kind.replace(':', '-')}")

    def layout_problems(self, language: str, viewport: ViewportSize) -> list[str]:
        problems = [f"refused by the CSP: {message}" for message in self.csp_violations]
        html = self.page.locator("html")
        if language == "ar":
            for attribute, wanted in (("lang", "ar"), ("dir", "rtl")):
                value = html.get_attribute(attribute)
                if value != wanted:
                    problems.append(f'<html {attribute}="{value}">, not "{wanted}"')
        widths = self.page.evaluate(
            "() => [document.documentElement.scrollWidth, window.innerWidth]"
        )
        if viewport["width"] < DESKTOP["width"] and widths[0] > widths[1]:
            problems.append(f"the page is {widths[0]} px wide on a {widths[1]} px screen")
        return problems

    def fetch(self, path: str) -> tuple[str, int, bool]:
        """Where ``path`` leads after any redirect, the status of the answer there, and whether
        it is a page (not a download)."""
        response = self.context.request.get(self.url(path))
        try:
            target = urlsplit(response.url)
            kind = response.headers.get("content-type", "")
            download = "attachment" in response.headers.get("content-disposition", "")
            where = target.path + (f"?{target.query}" if target.query else "")
            return where, response.status, kind.startswith("text/html") and not download
        finally:
            response.dispose()

    def site_links(self) -> list[str]:
        """The addresses within the site that the current page links to."""
        hrefs = self.page.evaluate(
            "() => Array.from(document.querySelectorAll('a[href], area[href]'), a => a.href)"
        )
        links = []
        for href in hrefs:
            target = urlsplit(href)
            if f"{target.scheme}://{target.netloc}" != self.live_server_url:
                continue
            if target.path.startswith(NOT_VISITED):
                continue
            links.append(target.path + (f"?{target.query}" if target.query else ""))
        return links

    @staticmethod
    def kind(path: str, username: str) -> str:
        try:
            name = resolve(urlsplit(path).path).view_name
        except Resolver404:
            return path
        return f"{name}-{username}" if name == "home" else name


# Two classes, so that a parallel run can share the work between two processes.
class EnglishAccessibilityTests(PageWalk):
    def test_english_pages_are_accessible_at_desktop_width(self) -> None:
        self.check_every_page("en", DESKTOP)

    def test_english_pages_are_accessible_at_360_pixels(self) -> None:
        self.check_every_page("en", PHONE)


class ArabicAccessibilityTests(PageWalk):
    def test_arabic_pages_are_accessible_and_right_to_left_at_desktop_width(self) -> None:
        self.check_every_page("ar", DESKTOP)

    def test_arabic_pages_are_accessible_and_right_to_left_at_360_pixels(self) -> None:
        self.check_every_page("ar", PHONE)
