"""The dashboard: key figures through the disclosure gate, the user's organisation's latest
records, imports under way and sharing changes awaiting the user, over what the user may see."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import translation

from waypoint.analytics.statistics import summary
from waypoint.bulk.models import ImportJob, JobStatus
from waypoint.cases.actions import request_label_change
from waypoint.cases.models import Incident, Label, Person
from waypoint.orgs.models import Role
from waypoint.test import BaseTestCase
from waypoint.web.summary import Dashboard, formatted
from waypoint.web.tests.helpers import inline_code, unlabelled_fields

SMUGGLING = ["smuggling_of_migrants"]
TRAFFICKING = ["trafficking_in_persons"]
VIOLENCE = ["violence_against_migrants"]


def on(year: int, month: int = 6) -> dict[str, Any]:
    return {"date_start": datetime.date(year, month, 1), "date_precision": "month"}


class DashboardTestCase(BaseTestCase):
    #: A second reporting officer of Org A, who may decide Bruno's requests.
    fatima: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.fatima = cls.make_user("fatima", cls.org_a, Role.REPORTER)
        # Org A in 2024: seven smuggling incidents of 10 migrants each, two of trafficking
        # with a victim each and two of violence (too few to show); one in 2023.
        for number in range(7):
            cls.incident(
                cls.org_a, f"A-S{number}", kinds=SMUGGLING, migrants_involved=10, **on(2024)
            )
        for number in range(2):
            incident = cls.incident(cls.org_a, f"A-T{number}", kinds=TRAFFICKING, **on(2024, 3))
            Person.objects.create(incident=incident, role="victim")
            cls.incident(cls.org_a, f"A-V{number}", kinds=VIOLENCE, **on(2024, 2))
        cls.incident(cls.org_a, "A-OLD", kinds=SMUGGLING, **on(2023))
        # Org B: six RED smuggling incidents in 2025 (Org A may not see them) and one GREEN.
        for number in range(6):
            cls.incident(cls.org_b, f"B-R{number}", kinds=SMUGGLING, **on(2025))
        cls.incident(cls.org_b, "B-G", kinds=SMUGGLING, label=Label.GREEN, **on(2024))

    def board(self, user: User) -> Dashboard:
        self.client.force_login(user)
        response = self.client.get(reverse("home"))
        self.assertEqual(response.status_code, 200)
        board: Dashboard = response.context["board"]
        return board

    @staticmethod
    def figures(board: Dashboard) -> dict[str, str | None]:
        return {str(figure.label): figure.value for figure in board.figures}


class KeyFigureTests(DashboardTestCase):
    def test_it_sends_a_signed_out_visitor_to_the_login_page(self) -> None:
        response = self.client.get("/")
        self.assertRedirects(response, "/login/?next=/")

    def test_it_gives_the_figures_of_the_latest_year_the_user_may_see(self) -> None:
        board = self.board(self.amara)
        self.assertEqual(board.year, 2024)  # Org B's 2025 records are RED
        figures = self.figures(board)
        self.assertEqual(figures["Incidents"], "12")  # 11 own, and B's GREEN one
        self.assertEqual(figures["Smuggling incidents"], "8")
        self.assertEqual(figures["Smuggled migrants"], "70")

    def test_it_shows_a_small_figure_as_suppressed_never_as_zero(self) -> None:
        board = self.board(self.amara)
        victims = next(f for f in board.figures if str(f.label) == "Victims of trafficking")
        self.assertTrue(victims.suppressed)
        self.assertIsNone(victims.value)
        response = self.client.get("/")
        self.assertContains(response, "suppressed")

    def test_it_counts_another_organisation_only_what_it_may_see(self) -> None:
        board = self.board(self.chen)
        self.assertEqual(board.year, 2025)
        self.assertEqual(self.figures(board)["Incidents"], "6")

    def test_it_links_each_figure_to_its_table_for_the_same_year(self) -> None:
        board = self.board(self.amara)
        self.assertEqual(
            board.figures[0].url, "/statistics/crime_links_year/?year_from=2024&year_to=2024"
        )

    def test_it_draws_the_trend_and_the_routes_as_images_of_the_statistics_pages(self) -> None:
        self.client.force_login(self.amara)
        response = self.client.get("/")
        self.assertContains(
            response, 'src="/statistics/crime_links_year/chart.svg?year_from=2015&amp;year_to=2024"'
        )
        self.assertContains(
            response,
            'src="/statistics/smuggling_by_route_year/chart.svg?year_from=2024&amp;year_to=2024"',
        )

    def test_it_lists_the_main_routes_and_kinds_of_crime(self) -> None:
        board = self.board(self.amara)
        assert board.kinds is not None and board.routes is not None
        self.assertEqual(
            [(line.label, line.values) for line in board.kinds.lines],
            [("Smuggling of migrants", ("8",))],
        )
        self.assertEqual(board.kinds.withheld, 2)  # trafficking and violence: 2 incidents each
        self.assertEqual(board.routes.lines[0].values, ("8", "70"))

    def test_it_shows_no_figures_to_a_user_without_organisation(self) -> None:
        board = self.board(self.dana)
        self.assertEqual((board.figures, board.recent), ([], []))
        self.assertContains(self.client.get("/"), "not a member of any organisation")

    def test_it_shows_no_case_content_to_the_platform_administrator(self) -> None:
        board = self.board(self.eve)
        self.assertEqual((board.figures, board.recent), ([], []))
        self.assertContains(self.client.get("/"), "platform administrator")

    def test_it_has_one_h1_labelled_fields_and_nothing_inline(self) -> None:
        for user in (self.amara, self.bruno, self.dana):
            self.client.force_login(user)
            html = self.client.get("/").content.decode()
            self.assertEqual(html.count("<h1"), 1, user)
            self.assertEqual(unlabelled_fields(html), [], user)
            self.assertEqual(inline_code(html), [], user)

    def test_it_formats_figures_for_the_language(self) -> None:
        with translation.override("en"):
            self.assertEqual(formatted(12345), "12,345")
        with translation.override("fr"):
            self.assertEqual(formatted(12345), "12\xa0345")
            self.assertEqual(formatted(1234.5), "1\xa0234,5")


class RecentIncidentTests(DashboardTestCase):
    def test_it_lists_the_latest_records_of_the_users_organisation(self) -> None:
        board = self.board(self.amara)
        references = [incident.reference for incident in board.recent]
        self.assertEqual(references[0], "A-S6")  # the latest, by date then as recorded
        self.assertEqual(len(references), 8)
        self.assertTrue(all(reference.startswith("A-") for reference in references))

    def test_it_leaves_out_records_the_user_may_not_see(self) -> None:
        strict = self.incident(self.org_a, "A-STRICT", label=Label.AMBER_STRICT, **on(2024, 7))
        strict.named_users.add(self.bruno)
        self.assertNotIn("A-STRICT", [i.reference for i in self.board(self.amara).recent])
        self.assertEqual(self.board(self.bruno).recent[0].reference, "A-STRICT")

    def test_it_links_each_record_to_its_page(self) -> None:
        self.client.force_login(self.amara)
        response = self.client.get("/")
        incident = Incident.objects.get(reference="A-S0")
        self.assertContains(response, f'href="/incidents/{incident.public_id}/"')


class AwaitingTests(DashboardTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        incident = Incident.objects.get(reference="A-S0")
        request_label_change(actor=cls.bruno, incident=incident, label=Label.GREEN, reason="x")

    def test_it_shows_a_widening_to_the_second_person_who_may_approve_it(self) -> None:
        approvals = self.board(self.fatima).approvals
        self.assertEqual([a.reference for a in approvals], ["A-S0"])
        self.assertEqual((approvals[0].to_label, approvals[0].requested_by), ("TLP:GREEN", "bruno"))

    def test_it_does_not_ask_the_requester_to_approve_their_own_request(self) -> None:
        self.assertEqual(self.board(self.bruno).approvals, [])

    def test_it_asks_no_analyst_and_no_partner(self) -> None:
        self.assertEqual(self.board(self.amara).approvals, [])
        self.assertEqual(self.board(self.chen).approvals, [])
        self.client.force_login(self.amara)
        self.assertNotContains(self.client.get("/"), "Awaiting your decision")

    def test_it_shows_imports_that_wait_or_run_to_those_who_record(self) -> None:
        for status in (JobStatus.QUEUED, JobStatus.SUCCEEDED):
            ImportJob.objects.create(
                organisation=self.org_a,
                created_by=self.bruno,
                file_name=f"{status}.csv",
                status=status,
            )
        ImportJob.objects.create(
            organisation=self.org_b,
            created_by=self.chen,
            file_name="b.csv",
            status=JobStatus.QUEUED,
        )
        self.assertEqual([job.file_name for job in self.board(self.fatima).imports], ["queued.csv"])
        self.assertEqual(self.board(self.amara).imports, [])


class QueryCountTests(DashboardTestCase):
    def test_it_reads_a_fixed_number_of_queries_whatever_the_records(self) -> None:
        request_label_change(
            actor=self.bruno,
            incident=Incident.objects.get(reference="A-S1"),
            label=Label.GREEN,
            reason="x",
        )
        ImportJob.objects.create(organisation=self.org_a, created_by=self.bruno, file_name="a.csv")
        summary.refresh()
        self.client.force_login(self.fatima)
        self.client.get("/")
        # The session, the user, the device that confirmed the session and the roles behind the
        # navigation; then the memberships, the latest year, four tables, the latest records,
        # the import jobs (the organisations the user records for: two) and the approvals. Each
        # table: the visibility rule's organisations, the organisations whose statistics summary
        # is up to date, the records seen one by one, the summary's rows, then what it does not
        # answer, through the visibility rule (its organisations; the table's query only when
        # something is left to count from the records).
        with self.assertNumQueries(31):
            self.client.get("/")
        for number in range(20):
            self.incident(self.org_a, f"MORE-{number}", kinds=SMUGGLING, **on(2024))
        summary.refresh()
        with self.assertNumQueries(31):
            self.client.get("/")
