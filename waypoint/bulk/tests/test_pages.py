"""The imports pages at /imports/: upload, follow the job, read and download its report."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from waypoint.audit.models import Action, AuditEvent
from waypoint.bulk.models import ImportJob, JobStatus
from waypoint.cases.models import Incident
from waypoint.orgs.models import Membership, Organisation, Role
from waypoint.test import BaseTestCase
from waypoint.web.tests.helpers import inline_code, unlabelled_fields

URL = "/imports/"
HEADER = "reference,kinds,date_start,country,person_ref,person_role,person_sex\r\n"
GOOD = HEADER + "P-1,smuggling_of_migrants,2024-01-02,ITA,M1,smuggled_migrant,female\r\n"
BAD = GOOD + "P-2,smuggling_of_migrants,2024-01-03,ITL,M1,smuggled_migrant,male\r\n"


def upload(content: str, name: str = "records.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content.encode(), content_type="text/csv")


class ImportPageTests(BaseTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.enterContext(override_settings(WAYPOINT_JOB_DIR=Path(folder.name)))
        self.client.force_login(self.bruno)

    def post(self, content: str, **fields: Any):  # type: ignore[no-untyped-def]
        data = {"format": "auto", "label": "", "file": upload(content), **fields}
        return self.client.post(URL, data)

    def last_job(self) -> ImportJob:
        job = ImportJob.objects.order_by("-pk").first()
        assert job is not None
        return job

    def test_it_imports_an_upload_and_shows_what_was_created(self) -> None:
        response = self.post(GOOD)
        job = self.last_job()
        self.assertRedirects(response, f"{URL}{job.public_id}/")
        self.assertEqual((job.status, job.created, job.created_by), ("succeeded", 1, self.bruno))
        self.assertTrue(Incident.objects.filter(owner=self.org_a, reference="P-1").exists())
        page = self.client.get(response["Location"])
        self.assertContains(page, "Imported: every row was accepted.")
        self.assertContains(
            page, '<span class="stat-value">1</span><span class="stat-label">Created</span>'
        )
        self.assertNotContains(page, "hx-get")
        self.assertEqual(page.content.count(b"<h1"), 1)

    def test_it_shows_every_problem_with_its_row_column_and_accepted_values(self) -> None:
        response = self.post(BAD)
        job = self.last_job()
        self.assertEqual((job.status, job.rejected), (JobStatus.REJECTED, 1))
        self.assertFalse(Incident.objects.filter(owner=self.org_a).exists())
        page = self.client.get(response["Location"])
        self.assertContains(page, "Nothing was written: 1 record was rejected.")
        problem = page.context["problems"][0]
        self.assertEqual(
            (problem["row"], problem["column"], problem["value"]), (3, "country", "ITL")
        )
        self.assertIn("ITA", problem["accepted"])
        self.assertContains(page, "<code>ITL</code>", html=True)
        report = self.client.get(f"{URL}{job.public_id}/errors.csv")
        self.assertEqual(report["Content-Type"], "text/csv; charset=utf-8")
        content = b"".join(report.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        self.assertTrue(content.startswith("file,sheet,row,column,value,reason,accepted"))
        self.assertIn("records.csv,,3,country,ITL,", content)

    def test_it_imports_the_corrected_file_after_a_rejected_one(self) -> None:
        self.post(BAD)
        self.post(BAD.replace(",ITL,", ",ITA,"))
        job = self.last_job()
        self.assertEqual((job.status, job.created, job.rejected), (JobStatus.SUCCEEDED, 2, 0))
        self.assertEqual(Incident.objects.filter(owner=self.org_a).count(), 2)

    def test_it_checks_a_file_without_writing_in_a_dry_run(self) -> None:
        page = self.client.get(self.post(GOOD, dry_run="on")["Location"])
        self.assertTrue(self.last_job().dry_run)
        self.assertContains(page, "Checked only: every row would be accepted. Nothing was written.")
        self.assertContains(page, "Would be created")
        self.assertFalse(Incident.objects.exists())

    def test_it_writes_the_valid_records_when_asked_and_offers_the_rejected_rows(self) -> None:
        response = self.post(BAD, accept_valid="on")
        job = self.last_job()
        self.assertEqual((job.status, job.created, job.rejected), (JobStatus.SUCCEEDED, 1, 1))
        page = self.client.get(response["Location"])
        self.assertContains(page, "The valid records were imported; 1 record was rejected")
        # The job kept the rejected row, with its reason, to fix and import again.
        self.assertContains(page, f"{URL}{job.public_id}/rejected/")
        download = self.client.get(f"{URL}{job.public_id}/rejected/")
        self.assertEqual(download.status_code, 200)
        self.assertIn('filename="records.rejected.csv"', download["Content-Disposition"])
        content = b"".join(download.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
        self.assertIn("ITL", content)
        self.assertIn("errors", content.splitlines()[0])

    def test_it_has_no_rejected_rows_to_offer_for_an_all_or_nothing_import(self) -> None:
        self.post(BAD)
        job = self.last_job()
        (job.directory / f"{job.public_id}.rejected.csv").write_text("reference\r\n")
        self.assertEqual(self.client.get(f"{URL}{job.public_id}/rejected/").status_code, 404)

    def test_it_pages_a_long_report(self) -> None:
        rows = "".join(
            f"Q-{n},smuggling_of_migrants,2024-01-02,XX{n},M1,smuggled_migrant,male\r\n"
            for n in range(60)
        )
        location = self.post(HEADER + rows)["Location"]
        first = self.client.get(location)
        self.assertEqual(len(first.context["problems"]), 50)
        self.assertContains(first, "?page=2")
        second = self.client.get(f"{location}?page=2")
        self.assertEqual([p["row"] for p in second.context["problems"]], list(range(52, 62)))

    def test_it_reads_a_page_of_a_long_report_in_a_fixed_number_of_queries(self) -> None:
        short = self.post(BAD)["Location"]
        self.client.get(short)
        # The session, the user, the device, the roles behind the navigation, the recording
        # organisations and their roles, and the job; the report is a file.
        with self.assertNumQueries(7) as few:
            self.client.get(short)
        count = len(few.captured_queries)
        rows = "".join(
            f"Q-{n},smuggling_of_migrants,2024-01-02,XX{n},M1,smuggled_migrant,male\r\n"
            for n in range(120)
        )
        long = self.post(HEADER + rows)["Location"]
        with self.assertNumQueries(count):
            self.client.get(f"{long}?page=2")

    def test_it_tells_why_an_upload_was_refused(self) -> None:
        with override_settings(WAYPOINT_IMPORT_MAX_BYTES=20):
            response = self.post(GOOD)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "the file is larger than")
        self.assertContains(self.client.post(URL, {"format": "auto"}), "This field is required.")

    def test_it_fails_a_file_that_is_not_a_table_and_says_why(self) -> None:
        data = {"format": "auto", "file": upload("a,b\r\n", name="records.xls")}
        page = self.client.get(self.client.post(URL, data)["Location"])
        self.assertEqual(self.last_job().status, JobStatus.FAILED)
        self.assertContains(page, "The file could not be imported; nothing was written.")

    def test_it_records_the_import_in_the_audit_log(self) -> None:
        self.post(GOOD)
        event = AuditEvent.objects.filter(action=Action.IMPORT).get()
        self.assertEqual((event.actor, event.organisation), (self.bruno, self.org_a))


class JobProgressTests(BaseTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.enterContext(override_settings(WAYPOINT_JOB_DIR=Path(folder.name)))
        self.client.force_login(self.bruno)
        self.job = ImportJob.objects.create(
            organisation=self.org_a, created_by=self.bruno, file_name="big.csv", status="running"
        )
        self.job.directory.mkdir(parents=True, exist_ok=True)
        self.job.progress_path.write_text('{"rows_read": 1500, "rows_expected": 4000}')

    def test_it_polls_the_progress_of_a_running_import(self) -> None:
        page = self.client.get(f"{URL}{self.job.public_id}/")
        self.assertContains(page, f'hx-get="{URL}{self.job.public_id}/progress/"')
        self.assertContains(page, 'hx-trigger="every 1s"')
        self.assertContains(page, f'<a href="{URL}{self.job.public_id}/">Refresh</a>', html=True)
        self.assertContains(page, "1500 of 4000 rows read.")
        self.assertContains(page, 'max="4000" value="1500"')
        self.assertNotIn("problems", page.context)

    def test_its_fragment_shows_the_rows_read_so_far(self) -> None:
        fragment = self.client.get(
            f"{URL}{self.job.public_id}/progress/", headers={"HX-Request": "true"}
        )
        self.assertContains(fragment, "1500 of 4000 rows read.")
        self.assertNotIn("HX-Refresh", fragment)
        self.assertNotContains(fragment, "<h1")

    def test_its_fragment_reloads_the_page_when_the_import_ends(self) -> None:
        ImportJob.objects.filter(pk=self.job.pk).update(status=JobStatus.SUCCEEDED, rows_read=4000)
        fragment = self.client.get(
            f"{URL}{self.job.public_id}/progress/", headers={"HX-Request": "true"}
        )
        self.assertEqual(fragment["HX-Refresh"], "true")

    def test_it_says_a_queued_import_waits(self) -> None:
        ImportJob.objects.filter(pk=self.job.pk).update(status=JobStatus.QUEUED)
        self.assertContains(self.client.get(f"{URL}{self.job.public_id}/"), "waits for its turn")


class ImportListTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.bruno)

    def job(self, organisation: Organisation, name: str = "a.csv") -> ImportJob:
        creator = self.bruno if organisation == self.org_a else self.chen
        return ImportJob.objects.create(
            organisation=organisation, created_by=creator, file_name=name
        )

    def test_it_lists_the_recent_imports_of_the_users_organisations(self) -> None:
        self.job(self.org_a, "ours.csv")
        self.job(self.org_b, "theirs.csv")
        response = self.client.get(URL)
        self.assertContains(response, "ours.csv")
        self.assertNotContains(response, "theirs.csv")

    def test_it_keeps_the_number_of_queries_fixed(self) -> None:
        self.job(self.org_a)
        self.client.get(URL)
        with self.assertNumQueries(10) as first:
            self.client.get(URL)
        for number in range(30):
            self.job(self.org_a, f"{number}.csv")
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get(URL)

    def test_it_pages_the_imports(self) -> None:
        for number in range(25):
            self.job(self.org_a, f"file-{number:02}.csv")
        first = self.client.get(URL)
        self.assertContains(first, "file-24.csv")
        self.assertNotContains(first, "file-04.csv")
        self.assertContains(self.client.get(f"{URL}?page=2"), "file-04.csv")

    def test_it_offers_no_choice_of_organisation_to_who_records_for_one(self) -> None:
        self.assertNotContains(self.client.get(URL), 'name="organisation"')

    def test_it_imports_for_the_organisation_chosen(self) -> None:
        Membership.objects.create(user=self.bruno, organisation=self.org_b, role=Role.REPORTER)
        self.assertContains(self.client.get(URL), '<option value="ORG-B">')
        with tempfile.TemporaryDirectory() as folder, override_settings(WAYPOINT_JOB_DIR=folder):
            self.client.post(URL, {"organisation": "ORG-B", "format": "auto", "file": upload(GOOD)})
        self.assertTrue(Incident.objects.filter(owner=self.org_b, reference="P-1").exists())

    def test_it_refuses_an_organisation_the_user_does_not_record_for(self) -> None:
        Membership.objects.create(user=self.bruno, organisation=self.org_b, role=Role.ANALYST)
        response = self.client.post(URL, {"organisation": "ORG-B", "file": upload(GOOD)})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ImportJob.objects.exists())

    def test_it_serves_the_template_as_csv_and_xlsx(self) -> None:
        csv = self.client.get(f"{URL}template/csv/")
        self.assertEqual(csv["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn(b"EX-2024-001", csv.content)
        xlsx = self.client.get(f"{URL}template/xlsx/")
        self.assertTrue(xlsx.content.startswith(b"PK"))
        self.assertIn("waypoint-import-template.xlsx", xlsx["Content-Disposition"])
        self.assertEqual(self.client.get(f"{URL}template/ods/").status_code, 404)

    def test_it_hides_another_organisations_import(self) -> None:
        theirs = self.job(self.org_b)
        for suffix in ("", "progress/", "errors.csv", "rejected/"):
            with self.subTest(suffix=suffix):
                self.assertEqual(
                    self.client.get(f"{URL}{theirs.public_id}/{suffix}").status_code, 404
                )

    def test_it_does_not_exist_for_who_records_for_no_organisation(self) -> None:
        for user in (self.amara, self.chen, self.dana, self.eve):
            self.client.force_login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(URL).status_code, 404)
                self.assertEqual(self.client.get(f"{URL}template/csv/").status_code, 404)

    def test_it_sends_a_signed_out_visitor_to_sign_in(self) -> None:
        self.client.logout()
        self.assertRedirects(
            self.client.get(URL), f"/login/?next={URL}", fetch_redirect_response=False
        )

    def test_its_pages_have_one_h1_labelled_fields_and_no_inline_code(self) -> None:
        job = self.job(self.org_a)
        ImportJob.objects.filter(pk=job.pk).update(
            status=JobStatus.REJECTED,
            error_count=1,
            errors=[
                {
                    "file": "a.csv",
                    "sheet": "",
                    "row": 2,
                    "column": "country",
                    "value": "X",
                    "reason": "no",
                    "accepted": "ITA",
                }
            ],
        )
        for url in (URL, f"{URL}{job.public_id}/"):
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                self.assertEqual(html.count("<h1"), 1)
                self.assertEqual(unlabelled_fields(html), [])
                self.assertEqual(inline_code(html), [])
