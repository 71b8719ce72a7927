"""A reporting officer imports a file with a bad row, reads the problem, fixes it and imports."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.models import User
from django.test import override_settings
from playwright.sync_api import FilePayload, expect

from browser_tests.base import BrowserTestCase
from waypoint.bulk.models import ImportJob, JobStatus
from waypoint.cases.models import Incident
from waypoint.orgs.models import Membership, Organisation, Role
from waypoint.web.tests.helpers import give_device

PASSWORD = "correct horse battery staple"
HEADER = "reference,kinds,date_start,country,place,person_ref,person_role,person_sex\n"
FIRST = "BT-1,smuggling_of_migrants,2024-03-12,ITA,Lampedusa,M1,smuggled_migrant,female\n"
BAD = "BT-2,smuggling_of_migrants,2024-04-02,ITL,Pozzallo,M1,smuggled_migrant,male\n"


def csv_file(content: str) -> FilePayload:
    return {"name": "landings.csv", "mimeType": "text/csv", "buffer": content.encode()}


class ImportJourney(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.enterContext(override_settings(WAYPOINT_JOB_DIR=Path(folder.name)))
        self.org = Organisation.objects.create(
            code="ORG-A", name="Organisation A", type="national_authority", country="ITA"
        )
        self.bruno = User.objects.create_user("bruno", password=PASSWORD)
        Membership.objects.create(user=self.bruno, organisation=self.org, role=Role.REPORTER)
        give_device(self.bruno)

    def upload(self, content: str) -> None:
        self.page.goto(self.url("/imports/"))
        self.page.get_by_label("File", exact=True).set_input_files(csv_file(content))
        self.page.get_by_role("button", name="Upload and import").click()
        expect(self.page.get_by_role("heading", name="Outcome")).to_be_visible()

    def test_it_shows_the_bad_row_and_imports_the_fixed_file(self) -> None:
        self.sign_in("bruno", PASSWORD)
        self.page.get_by_role("link", name="Imports").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text("Imports")
        self.screenshot("imports-page")

        self.upload(HEADER + FIRST + BAD)
        expect(self.page.locator(".outcome")).to_contain_text(
            "Nothing was written: 1 record was rejected."
        )
        problem = self.page.get_by_role("row").filter(has_text="ITL")
        expect(problem.get_by_role("cell").nth(2)).to_have_text("3")  # the row, as a sheet shows
        expect(problem.get_by_role("cell").nth(3)).to_have_text("country")
        expect(problem).to_contain_text("is not a country this system knows")
        expect(problem.get_by_role("cell").nth(6)).to_contain_text("ITA")
        expect(self.page.get_by_role("link", name="Download the problem as CSV")).to_be_visible()
        self.screenshot("imports-rejected")
        self.assertFalse(Incident.objects.exists())

        self.page.get_by_role("link", name="Import a file").click()
        self.upload(HEADER + FIRST + BAD.replace(",ITL,", ",ITA,"))
        expect(self.page.locator(".outcome")).to_have_text("Imported: every row was accepted.")
        expect(self.page.locator("ul.counts")).to_contain_text("Created")
        self.screenshot("imports-created")
        self.assertEqual(
            sorted(Incident.objects.values_list("reference", flat=True)), ["BT-1", "BT-2"]
        )
        self.page.locator(".breadcrumbs").get_by_role("link", name="Imports").click()
        expect(self.page.get_by_role("row").filter(has_text="landings.csv")).to_have_count(2)
        self.assertEqual(self.csp_violations, [])

    def test_it_follows_a_running_import_until_it_ends(self) -> None:
        job = ImportJob.objects.create(
            organisation=self.org, created_by=self.bruno, file_name="big.csv", status="running"
        )
        job.directory.mkdir(parents=True, exist_ok=True)
        job.progress_path.write_text('{"rows_read": 1500, "rows_expected": 6000}')
        self.sign_in("bruno", PASSWORD)
        self.page.goto(self.url(f"/imports/{job.public_id}/"))
        expect(self.page.locator("#job-progress")).to_contain_text("1500 of 6000 rows read.")
        job.progress_path.write_text('{"rows_read": 4500, "rows_expected": 6000}')
        expect(self.page.locator("#job-progress")).to_contain_text("4500 of 6000 rows read.")
        self.screenshot("imports-progress")
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.SUCCEEDED, rows_read=6000, created=3000
        )
        expect(self.page.get_by_role("heading", name="Outcome")).to_be_visible()
        expect(self.page.locator(".outcome")).to_have_text("Imported: every row was accepted.")
        self.assertEqual(self.csp_violations, [])

    def test_it_shows_the_problems_at_360_pixels_in_arabic(self) -> None:
        self.page.set_viewport_size({"width": 360, "height": 740})
        self.sign_in("bruno", PASSWORD)
        self.page.get_by_label("Language").select_option("ar")
        self.page.locator("form:has(#language) button[type=submit]").click()
        expect(self.page.locator("html")).to_have_attribute("dir", "rtl")
        self.page.goto(self.url("/imports/"))
        self.page.locator("#id_file").set_input_files(csv_file(HEADER + BAD))
        self.page.locator("form.import-form button[type=submit]").click()
        expect(self.page.locator("table.problems")).to_contain_text("ITL")
        width = self.page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 360)
        self.screenshot("imports-rejected-arabic-360")
