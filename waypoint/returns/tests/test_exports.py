"""Returns as files: one return's figures and the list of returns, as CSV and XLSX, from the
pages and the API. Reciprocity decides what every file holds; a return's file imports back
unchanged, censored bounds included; every file is in the audit log."""

from __future__ import annotations

import csv
import io
import tempfile
import uuid
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from django.core.management import call_command

from waypoint.audit.models import Action, AuditEvent
from waypoint.orgs.models import Organisation, Role
from waypoint.returns import actions
from waypoint.returns.importers.engine import run_import
from waypoint.returns.importers.native import COLUMNS
from waypoint.returns.models import Return
from waypoint.returns.tests.test_api import ReturnsApiTestCase
from waypoint.returns.tests.test_pages import VICTIMS, entry

FEE = "som_median_fee_usd"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def figures_of(ret: Return) -> set[tuple[str, str, Decimal | None, int | None, str]]:
    """What a return holds: each figure's indicator, categories, value, bound and note."""
    return {
        (value.indicator.code, value.key, value.value, value.censored_below, value.note)
        for value in ret.values.select_related("indicator")
    }


def csv_rows(response: Any) -> list[dict[str, str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(response: Any) -> list[dict[str, Any]]:
    """The first sheet of the workbook read back with openpyxl, as dicts by header."""
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = [str(cell) for cell in rows[0]]
    # A row ends at its last cell with a value.
    return [
        {name: row[i] if i < len(row) else None for i, name in enumerate(header)}
        for row in rows[1:]
    ]


class ExportTestCase(ReturnsApiTestCase):
    """Org A and Org B form a community; Org C (Carla; Cyril and Cora record) is outside it.
    Org B has submitted its 2023 return (with a censored figure, breakdowns, a fee with
    decimals and notes), has a draft for 2024 and a return awaiting approval for 2025."""

    cyril: Any
    cora: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.cyril = cls.make_user("cyril", cls.org_c, Role.REPORTER)
        cls.cora = cls.make_user("cora", cls.org_c, Role.ORG_ADMIN)

    def setUp(self) -> None:
        super().setUp()
        self.theirs = self.submitted("2023", self.org_b_figures(), organisation=self.org_b)
        self.their_draft = self.drafted("2024", self.org_b, [entry(VICTIMS, 11)])
        self.their_pending = self.drafted("2025", self.org_b, [entry(VICTIMS, 13)])
        actions.submit(actor=self.basil, ret=self.their_pending)
        self.folder = Path(tempfile.mkdtemp())

    def pair(self, organisation: Organisation) -> tuple[Any, Any]:
        if organisation == self.org_c:
            return self.cyril, self.cora
        return super().pair(organisation)

    @staticmethod
    def org_b_figures(fee_note: str = "=median of 3 routes") -> list[Any]:
        censored = replace(
            entry(VICTIMS, None, censored_below=5, sex="female"),
            note='published as "<5", by the ministry',
        )
        fee = replace(entry(FEE, "1234.5"), note=fee_note)
        return [
            entry(VICTIMS, 41),
            censored,
            entry(VICTIMS, 37, sex="male"),
            entry(VICTIMS, 20, citizenship="NGA"),
            entry(VICTIMS, 21, citizenship="unknown"),
            entry(VICTIMS, 30, age_group="adult"),
            entry(VICTIMS, 11, age_group="child"),
            fee,
        ]

    def download(self, user: Any, url: str) -> Any:
        self.client.force_login(user)
        return self.client.get(url)

    def saved(self, response: Any, name: str) -> Path:
        path = self.folder / name
        path.write_bytes(response.content)
        return path


class OneReturnTests(ExportTestCase):
    def url(self, ret: Return, fmt: str) -> str:
        return f"/returns/{ret.public_id}/figures.{fmt}"

    def test_its_file_is_the_native_layout_with_censored_figures_kept_censored(self) -> None:
        self.submitted("2023")
        response = self.download(self.amara, self.url(self.theirs, "csv"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn('filename="ORG-B-annual-2023-v1.csv"', response["Content-Disposition"])
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"))
        rows = csv_rows(response)
        self.assertEqual(list(rows[0]), list(COLUMNS))
        self.assertEqual(len(rows), 8)
        female = next(row for row in rows if row["sex"] == "female")
        self.assertEqual((female["value"], female["censored_below"]), ("<5", "5"))
        fee = next(row for row in rows if row["indicator"] == FEE)
        self.assertEqual(fee["value"], "1234.5")
        # Text a spreadsheet would run is quoted.
        self.assertEqual(fee["note"], "'=median of 3 routes")
        total = next(row for row in rows if row["indicator"] == VICTIMS and not row["sex"]
                     and not row["citizenship"] and not row["age_group"])  # fmt: skip
        self.assertEqual(total["value"], "41")
        self.assertNotIn("0", [row["value"] for row in rows])

    def test_its_workbook_holds_numbers_as_numbers_and_censored_figures_as_bounds(self) -> None:
        self.submitted("2023")
        response = self.download(self.amara, self.url(self.theirs, "xlsx"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], XLSX)
        rows = xlsx_rows(response)
        self.assertEqual(len(rows), 8)
        female = next(row for row in rows if row["sex"] == "female")
        self.assertEqual((female["value"], female["censored_below"]), ("<5", 5))
        self.assertEqual(next(row["value"] for row in rows if row["indicator"] == FEE), 1234.5)
        self.assertIn(41, [row["value"] for row in rows])

    def test_reciprocity_decides_who_downloads_it(self) -> None:
        for fmt in ("csv", "xlsx"):
            with self.subTest(fmt):
                # Org A has not submitted for 2023: the return does not exist for it.
                self.assertEqual(
                    self.download(self.amara, self.url(self.theirs, fmt)).status_code, 404
                )
                self.assertEqual(
                    self.download(self.chen, self.url(self.theirs, fmt)).status_code, 200
                )
        ours = self.drafted("2023")
        self.assertEqual(self.download(self.amara, self.url(self.theirs, "csv")).status_code, 404)
        actions.set_figures(actor=self.bruno, ret=ours, entries=[entry(VICTIMS, 4)])
        actions.submit(actor=self.bruno, ret=ours)
        self.assertEqual(self.download(self.amara, self.url(self.theirs, "csv")).status_code, 404)
        actions.approve(actor=self.rita, ret=ours)
        for fmt in ("csv", "xlsx"):
            self.assertEqual(self.download(self.amara, self.url(self.theirs, fmt)).status_code, 200)

    def test_drafts_and_returns_awaiting_approval_never_leave_their_organisation(self) -> None:
        for period in ("2024", "2025"):
            self.submitted(period)
        for ret in (self.their_draft, self.their_pending):
            for fmt in ("csv", "xlsx"):
                with self.subTest(ret=ret.period, fmt=fmt):
                    self.assertEqual(self.download(self.amara, self.url(ret, fmt)).status_code, 404)
                    self.assertEqual(self.download(self.chen, self.url(ret, fmt)).status_code, 200)

    def test_an_organisation_outside_the_community_downloads_nothing(self) -> None:
        self.submitted("2023", organisation=self.org_c)
        for user in (self.carla, self.cyril, self.dana, self.eve):
            for fmt in ("csv", "xlsx"):
                with self.subTest(user=user.username, fmt=fmt):
                    response = self.download(user, self.url(self.theirs, fmt))
                    self.assertEqual(response.status_code, 404)
        self.client.logout()
        self.assertEqual(self.client.get(self.url(self.theirs, "csv")).status_code, 302)

    def test_the_return_page_links_to_its_files(self) -> None:
        response = self.download(self.chen, f"/returns/{self.theirs.public_id}/")
        self.assertContains(response, self.url(self.theirs, "csv"))
        self.assertContains(response, self.url(self.theirs, "xlsx"))

    def test_every_download_is_in_the_audit_log(self) -> None:
        self.submitted("2023")
        exported = AuditEvent.objects.of_action(Action.EXPORT)
        self.download(self.amara, self.url(self.theirs, "xlsx"))
        self.assertEqual(exported.count(), 1)
        event = exported.get()
        self.assertEqual(event.action, Action.EXPORT)
        self.assertEqual(event.actor_username, "amara")
        self.assertEqual(event.organisation_code, "ORG-A")
        self.assertEqual(event.target_type, "return")
        self.assertEqual(event.target_id, str(self.theirs.public_id))
        self.assertEqual(event.target_organisation_code, "ORG-B")
        self.assertEqual(
            event.details, {"format": "xlsx", "table": "returns", "count": 8, "result": "complete"}
        )
        self.download(self.amara, self.url(self.their_draft, "csv"))  # 404: nothing exported
        self.assertEqual(exported.count(), 1)


class RoundTripTests(ExportTestCase):
    """A return's file imports back with the same figures: into another organisation as a new
    return, and into its own organisation as "unchanged"."""

    def test_the_csv_and_the_workbook_import_back_with_identical_figures(self) -> None:
        organisations = {"csv": self.org_c, "xlsx": self.make_org("ORG-E")}
        for fmt, organisation in organisations.items():
            with self.subTest(fmt):
                path = self.saved(self.download(self.chen, f"/returns/{self.theirs.public_id}/figures.{fmt}"), f"b.{fmt}")  # fmt: skip
                recorder = self.make_user(f"rec-{fmt}", organisation, Role.REPORTER)
                report = run_import(actor=recorder, organisation=organisation, path=path)
                self.assertEqual(report.rejected, [], [i.as_dict() for i in report.rejected])
                self.assertEqual([r.outcome for r in report.returns], ["created"])
                imported = Return.objects.get(public_id=report.returns[0].public_id)
                self.assertEqual((imported.questionnaire, imported.period), (self.annual, "2023"))
                # The same figures, the note a spreadsheet would run as a formula included.
                self.assertIn(self.formula_note(), figures_of(imported))
                self.assertEqual(figures_of(imported), figures_of(self.theirs))

    def test_importing_its_own_download_changes_nothing(self) -> None:
        ours = self.submitted("2023", self.plain_figures())
        for fmt in ("csv", "xlsx"):
            with self.subTest(fmt):
                path = self.saved(self.download(self.bruno, f"/returns/{ours.public_id}/figures.{fmt}"), f"a.{fmt}")  # fmt: skip
                out = io.StringIO()
                with self.assertRaises(SystemExit) as exited:
                    call_command("returns-import", str(path), org="ORG-A", user="bruno", stdout=out)  # fmt: skip
                self.assertEqual(exited.exception.code, 0, out.getvalue())
                self.assertIn("1 unchanged", out.getvalue())
        self.assertEqual(Return.objects.filter(organisation=self.org_a).count(), 1)

    def plain_figures(self) -> list[Any]:
        """Org B's figures without the note a spreadsheet would run as a formula."""
        return self.org_b_figures(fee_note="median of 3 routes")

    @staticmethod
    def formula_note() -> tuple[str, str, Decimal, None, str]:
        return (FEE, "", Decimal("1234.50"), None, "=median of 3 routes")

    @staticmethod
    def make_org(code: str) -> Organisation:
        return Organisation.objects.create(code=code, name=code, type="ngo", country="FRA")


class ListTests(ExportTestCase):
    def rows(self, user: Any, query: str = "", fmt: str = "csv") -> list[dict[str, Any]]:
        response = self.download(user, f"/returns/export.{fmt}{query}")
        self.assertEqual(response.status_code, 200, response.content[:300])
        return csv_rows(response) if fmt == "csv" else xlsx_rows(response)

    def returns_in(self, rows: list[dict[str, Any]]) -> set[tuple[str, str, int]]:
        return {(row["organisation"], str(row["period"]), int(row["version"])) for row in rows}

    def test_it_holds_one_row_per_figure_with_the_return_before_the_native_columns(self) -> None:
        self.submitted("2023", [entry(VICTIMS, 6)])
        response = self.download(self.amara, "/returns/export.csv")
        self.assertIn('filename="returns.csv"', response["Content-Disposition"])
        rows = csv_rows(response)
        self.assertEqual(list(rows[0]), ["organisation", "version", "status", *COLUMNS])
        self.assertEqual(len(rows), 9)
        self.assertEqual(
            {(row["organisation"], row["status"]) for row in rows},
            {("ORG-A", "submitted"), ("ORG-B", "submitted")},
        )
        female = next(row for row in rows if row["sex"] == "female")
        self.assertEqual((female["value"], female["censored_below"]), ("<5", "5"))

    def test_reciprocity_decides_what_it_holds_in_csv_and_xlsx(self) -> None:
        for fmt in ("csv", "xlsx"):
            self.assertEqual(self.rows(self.amara, fmt=fmt), [])
            self.assertEqual(self.returns_in(self.rows(self.chen, fmt=fmt)), {("ORG-B", "2023", 1), ("ORG-B", "2024", 1), ("ORG-B", "2025", 1)})  # fmt: skip
        ours = self.drafted("2023", entries=[entry(VICTIMS, 6)])
        self.assertEqual(self.returns_in(self.rows(self.amara)), {("ORG-A", "2023", 1)})
        actions.submit(actor=self.bruno, ret=ours)
        self.assertEqual(self.returns_in(self.rows(self.amara)), {("ORG-A", "2023", 1)})
        actions.approve(actor=self.rita, ret=ours)
        for fmt in ("csv", "xlsx"):
            self.assertEqual(
                self.returns_in(self.rows(self.amara, fmt=fmt)),
                {("ORG-A", "2023", 1), ("ORG-B", "2023", 1)},
            )

    def test_drafts_and_returns_awaiting_approval_of_others_never_appear(self) -> None:
        for period in ("2023", "2024", "2025"):
            self.submitted(period)
        rows = self.rows(self.amara) + self.rows(self.amara, fmt="xlsx")
        self.assertEqual({row["period"] for row in rows if row["organisation"] == "ORG-B"}, {"2023"})  # fmt: skip
        self.assertEqual({row["status"] for row in rows}, {"submitted"})

    def test_an_organisation_outside_the_community_gets_none_of_it(self) -> None:
        self.submitted("2023", organisation=self.org_c)
        self.assertEqual(self.returns_in(self.rows(self.carla)), {("ORG-C", "2023", 1)})
        self.assertEqual(self.returns_in(self.rows(self.carla, fmt="xlsx")), {("ORG-C", "2023", 1)})  # fmt: skip
        for user in (self.dana, self.eve):
            self.assertEqual(self.rows(user), [])

    def test_it_filters_like_the_list(self) -> None:
        self.submitted("2023", [entry(VICTIMS, 6)])
        second = actions.revise(actor=self.bruno, ret=Return.objects.get(organisation=self.org_a), reason="late")  # fmt: skip
        self.assertEqual(self.returns_in(self.rows(self.amara, "?organisation=ORG-B")), {("ORG-B", "2023", 1)})  # fmt: skip
        self.assertEqual(self.returns_in(self.rows(self.amara, "?status=draft")), {("ORG-A", "2023", second.version)})  # fmt: skip
        self.assertEqual(self.rows(self.amara, "?period=2022"), [])
        self.assertEqual(self.rows(self.amara, "?questionnaire=border-monthly"), [])
        self.assertEqual(len(self.returns_in(self.rows(self.amara, "?questionnaire=annual&period=2023"))), 3)  # fmt: skip

    def test_a_wrong_choice_is_named_on_the_list_page(self) -> None:
        response = self.download(self.amara, "/returns/export.csv?period=last+year&status=lost")
        self.assertRedirects(
            response, "/returns/?period=last+year&status=lost#export-heading", fetch_redirect_response=False
        )  # fmt: skip
        page = self.download(self.amara, response["Location"].split("#")[0])
        self.assertContains(page, "The returns were not downloaded: correct the choices below.")
        self.assertContains(page, "“last year” is not a period")
        self.assertContains(page, "Select a valid choice. lost is not one of the available choices.")  # fmt: skip

    def test_the_list_page_offers_the_download(self) -> None:
        response = self.download(self.amara, "/returns/")
        self.assertWellFormed(response)
        self.assertContains(response, 'formaction="/returns/export.csv"')
        self.assertContains(response, 'formaction="/returns/export.xlsx"')

    def test_every_download_is_in_the_audit_log_once_per_organisation_it_holds(self) -> None:
        self.submitted("2023", [entry(VICTIMS, 6)])
        exported = AuditEvent.objects.of_action(Action.EXPORT)
        self.download(self.amara, "/returns/export.xlsx?period=2023")
        events = list(exported.order_by("target_organisation_code"))
        self.assertEqual([e.target_organisation_code for e in events], ["ORG-A", "ORG-B"])
        self.assertEqual({e.action for e in events}, {Action.EXPORT})
        self.assertEqual({e.target_type for e in events}, {"export"})
        self.assertEqual(len({e.target_id for e in events}), 1)
        self.assertEqual([e.details["count"] for e in events], [1, 8])
        self.assertEqual(events[0].details["fields"], ["period"])
        self.download(self.dana, "/returns/export.csv")
        empty = exported.get(actor_username="dana")
        self.assertEqual((empty.target_organisation_code, empty.details["count"]), ("", 0))


class ApiExportTests(ExportTestCase):
    def test_one_return_through_the_api_follows_reciprocity(self) -> None:
        path = f"/returns/{self.theirs.public_id}/export"
        self.assertError(self.api("GET", path, as_user=self.amara), 404, "not_found")
        self.assertError(self.api("GET", path, as_user=self.carla), 404, "not_found")
        self.submitted("2023")
        response = self.api("GET", path, as_user=self.amara)
        self.assertEqual(response.status_code, 200)
        rows = csv_rows(response)
        self.assertEqual(len(rows), 8)
        response = self.api("GET", path + "?format=xlsx", as_user=self.amara)
        self.assertEqual(response["Content-Type"], XLSX)
        female = next(row for row in xlsx_rows(response) if row["sex"] == "female")
        self.assertEqual((female["value"], female["censored_below"]), ("<5", 5))
        for ret in (self.their_draft, self.their_pending):
            self.assertError(self.api("GET", f"/returns/{ret.public_id}/export", as_user=self.amara), 404, "not_found")  # fmt: skip
        self.assertError(self.api("GET", path + "?format=pdf", as_user=self.amara), 422, "invalid")
        self.assertEqual(self.api("GET", path).status_code, 401)

    def test_the_list_through_the_api_follows_reciprocity(self) -> None:
        for fmt in ("csv", "xlsx"):
            response = self.api("GET", f"/returns/export?format={fmt}", as_user=self.amara)
            self.assertEqual(response.status_code, 200)
            rows = csv_rows(response) if fmt == "csv" else xlsx_rows(response)
            self.assertEqual(rows, [])
        self.submitted("2023", [entry(VICTIMS, 6)])
        response = self.api("GET", "/returns/export?organisation=ORG-B", as_user=self.amara)
        self.assertEqual({(r["organisation"], r["period"]) for r in csv_rows(response)}, {("ORG-B", "2023")})  # fmt: skip
        rows = xlsx_rows(self.api("GET", "/returns/export?format=xlsx", as_user=self.carla))
        self.assertEqual(rows, [])
        self.assertError(self.api("GET", "/returns/export?status=lost", as_user=self.amara), 422, "invalid")  # fmt: skip

    def test_api_exports_are_in_the_audit_log(self) -> None:
        before = AuditEvent.objects.count()
        self.api("GET", f"/returns/{self.theirs.public_id}/export", as_user=self.chen)
        self.api("GET", "/returns/export", as_user=self.chen)
        events = list(
            AuditEvent.objects.order_by("-sequence")[: AuditEvent.objects.count() - before]
        )
        self.assertEqual({(e.action, e.actor_username) for e in events}, {(Action.EXPORT, "chen")})
        self.assertEqual(sorted(e.target_type for e in events), ["export", "return"])

    def test_unknown_ids_answer_404(self) -> None:
        self.assertError(self.api("GET", f"/returns/{uuid.uuid4()}/export", as_user=self.chen), 404, "not_found")  # fmt: skip
