"""The statistics summary: counts kept per owner and label give, figure for figure, the tables
counted from the records, for every scope and sharing level, and never lag behind a change."""

from __future__ import annotations

import io
import tempfile
import threading
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings, tag
from django.test.utils import CaptureQueriesContext

from waypoint.analytics import statistics, summary_triggers
from waypoint.analytics.models import SummaryRow
from waypoint.analytics.statistics import Scope, StatSpec, summary
from waypoint.analytics.summary_triggers import missing_triggers
from waypoint.analytics.tests.test_statistics_base import SOM, TIP, VAM, StatisticsTestCase, T
from waypoint.bulk.engine import ImportOptions, ImportReport, run_import
from waypoint.cases.models import Incident, Label, OffenderRecord, Person, RouteLeg, Victimisation
from waypoint.orgs.models import Membership, Organisation, Role, SharingAgreement

GOOD = b"reference,kinds,date_start,country\r\nJ-1,smuggling_of_migrants,2024-01-02,ITA\r\n"
BAD = b"reference,kinds,date_start,country\r\nJ-1,smuggling_of_migrants,2024-01-02,ITL\r\n"
SUMMARISED = tuple(table for table in statistics.REGISTRY if table.counting is not None)


class TriggerTests(StatisticsTestCase):
    """Whatever writes a record, its owner's summary is marked out of date, and no other's."""

    def setUp(self) -> None:
        self.recorded = self.record(
            "T-1",
            persons=[self.victim(exploitation_forms=["forced_labour"]), self.offender()],
            legs=[self.leg(1, "ERI", "LBY")],
        )
        summary.refresh()
        self.assertFalse(summary.stale_owners())

    def assertMarked(self, owner: Organisation | None = None) -> None:
        owner = owner or self.org_a
        self.assertEqual(summary.stale_owners(), [owner.pk])

    def test_the_triggers_are_installed(self) -> None:
        self.assertEqual(missing_triggers(connection), [])

    def test_a_new_incident_marks_its_owner(self) -> None:
        self.record("B-1", owner=self.org_b)
        self.assertMarked(self.org_b)

    def test_a_changed_incident_marks_its_owner(self) -> None:
        Incident.objects.filter(pk=self.recorded.pk).update(label=Label.GREEN)
        self.assertMarked()

    def test_a_deleted_incident_marks_its_owner(self) -> None:
        self.recorded.delete()
        self.assertMarked()

    def test_persons_and_what_hangs_from_them_mark_the_owner(self) -> None:
        person = Person.objects.filter(incident=self.recorded, role="victim").get()
        changes = [
            lambda: Person.objects.filter(pk=person.pk).update(sex="male"),
            lambda: Victimisation.objects.filter(person=person).update(
                country_of_exploitation="ITA"
            ),
            lambda: OffenderRecord.objects.filter(person__incident=self.recorded).update(
                stage="convicted"
            ),
            lambda: RouteLeg.objects.filter(incident=self.recorded).update(mode="sea"),
            lambda: RouteLeg.objects.create(
                incident=self.recorded, sequence=2, from_country="LBY", to_country="ITA"
            ),
            lambda: Victimisation.objects.filter(person=person).delete(),
            lambda: Person.objects.filter(pk=person.pk).delete(),
        ]
        for index, change in enumerate(changes):
            with self.subTest(index):
                change()
                self.assertMarked()
                summary.refresh()
                self.assertFalse(summary.stale_owners())

    def test_raw_sql_marks_the_owner_too(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE cases_person SET sex = 'male' WHERE incident_id = %s", [self.recorded.pk]
            )
        self.assertMarked()


class BulkWriteTests(StatisticsTestCase):
    """Imports set the SQLite row triggers aside and mark their organisation once."""

    def run_import(self, content: bytes, **options: Any) -> ImportReport:
        folder = Path(self.enterContext(tempfile.TemporaryDirectory()))
        path = folder / "rows.csv"
        path.write_bytes(content)
        return run_import(
            actor=self.bruno, organisation=self.org_a, path=path, options=ImportOptions(**options)
        )

    def test_an_import_marks_its_organisation_and_keeps_the_triggers(self) -> None:
        self.record("B-1", owner=self.org_b)
        summary.refresh()
        report = self.run_import(GOOD)
        self.assertTrue(report.written)
        self.assertEqual(summary.stale_owners(), [self.org_a.pk])
        self.assertEqual(missing_triggers(connection), [])

    def test_an_import_that_writes_nothing_leaves_everything_as_it_was(self) -> None:
        self.record("A-1")
        summary.refresh()
        for content, options in ((GOOD, {"dry_run": True}), (BAD, {})):
            with self.subTest(options=options, content=content):
                report = self.run_import(content, **options)
                self.assertFalse(report.written)
                self.assertEqual(summary.stale_owners(), [])
                self.assertEqual(missing_triggers(connection), [])


class EquivalenceTests(StatisticsTestCase):
    """Tables from the summary equal the tables counted from the records."""

    org_c: Organisation
    carla: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org_c = Organisation.objects.create(
            code="ORG-C",
            name="Organisation C",
            type="national_authority",
            country="GRC",
            purposes=["border_management"],
        )
        cls.carla = cls.make_user("carla", cls.org_c, Role.REPORTER)
        SharingAgreement.objects.create(owner=cls.org_c, partner=cls.org_a)
        cls.everything("A-1", label=Label.RED)
        cls.everything("A-2", label=Label.GREEN, publish_in_statistics=True, year=2021)
        strict = cls.everything("A-3", label=Label.AMBER_STRICT, year=2023)
        strict.named_users.set([cls.bruno])
        shared = cls.everything("A-4", label=Label.AMBER)
        shared.shared_with.set([cls.org_b])
        cls.everything("A-5", label=Label.RED, year=None)
        cls.withdraw(cls.everything("A-6", label=Label.GREEN))
        cls.everything("B-1", owner=cls.org_b, label=Label.RED, publish_in_statistics=True)
        named = cls.everything("B-2", owner=cls.org_b, label=Label.AMBER, year=2021)
        named.shared_with.set([cls.org_a])
        cls.everything("B-3", owner=cls.org_b, label=Label.GREEN)
        cls.record("B-4", owner=cls.org_b, label=Label.AMBER, kinds=[SOM, VAM])
        for reference, label in (("C-1", Label.AMBER), ("C-2", Label.GREEN), ("C-3", Label.RED)):
            cls.record(
                reference,
                owner=cls.org_c,
                actor=cls.carla,
                label=label,
                kinds=[TIP, SOM],
                persons=[cls.victim("male", citizenship="SYR"), cls.offender()],
                legs=[cls.leg(1, "TUR", "GRC", mode="sea")],
                migrants_involved=30,
            )

    def scopes(self) -> dict[str, Scope]:
        return {
            "amara": Scope.of(self.amara),
            "bruno": Scope.of(self.bruno),
            "chen": Scope.of(self.chen),
            "dana": Scope.of(self.dana),
            "eve": Scope.of(self.eve),
            "public": Scope.published(),
        }

    def assertSameAsFromRecords(self, **filters: Any) -> None:
        for name, scope in self.scopes().items():
            for table in SUMMARISED:
                spec = StatSpec(table.id, scope, **filters)
                with self.subTest(scope=name, table=table.id, **filters):
                    with override_settings(WAYPOINT_STATISTICS_SUMMARY=False):
                        expected = table.run(spec)
                    self.assertEqual(table.run(spec), expected)

    def test_before_any_refresh_everything_is_counted_from_the_records(self) -> None:
        self.assertFalse(SummaryRow.objects.exists())
        self.assertSameAsFromRecords()

    def test_after_a_refresh_the_summary_gives_the_same_tables(self) -> None:
        done = summary.refresh()
        self.assertEqual(done.organisations, 3)
        self.assertTrue(SummaryRow.objects.exists())
        self.assertSameAsFromRecords()
        self.assertSameAsFromRecords(year_from=2021, year_to=2022)
        self.assertSameAsFromRecords(year_to=2021)
        self.assertSameAsFromRecords(labels=("green", "amber"))
        self.assertSameAsFromRecords(countries=("ITA",))

    def test_the_tables_count_something_from_the_summary(self) -> None:
        summary.refresh()
        # Counted from the summary alone, had the records gone: proof that it is read.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE analytics_summaryrow SET count = count * 10")
        # Public statistics count no record one by one (Amara's would: Org B's record naming
        # Org A as a partner).
        spec = StatSpec("victims_by_sex_age_year", Scope.published())
        self.assertEqual(statistics.run(spec).cell(T, T, T).count % 10, 0)
        with override_settings(WAYPOINT_STATISTICS_SUMMARY=False):
            self.assertNotEqual(statistics.run(spec).cell(T, T, T).count % 10, 0)

    def test_a_change_after_the_refresh_shows_at_once(self) -> None:
        summary.refresh()
        before = self.table("victims_by_sex_age_year").cell(T, T, T).count
        self.record("A-7", label=Label.RED, persons=[self.victim(), self.victim()])
        self.assertEqual(summary.stale_owners(), [self.org_a.pk])
        self.assertEqual(self.table("victims_by_sex_age_year").cell(T, T, T).count, before + 2)
        self.assertSameAsFromRecords()
        summary.refresh()
        self.assertEqual(self.table("victims_by_sex_age_year").cell(T, T, T).count, before + 2)
        self.assertSameAsFromRecords()

    def test_sharing_changes_take_effect_at_once(self) -> None:
        self.record("A-9", label=Label.AMBER, persons=[self.victim()])
        summary.refresh()
        before = self.table("victims_by_sex_age_year", user=self.chen).cell(T, T, T).count
        SharingAgreement.objects.create(owner=self.org_a, partner=self.org_b)
        after = self.table("victims_by_sex_age_year", user=self.chen).cell(T, T, T).count
        self.assertGreater(after, before)
        self.assertSameAsFromRecords()
        Organisation.objects.filter(pk=self.org_c.pk).update(is_active=False)
        self.assertSameAsFromRecords()

    def test_a_red_record_of_another_organisation_changes_no_figure(self) -> None:
        summary.refresh()
        before = {t.id: t.run(StatSpec(t.id, Scope.of(self.amara))) for t in SUMMARISED}
        self.record("B-9", owner=self.org_b, label=Label.RED, persons=[self.victim()])
        summary.refresh()
        for table in SUMMARISED:
            with self.subTest(table.id):
                self.assertEqual(
                    table.run(StatSpec(table.id, Scope.of(self.amara))), before[table.id]
                )

    def test_a_write_during_a_refresh_leaves_the_owner_out_of_date(self) -> None:
        def write_meanwhile(done: int, total: int) -> None:
            if done == 1:
                self.record("A-8", label=Label.RED, persons=[self.victim()])

        summary.refresh(progress=write_meanwhile)
        self.assertEqual(summary.stale_owners(), [self.org_a.pk])
        self.assertSameAsFromRecords()
        summary.refresh()
        self.assertEqual(summary.stale_owners(), [])
        self.assertSameAsFromRecords()


class QueryTests(StatisticsTestCase):
    def queries(self) -> dict[str, int]:
        counts = {}
        for table in SUMMARISED:
            spec = StatSpec(table.id, Scope.of(self.amara))
            table.run(spec)  # reference look-ups are cached after the first run
            with CaptureQueriesContext(connection) as queries:
                table.run(spec)
            counts[table.id] = len(queries)
        return counts

    def test_a_table_from_the_summary_takes_a_few_queries_whatever_the_records(self) -> None:
        """The user's organisations; which organisations' summaries are up to date; the records
        seen one by one; the summary's rows; and what the summary does not answer, through the
        visibility rule (its organisations, then the table's query, when there is anything to
        count)."""
        self.record("T-1", persons=[self.victim()])
        summary.refresh()
        before = self.queries()
        self.assertLessEqual(max(before.values()), 6, before)
        for number in range(5):
            self.record(f"A-{number}", persons=[self.victim()], legs=[self.leg(1, "LBY", "ITA")])
            self.record(f"B-{number}", owner=self.org_b, label=Label.GREEN, persons=[self.victim()])
        summary.refresh()
        self.assertEqual(self.queries(), before)


class CommandTests(StatisticsTestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("refresh_statistics", "--no-progress", *args, stdout=out)
        return out.getvalue()

    def test_it_counts_again_the_organisations_whose_records_changed(self) -> None:
        self.record("A-1", persons=[self.victim()])
        self.record("B-1", owner=self.org_b, persons=[self.victim()])
        self.assertEqual(summary.stale_owners(), sorted([self.org_a.pk, self.org_b.pk]))
        self.assertIn("2 organisations counted again", self.run_command())
        self.assertEqual(summary.stale_owners(), [])
        self.assertIn("0 organisations counted again", self.run_command())
        self.assertIn("2 organisations counted again", self.run_command("--all"))

    def test_it_refuses_to_count_without_the_triggers_and_can_put_them_back(self) -> None:
        self.record("A-1", persons=[self.victim()])
        summary.refresh()
        summary_triggers.remove(connection)
        self.record("A-2", persons=[self.victim()])  # unseen by the summary
        with self.assertRaises(CommandError) as refused:
            self.run_command()
        self.assertIn("summary_incident_insert", str(refused.exception))
        self.assertIn("1 organisation counted again", self.run_command("--install-triggers"))
        self.assertEqual(missing_triggers(connection), [])
        with override_settings(WAYPOINT_STATISTICS_SUMMARY=False):
            expected = self.table("victims_by_sex_age_year")
        self.assertEqual(self.table("victims_by_sex_age_year"), expected)


@tag("slow")
class BackgroundRefreshTests(TransactionTestCase):
    """In the demo, where jobs run in threads of the server, a table that finds an organisation
    out of date has its summary counted again in the background."""

    # Reference data comes from data migrations; restore it after this test's flush.
    serialized_rollback = True

    def test_a_table_that_finds_an_owner_out_of_date_has_it_counted_again(self) -> None:
        owner = Organisation.objects.create(
            code="ORG-T", name="Organisation T", type="ngo", country="ITA"
        )
        user = User.objects.create_user("tina")
        Membership.objects.create(user=user, organisation=owner, role=Role.ANALYST)
        Incident.objects.create(owner=owner, reference="T-1", kinds=[TIP], label=Label.RED)
        self.assertEqual(summary.stale_owners(), [owner.pk])
        with override_settings(WAYPOINT_JOB_RUNNER="thread"):
            statistics.run(StatSpec("crime_links_year", Scope.of(user)))
        for thread in threading.enumerate():
            if thread.name == "statistics-summary":
                thread.join(timeout=60)
        self.assertEqual(summary.stale_owners(), [])
        self.assertTrue(SummaryRow.objects.filter(owner=owner, table_id="crime_links_year"))
