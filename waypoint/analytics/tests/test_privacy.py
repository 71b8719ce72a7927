"""Differentially private releases and the privacy-budget ledger that pays for them."""

from __future__ import annotations

import math
import threading
import unittest
from decimal import Decimal

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.test import TransactionTestCase, override_settings, tag

from waypoint.analytics.disclosure import Method, ProtectedTable, protect
from waypoint.analytics.models import LedgerError, PrivacyBudget, PrivacySpend
from waypoint.analytics.privacy import (
    BudgetExceeded,
    PrivacyError,
    PrivateRelease,
    add_noise,
    cell_margin,
    cube_sensitivity,
    laplace_mechanism,
    remaining_budget,
    spend_budget,
    sum_margin,
)
from waypoint.analytics.table import TOTAL, Cell, CellStatus, Dimension, Key, StatTable
from waypoint.analytics.tests.test_disclosure import make_cube
from waypoint.audit.models import AuditEvent
from waypoint.test import BaseTestCase

VICTIMS = make_cube(
    {"sex": ["female", "male"], "year": ["2023", "2024", "2025"]},
    {
        ("female", "2023"): 2,
        ("female", "2024"): 10,
        ("female", "2025"): 20,
        ("male", "2023"): 15,
        ("male", "2024"): 12,
        ("male", "2025"): 30,
    },
    table_id="victims_by_sex_year",
)
# ε = 0.5 with one cell per person: discrete Laplace noise of scale 2.
SCALE = 2.0


def sparse_table(categories: int) -> StatTable:
    """A one-dimensional table of zeros: the worst case for clamping negative counts at zero."""
    return make_cube({"citizenship": [f"c{index}" for index in range(categories)]}, {})


def fees_table() -> StatTable:
    dimension = Dimension("route", "Route", ("central_med", "eastern_med"))
    cells: dict[Key, Cell] = {
        key: Cell(key, 20, {"median": 1500.0, "q1": 900.0, "q3": 2400.0})
        for key in (("central_med",), ("eastern_med",), (TOTAL,))
    }
    return StatTable(
        "fees_by_route", "Fees", (dimension,), ("median", "q1", "q3"), "persons", cells
    )


@override_settings(WAYPOINT_DP_BUDGET=100.0)
class PrivateReleaseTests(BaseTestCase):
    def release(self, table: StatTable = VICTIMS, epsilon: float = 0.5) -> ProtectedTable:
        return protect(
            table, actor=self.amara, public=True, release=PrivateRelease("national-2025", epsilon)
        )

    def test_it_adds_noise_to_the_counts(self) -> None:
        inner = [key for key in VICTIMS.cells if TOTAL not in key]
        releases_off_the_truth = 0
        errors = []
        for _ in range(5):
            protected = self.release()
            noisy = {key: int(protected.cell(*key).count or 0) for key in inner}
            errors += [abs(noisy[key] - VICTIMS.cells[key].count) for key in inner]
            releases_off_the_truth += any(errors[-len(inner) :])
        self.assertGreaterEqual(releases_off_the_truth, 4)
        self.assertGreater(sum(errors) / len(errors), 0.5)

    def test_it_keeps_every_total_equal_to_the_sum_of_the_noisy_counts(self) -> None:
        protected = self.release()
        inner = [cell for cell in protected.rows(totals=False)]
        for cell in protected.rows():
            covered = [
                other.count
                for other in inner
                if all(
                    part in (TOTAL, mine) for part, mine in zip(cell.key, other.key, strict=True)
                )
            ]
            self.assertEqual(cell.count, sum(c for c in covered if c is not None), cell.key)
        self.assertEqual(
            protected.cell(TOTAL, TOTAL).values, {"count": protected.cell(TOTAL, TOTAL).count}
        )

    def test_it_never_publishes_a_negative_count(self) -> None:
        totals = []
        for _ in range(4):
            protected = self.release(sparse_table(12), epsilon=0.2)
            counts = [cell.count for cell in protected.rows()]
            self.assertTrue(all(count is not None and count >= 0 for count in counts))
            totals.append(protected.cell(TOTAL).count)
        # The zeros carry noise too: some come out positive (in one release of twelve cells,
        # all stay at zero about once in a thousand; in four, practically never).
        self.assertNotEqual(totals, [0, 0, 0, 0])

    def test_it_marks_every_cell_noisy_with_its_margin(self) -> None:
        protected = self.release()
        self.assertEqual({cell.status for cell in protected.rows()}, {CellStatus.NOISY})
        self.assertEqual(protected.cell("female", "2023").margin, 6)
        self.assertEqual(cell_margin(SCALE), 6)
        year_total = protected.cell(TOTAL, "2023").margin
        grand_total = protected.cell(TOTAL, TOTAL).margin
        assert year_total is not None and grand_total is not None
        self.assertEqual(year_total, sum_margin(SCALE, 2))
        self.assertEqual(grand_total, sum_margin(SCALE, 6))
        self.assertLess(6, year_total)
        self.assertLess(year_total, grand_total)
        self.assertEqual(protected.policy.method, Method.DIFFERENTIAL_PRIVACY)
        self.assertEqual(
            (protected.policy.dataset, protected.policy.epsilon), ("national-2025", 0.5)
        )

    def test_it_says_in_a_footnote_that_the_figures_are_noisy(self) -> None:
        protected = self.release()
        self.assertIn(
            "differentially private (ε = 0.5, dataset “national-2025”)", protected.footnote
        )
        self.assertIn("within ±6 of the true figure with 95 % confidence", protected.footnote)
        self.assertEqual(protected.footnotes[-1], protected.footnote)

    def test_it_does_not_change_the_table_it_releases(self) -> None:
        before = {key: cell.count for key, cell in VICTIMS.cells.items()}
        self.release()
        self.assertEqual({key: cell.count for key, cell in VICTIMS.cells.items()}, before)
        self.assertEqual({cell.status for cell in VICTIMS.cells.values()}, {CellStatus.PUBLISHED})

    def test_it_noises_every_cell_of_a_table_that_is_not_additive(self) -> None:
        # Persons with two citizenships count in two cells, and once in the total.
        table = make_cube(
            {"citizenship": ["ERI", "ETH", "SOM"]},
            {("ERI",): 20, ("ETH",): 30, ("SOM",): 25},
            additive=False,
            contributions=2,
        )
        table.cells[(TOTAL,)] = Cell((TOTAL,), 60, {"count": 60})
        protected = self.release(table)
        expected = cell_margin(cube_sensitivity(2, 1) / 0.5)
        self.assertEqual({cell.margin for cell in protected.rows()}, {expected})
        self.assertIn("totals included, carries its own random noise", protected.footnote)

    def test_it_refuses_a_table_of_medians_and_says_to_suppress_instead(self) -> None:
        with self.assertRaisesMessage(
            PrivacyError, "publish it with small-cell suppression instead"
        ):
            self.release(fees_table())
        self.assertFalse(PrivacySpend.objects.exists())

    def test_it_refuses_a_release_that_is_not_public(self) -> None:
        with self.assertRaises(ValueError):
            protect(VICTIMS, actor=self.amara, release=PrivateRelease("national-2025", 0.5))
        self.assertFalse(PrivacySpend.objects.exists())

    def test_it_refuses_a_threshold_with_a_release(self) -> None:
        with self.assertRaises(ValueError):
            protect(
                VICTIMS,
                actor=self.amara,
                public=True,
                threshold=20,
                release=PrivateRelease("national-2025", 0.5),
            )

    def test_it_refuses_a_release_without_a_signed_in_user(self) -> None:
        for actor in (None, AnonymousUser()):
            with self.subTest(actor=actor), self.assertRaises(PermissionDenied):
                protect(
                    VICTIMS, actor=actor, public=True, release=PrivateRelease("national-2025", 0.5)
                )
        self.assertFalse(PrivacySpend.objects.exists())

    def test_it_refuses_an_epsilon_that_is_not_a_positive_number(self) -> None:
        for epsilon in (0.0, -1.0, math.nan, math.inf, 1e-9):
            with self.subTest(epsilon=epsilon), self.assertRaises(PrivacyError):
                PrivateRelease("national-2025", epsilon)
        with self.assertRaises(PrivacyError):
            PrivateRelease(" ", 0.5)

    def test_it_refuses_unprotected_figures_with_a_release(self) -> None:
        with self.assertRaises(ValueError):
            protect(VICTIMS, actor=self.eve, unprotected=True, release=PrivateRelease("x", 0.5))


class MechanismTests(BaseTestCase):
    def test_it_calibrates_the_noise_to_what_one_person_can_change(self) -> None:
        mechanism, scale = laplace_mechanism(2, 0.5)
        self.assertEqual(scale, 4.0)
        self.assertLessEqual(mechanism.map(2), 0.5)  # type: ignore[attr-defined]
        _, scale = laplace_mechanism(3, 0.7)
        self.assertGreaterEqual(scale, 3 / 0.7)

    def test_it_counts_the_cells_of_the_cube_one_person_can_change(self) -> None:
        self.assertEqual(cube_sensitivity(1, 1), 2)
        self.assertEqual(cube_sensitivity(1, 3), 8)
        self.assertEqual(cube_sensitivity(2, 1), 3)
        self.assertEqual(cube_sensitivity(2, 2), 6)
        self.assertEqual(cube_sensitivity(4, 2), 10)  # 4 categories along one: 5 × 2

    def test_its_margin_of_one_count_is_the_exact_95_percent_interval(self) -> None:
        for scale in (0.5, 1.0, 2.0, 3.3, 10.0, 40.0):
            margin = cell_margin(scale)
            decay = math.exp(-1 / scale)

            def beyond(m: int, decay: float = decay) -> float:
                return 2 * decay ** (m + 1) / (1 + decay)  # P(|X| > m)

            self.assertLessEqual(beyond(margin), 0.05, scale)
            self.assertGreater(beyond(margin - 1), 0.05, scale)
            self.assertEqual(sum_margin(scale, 1), margin)

    def test_its_margins_of_totals_grow_with_the_cells_they_sum(self) -> None:
        margins = [sum_margin(SCALE, terms) for terms in (1, 2, 5, 20, 100)]
        self.assertEqual(margins, sorted(set(margins)))

    @tag("slow")
    def test_its_margins_cover_at_least_95_percent_of_errors(self) -> None:
        table = sparse_table(8)
        inner_margin = cell_margin(SCALE)
        total_margin = sum_margin(SCALE, 8)
        inner_hits = total_hits = runs = 0
        for _ in range(400):
            cells = add_noise(table, 0.5)
            inner_hits += sum(cells[(f"c{index}",)].count <= inner_margin for index in range(8))
            total_hits += cells[(TOTAL,)].count <= total_margin
            runs += 1
        self.assertGreaterEqual(inner_hits / (8 * runs), 0.94)
        # All true counts are 0, so clamping adds the most it can; the margin still holds.
        self.assertGreaterEqual(total_hits / runs, 0.95)


@override_settings(WAYPOINT_DP_BUDGET=1.0)
class PrivacyBudgetLedgerTests(BaseTestCase):
    def release(self, epsilon: float, dataset: str = "national-2025") -> ProtectedTable:
        release = PrivateRelease(dataset, epsilon, description="Annual report, table 1")
        return protect(VICTIMS, actor=self.amara, public=True, release=release)

    def test_it_records_each_spend(self) -> None:
        self.release(0.25)
        spend = PrivacySpend.objects.get()
        self.assertEqual(spend.dataset, "national-2025")
        self.assertEqual(spend.table_id, "victims_by_sex_year")
        self.assertEqual(spend.epsilon, Decimal("0.25"))
        self.assertEqual((spend.actor, spend.actor_username), (self.amara, "amara"))
        self.assertEqual(spend.description, "Annual report, table 1")
        self.assertIsNotNone(spend.spent_at)
        self.assertEqual(remaining_budget("national-2025"), 0.75)

    def test_it_writes_the_release_to_the_audit_log(self) -> None:
        self.release(0.25)
        event = AuditEvent.objects.get(action="statistics_release")
        self.assertEqual(event.actor, self.amara)
        self.assertEqual(event.organisation, self.org_a)
        self.assertEqual(event.target_id, str(PrivacySpend.objects.get().public_id))
        self.assertEqual(event.details, {"public": True, "table": "victims_by_sex_year"})

    def test_it_refuses_an_overspend_naming_the_dataset_what_is_left_and_the_request(self) -> None:
        self.release(0.7)
        with self.assertRaises(BudgetExceeded) as refused:
            self.release(0.5)
        self.assertEqual(
            str(refused.exception),
            "The privacy budget of dataset “national-2025” has ε = 0.3 left; "
            "this release asks for ε = 0.5.",
        )
        self.assertEqual(PrivacySpend.objects.count(), 1)
        self.assertAlmostEqual(remaining_budget("national-2025"), 0.3)
        self.assertEqual(AuditEvent.objects.filter(action="statistics_release").count(), 1)

    def test_it_spends_the_budget_to_the_last_decimal(self) -> None:
        for _ in range(10):
            self.release(0.1)
        self.assertEqual(remaining_budget("national-2025"), 0.0)
        with self.assertRaises(BudgetExceeded):
            self.release(0.000001)

    def test_it_takes_a_datasets_own_budget_over_the_setting(self) -> None:
        PrivacyBudget.objects.create(dataset="pilot", epsilon=Decimal("0.2"))
        self.assertEqual(remaining_budget("pilot"), 0.2)
        with self.assertRaisesMessage(BudgetExceeded, "has ε = 0.2 left"):
            self.release(0.3, dataset="pilot")
        self.assertEqual(remaining_budget("other"), 1.0)

    @override_settings(WAYPOINT_DP_BUDGET=3.0)
    def test_it_takes_the_default_budget_from_the_setting(self) -> None:
        self.release(2.5)
        self.assertEqual(remaining_budget("national-2025"), 0.5)

    def test_it_keeps_the_budgets_of_datasets_apart(self) -> None:
        self.release(0.9, dataset="national-2025")
        self.release(0.9, dataset="regional-2025")
        self.assertAlmostEqual(remaining_budget("national-2025"), 0.1)
        self.assertAlmostEqual(remaining_budget("regional-2025"), 0.1)

    def test_it_records_the_epsilon_rounded_up_never_down(self) -> None:
        self.release(0.1234561)
        self.assertEqual(PrivacySpend.objects.get().epsilon, Decimal("0.123457"))

    def test_it_shows_no_budget_left_when_a_lowered_budget_is_overspent(self) -> None:
        self.release(0.8)
        PrivacyBudget.objects.filter(dataset="national-2025").update(epsilon=Decimal("0.5"))
        self.assertEqual(remaining_budget("national-2025"), 0.0)

    def test_it_spends_nothing_when_the_release_fails(self) -> None:
        huge = make_cube({"year": ["2024"]}, {("2024",): 3_000_000_000})
        with self.assertRaises(ValueError):
            protect(
                huge, actor=self.amara, public=True, release=PrivateRelease("national-2025", 0.5)
            )
        self.assertFalse(PrivacySpend.objects.exists())
        self.assertEqual(remaining_budget("national-2025"), 1.0)

    def test_it_never_deletes_or_changes_a_spend(self) -> None:
        self.release(0.5)
        spend = PrivacySpend.objects.get()
        with self.assertRaises(LedgerError):
            spend.delete()
        with self.assertRaises(LedgerError):
            PrivacySpend.objects.all().delete()
        spend.epsilon = Decimal("0.1")
        with self.assertRaises(LedgerError):
            spend.save()
        self.assertEqual(remaining_budget("national-2025"), 0.5)

    def test_it_keeps_the_spend_of_a_deleted_user(self) -> None:
        self.release(0.5)
        self.amara.delete()
        spend = PrivacySpend.objects.get()
        self.assertEqual((spend.actor, spend.actor_username), (None, "amara"))

    def test_it_shows_the_ledger_to_the_platform_administrator_read_only(self) -> None:
        self.release(0.25)
        self.client.force_login(self.eve)
        listing = self.client.get("/admin/analytics/privacyspend/")
        self.assertContains(listing, "victims_by_sex_year")
        spend = PrivacySpend.objects.get()
        page = self.client.get(f"/admin/analytics/privacyspend/{spend.pk}/change/")
        self.assertNotContains(page, 'name="_save"')
        self.assertEqual(self.client.get("/admin/analytics/privacyspend/add/").status_code, 403)


@tag("slow")
@unittest.skipUnless(connection.vendor == "postgresql", "needs concurrent writers")
@override_settings(WAYPOINT_DP_BUDGET=1.0)
class ConcurrentSpendTests(TransactionTestCase):
    # Reference data comes from data migrations; restore it after this test's flush.
    serialized_rollback = True

    def test_two_releases_cannot_both_spend_the_last_of_a_budget(self) -> None:
        user = User.objects.create_user("statistician")
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def spend() -> None:
            try:
                barrier.wait(timeout=10)
                spend_budget(dataset="national-2025", epsilon=0.6, table_id="t", actor=user)
                outcomes.append("spent")
            except BudgetExceeded:
                outcomes.append("refused")
            except BaseException as error:  # shown in the failure below
                outcomes.append(repr(error))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=spend) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        self.assertEqual(sorted(outcomes), ["refused", "spent"])
        self.assertAlmostEqual(remaining_budget("national-2025"), 0.4)
