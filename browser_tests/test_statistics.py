"""An analyst reads the key figures on the dashboard, opens a standard table, narrows it to a
year, reads a suppressed figure, downloads the table and reads it again in Arabic on a phone."""

from __future__ import annotations

import datetime
import re

from django.contrib.auth.models import User
from playwright.sync_api import expect

from browser_tests.base import BrowserTestCase
from waypoint.cases.models import Incident, Label
from waypoint.orgs.models import Membership, Organisation, Role
from waypoint.web.tests.helpers import give_device

PASSWORD = "correct horse battery staple"
TABLE = "Incidents by the kinds of crime they combine, and year"


class StatisticsJourney(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        org_a = Organisation.objects.create(
            code="ORG-A", name="Organisation A", type="national_authority", country="ITA"
        )
        amara = User.objects.create_user("amara", password=PASSWORD)
        Membership.objects.create(user=amara, organisation=org_a, role=Role.ANALYST)
        give_device(amara)
        # 2024: eight smuggling incidents, two of trafficking and two of violence (too few to
        # show); 2023: six smuggling incidents.
        records = [("smuggling_of_migrants", 2024)] * 8 + [("smuggling_of_migrants", 2023)] * 6
        records += [("trafficking_in_persons", 2024), ("violence_against_migrants", 2024)] * 2
        for number, (kind, year) in enumerate(records):
            Incident.objects.create(
                owner=org_a,
                reference=f"INC-{number}",
                label=Label.RED,
                kinds=[kind],
                date_start=datetime.date(year, 6, 1),
                date_precision="month",
                country="ITA",
                migrants_involved=10,
            )

    def test_it_reads_a_table_from_the_dashboard_and_downloads_it(self) -> None:
        page = self.page
        self.sign_in("amara", PASSWORD)
        expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard")
        expect(page.locator(".stat").first).to_contain_text("12")  # incidents in 2024
        page.wait_for_load_state("networkidle", timeout=60_000)  # the charts
        self.screenshot("dashboard")

        page.get_by_role("navigation", name="Main").get_by_role("link", name="Statistics").click()
        page.get_by_role("link", name=TABLE).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(TABLE)
        page.get_by_label("From", exact=True).fill("2024")
        page.get_by_label("To", exact=True).fill("2024")
        page.get_by_role("button", name="Show the figures").click()
        expect(page.get_by_role("row", name=re.compile("^Smuggling of migrants"))).to_contain_text(
            "8"
        )
        trafficking = page.get_by_role("row", name=re.compile("^Trafficking in persons"))
        expect(trafficking).to_contain_text("suppressed")
        chart = page.locator("figure.chart img")
        chart.scroll_into_view_if_needed()
        # Drawn on the server on first request (a second or two, more on a busy machine).
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0",
            arg=chart.element_handle(),
            timeout=60_000,
        )
        with page.expect_download() as download:
            page.get_by_role("link", name="Table as CSV").click()
        self.assertEqual(download.value.suggested_filename, "crime_links_year.csv")
        self.screenshot("statistics-table")

        page.set_viewport_size({"width": 360, "height": 800})
        page.get_by_label("Language").select_option("ar")
        page.get_by_role("button", name="Change").click()
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        self.assertTrue(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))
        self.screenshot("statistics-table-ar-360")
        self.assertEqual(self.csp_violations, [])
