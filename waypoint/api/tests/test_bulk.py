"""``/imports`` and ``/exports``: upload → job → status and error report; exports of what the
token's user may see."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from waypoint.api.tests.base import ApiTestCase
from waypoint.audit.models import Action, AuditEvent
from waypoint.cases.models import Incident, Label

GOOD = b"reference,kinds,date_start,country\r\nUP-1,smuggling_of_migrants,2024-01-02,ITA\r\n"
BAD = (
    b"reference,kinds,date_start,country\r\n"
    b"UP-1,smuggling_of_migrants,2024-01-02,ITL\r\n"
    b"UP-2,smuggling_of_migrants,2030-01-02,ITA\r\n"
)


class ImportApiTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.enterContext(override_settings(WAYPOINT_JOB_DIR=Path(folder.name)))

    def upload(self, content: bytes, as_user: Any = None, **fields: Any) -> Any:
        token = self.tokens[(as_user or self.bruno).username]
        return self.client.post(
            "/api/v1/imports",
            {"file": SimpleUploadedFile("records.csv", content, "text/csv"), **fields},
            headers={"Authorization": f"Bearer {token}"},
        )

    def test_it_imports_an_upload_and_answers_its_job(self) -> None:
        response = self.upload(GOOD)
        self.assertEqual(response.status_code, 202, response.content)
        job = response.json()
        self.assertEqual((job["status"], job["created"], job["owner"]), ("succeeded", 1, "ORG-A"))
        self.assertEqual(job["detected_format"], "waypoint")
        self.assertTrue(Incident.objects.filter(owner=self.org_a, reference="UP-1").exists())
        again = self.api("GET", f"/imports/{job['id']}", as_user=self.bruno)
        self.assertEqual(again.json()["progress"], {"rows_read": 1, "rows_expected": 1})

    def test_it_reports_every_problem_and_writes_nothing(self) -> None:
        job = self.upload(BAD).json()
        self.assertEqual((job["status"], job["rejected"], job["error_count"]), ("rejected", 2, 2))
        self.assertEqual(
            [(error["row"], error["column"]) for error in job["errors"]],
            [(2, "country"), (3, "date_start")],
        )
        self.assertIn("ITA", job["errors"][0]["accepted"])
        self.assertFalse(Incident.objects.filter(reference__startswith="UP-").exists())
        report = self.api("GET", f"/imports/{job['id']}/errors.csv", as_user=self.bruno)
        self.assertEqual(report.status_code, 200)
        rows = list(
            csv.DictReader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig")))
        )
        self.assertEqual([row["value"] for row in rows], ["ITL", "2030-01-02"])

    def test_it_imports_the_valid_rows_when_asked(self) -> None:
        job = self.upload(BAD, accept_valid="true").json()
        self.assertEqual((job["status"], job["created"], job["rejected"]), ("succeeded", 0, 2))
        job = self.upload(
            GOOD.replace(b"UP-1", b"UP-3") + BAD.split(b"\r\n", 1)[1], accept_valid="true"
        ).json()
        self.assertEqual((job["created"], job["rejected"]), (1, 2))

    def test_it_validates_without_writing_in_a_dry_run(self) -> None:
        job = self.upload(GOOD, dry_run="true").json()
        self.assertEqual((job["status"], job["created"], job["dry_run"]), ("succeeded", 1, True))
        self.assertFalse(Incident.objects.filter(reference="UP-1").exists())

    def test_it_refuses_an_analyst(self) -> None:
        self.assertError(self.upload(GOOD, as_user=self.amara), 400, "bad_request")

    def test_it_refuses_an_organisation_the_user_does_not_record_for(self) -> None:
        self.assertError(self.upload(GOOD, owner="ORG-B"), 403, "forbidden")

    def test_it_hides_an_import_from_other_organisations(self) -> None:
        job = self.upload(GOOD).json()
        for user in (self.amara, self.chen):
            self.assertError(
                self.api("GET", f"/imports/{job['id']}", as_user=user), 404, "not_found"
            )
        self.assertEqual(self.api("GET", "/imports", as_user=self.chen).json()["count"], 0)
        self.assertEqual(self.api("GET", "/imports", as_user=self.bruno).json()["count"], 1)

    def test_it_serves_the_template(self) -> None:
        response = self.api("GET", "/imports/template/csv", as_user=self.amara)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.decode("utf-8-sig").startswith("reference,label,"))


class ExportApiTests(ApiTestCase):
    def test_it_exports_only_what_the_user_may_see(self) -> None:
        self.incident(self.org_a, "EXP-RED", label=Label.RED)
        self.incident(self.org_a, "EXP-GREEN", label=Label.GREEN)
        mine = self.api("GET", "/exports?format=json", as_user=self.amara)
        theirs = self.api("GET", "/exports?format=json", as_user=self.chen)
        self.assertEqual(mine.status_code, 200)
        self.assertEqual(
            sorted(item["reference"] for item in json.loads(b"".join(mine.streaming_content))),
            ["EXP-GREEN", "EXP-RED"],
        )
        self.assertEqual(
            [item["reference"] for item in json.loads(b"".join(theirs.streaming_content))],
            ["EXP-GREEN"],
        )

    def test_every_export_is_an_audit_event(self) -> None:
        before = AuditEvent.objects.filter(action=Action.EXPORT).count()
        response = self.api("GET", "/exports?format=csv", as_user=self.chen)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(AuditEvent.objects.filter(action=Action.EXPORT).count(), before + 1)

    def test_it_refuses_an_unknown_format(self) -> None:
        self.assertError(self.api("GET", "/exports?format=pdf", as_user=self.amara), 422, "invalid")
