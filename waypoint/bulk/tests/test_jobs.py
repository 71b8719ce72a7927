"""Import jobs: an upload becomes a job that is run, reports its outcome and cleans up."""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from waypoint.analytics.models import SummaryRow
from waypoint.analytics.statistics import summary
from waypoint.bulk.jobs import JobRefused, jobs_for, run_job, submit_import
from waypoint.bulk.models import ImportJob, JobStatus
from waypoint.bulk.template import write_template
from waypoint.cases.models import Incident
from waypoint.orgs.access import AccessDenied
from waypoint.test import BaseTestCase

GOOD = b"reference,kinds,date_start,country\r\nJ-1,smuggling_of_migrants,2024-01-02,ITA\r\n"
BAD = b"reference,kinds,date_start,country\r\nJ-1,smuggling_of_migrants,2024-01-02,ITL\r\n"


class JobTests(BaseTestCase):
    def setUp(self) -> None:
        self.folder = tempfile.TemporaryDirectory()
        self.addCleanup(self.folder.cleanup)
        self.enterContext(override_settings(WAYPOINT_JOB_DIR=Path(self.folder.name)))

    def submit(self, content: bytes, **options: object) -> ImportJob:
        return submit_import(
            actor=self.bruno,
            organisation=self.org_a,
            upload=io.BytesIO(content),
            file_name="upload.csv",
            **options,  # type: ignore[arg-type]
        )

    def test_it_runs_an_inline_job_and_records_its_counts(self) -> None:
        job = self.submit(GOOD)
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.SUCCEEDED)
        self.assertEqual((job.created, job.rejected, job.rows_read), (1, 0, 1))
        self.assertEqual(job.detected_format, "waypoint")
        self.assertTrue(Incident.objects.filter(owner=self.org_a, reference="J-1").exists())

    def test_it_removes_the_upload_when_the_job_ends(self) -> None:
        job = self.submit(GOOD)
        job.refresh_from_db()
        self.assertFalse(Path(job.stored_path).exists())
        self.assertFalse(job.progress_path.exists())

    def test_it_keeps_the_problems_and_a_csv_report_of_a_rejected_job(self) -> None:
        job = self.submit(BAD)
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.REJECTED)
        self.assertEqual(job.error_count, 1)
        self.assertEqual(job.errors[0]["column"], "country")
        self.assertEqual(job.errors[0]["row"], 2)
        self.assertIn("ITA", job.errors[0]["accepted"])
        report = job.report_path.read_text(encoding="utf-8-sig")
        self.assertIn("ITL", report)
        self.assertFalse(Incident.objects.filter(reference="J-1").exists())

    def test_it_counts_the_statistics_summary_of_what_it_wrote(self) -> None:
        self.submit(GOOD)
        self.assertEqual(summary.stale_owners(), [])
        self.assertTrue(SummaryRow.objects.filter(owner=self.org_a).exists())

    def test_the_worker_counts_the_summary_of_records_written_elsewhere(self) -> None:
        self.submit(GOOD)
        Incident.objects.filter(reference="J-1").update(label="green")
        self.assertEqual(summary.stale_owners(), [self.org_a.pk])
        call_command("work_jobs", "--once", stdout=io.StringIO())
        self.assertEqual(summary.stale_owners(), [])

    def test_it_writes_nothing_for_a_dry_run(self) -> None:
        job = self.submit(GOOD, dry_run=True)
        job.refresh_from_db()
        self.assertEqual((job.status, job.created), (JobStatus.SUCCEEDED, 1))
        self.assertFalse(Incident.objects.filter(reference="J-1").exists())

    def test_it_fails_a_job_whose_file_is_not_a_table(self) -> None:
        job = self.submit(b"")
        job.refresh_from_db()
        self.assertEqual(job.status, JobStatus.FAILED)
        self.assertIn("empty", job.message)

    def test_it_refuses_an_unknown_format(self) -> None:
        with self.assertRaises(JobRefused):
            self.submit(GOOD, format="spreadsheet")

    def test_it_refuses_an_upload_over_the_size_limit(self) -> None:
        with override_settings(WAYPOINT_IMPORT_MAX_BYTES=10), self.assertRaises(JobRefused):
            self.submit(GOOD)
        self.assertEqual(list(Path(self.folder.name).glob("*.upload*")), [])

    def test_it_refuses_an_analyst(self) -> None:
        with self.assertRaises(AccessDenied):
            submit_import(
                actor=self.amara,
                organisation=self.org_a,
                upload=io.BytesIO(GOOD),
                file_name="upload.csv",
            )
        self.assertFalse(ImportJob.objects.exists())

    def test_it_shows_jobs_only_to_recorders_of_their_organisation(self) -> None:
        job = self.submit(GOOD)
        self.assertEqual(list(jobs_for(self.bruno)), [job])
        self.assertEqual(list(jobs_for(self.amara)), [])
        self.assertEqual(list(jobs_for(self.chen)), [])
        self.assertEqual(list(jobs_for(self.dana)), [])

    def test_the_worker_runs_queued_jobs(self) -> None:
        with override_settings(WAYPOINT_JOB_RUNNER="worker"):
            job = self.submit(write_template("csv"))
        self.assertEqual(job.status, JobStatus.QUEUED)
        call_command("work_jobs", "--once", stdout=io.StringIO())
        job.refresh_from_db()
        self.assertEqual((job.status, job.created), (JobStatus.SUCCEEDED, 3))

    def test_a_job_runs_once(self) -> None:
        job = self.submit(GOOD)
        run_job(job)
        job.refresh_from_db()
        self.assertEqual(job.created, 1)
        self.assertEqual(Incident.objects.filter(reference="J-1").count(), 1)

    def test_the_template_imports_cleanly(self) -> None:
        for name in ("csv", "xlsx"):
            with self.subTest(name):
                job = submit_import(
                    actor=self.bruno,
                    organisation=self.org_a,
                    upload=io.BytesIO(write_template(name)),
                    file_name=f"template.{name}",
                    dry_run=True,
                )
                job.refresh_from_db()
                self.assertEqual((job.status, job.created, job.rejected), ("succeeded", 3, 0))

    def test_it_keeps_a_report_of_a_file_with_nul_characters(self) -> None:
        job = self.submit(b"reference,country\r\nN\x00UL-1,IT\x00A\r\n")
        job.refresh_from_db()
        self.assertIn(job.status, (JobStatus.REJECTED, JobStatus.FAILED))
        self.assertNotIn("\x00", json.dumps(job.errors) + job.message)


class TemplateDocTests(BaseTestCase):
    def test_the_template_in_the_docs_is_the_one_the_api_serves(self) -> None:
        shipped = Path(__file__).resolve().parents[3] / "docs/formats/waypoint-import-template.csv"
        self.assertEqual(shipped.read_bytes(), write_template("csv"))


class StaleJobTests(BaseTestCase):
    def test_it_fails_a_running_job_whose_process_died(self) -> None:
        from waypoint.bulk.jobs import STALE_AFTER, reap_stale

        with (
            tempfile.TemporaryDirectory() as folder,
            override_settings(WAYPOINT_JOB_DIR=Path(folder)),
        ):
            started = timezone.now() - STALE_AFTER * 2
            dead = ImportJob.objects.create(
                organisation=self.org_a,
                created_by=self.bruno,
                file_name="big.csv",
                status=JobStatus.RUNNING,
                started_at=started,
            )
            alive = ImportJob.objects.create(
                organisation=self.org_a,
                created_by=self.bruno,
                file_name="other.csv",
                status=JobStatus.RUNNING,
                started_at=started,
            )
            alive.progress_path.write_text('{"rows_read": 10, "rows_expected": 100}')
            self.assertEqual(reap_stale(), 1)
            dead.refresh_from_db()
            alive.refresh_from_db()
            self.assertEqual((dead.status, alive.status), (JobStatus.FAILED, JobStatus.RUNNING))
            self.assertIn("import the file again", dead.message)
