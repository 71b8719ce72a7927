"""Aggregate returns: periods, the checks a return passes, four-eyes submission, versioned
revision and reciprocity."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import SimpleTestCase, override_settings

from waypoint.audit.models import AuditEvent
from waypoint.orgs.access import AccessDenied, visible_returns
from waypoint.orgs.models import Organisation, Role
from waypoint.returns import actions
from waypoint.returns.actions import Entry, ReturnRefused
from waypoint.returns.models import Indicator, Questionnaire, ReportingCommunity, Return, Status
from waypoint.returns.periods import Period, PeriodError
from waypoint.returns.validation import Severity
from waypoint.test import BaseTestCase

VICTIMS = "tip_victims_detected"
CONVICTED = "tip_persons_convicted"


def entry(
    indicator: str, value: Any, censored_below: int | None = None, **categories: str
) -> Entry:
    number = None if value is None else Decimal(str(value))
    return Entry(indicator, categories, number, censored_below)


class PeriodTests(SimpleTestCase):
    def test_it_reads_years_quarters_and_months(self) -> None:
        self.assertEqual(str(Period.parse("2024")), "2024")
        self.assertEqual(str(Period.parse(" 2024-Q2 ")), "2024-Q2")
        self.assertEqual(str(Period.parse("2024-03")), "2024-03")
        self.assertEqual(Period.parse("2024-Q4").end.isoformat(), "2024-12-31")
        self.assertEqual(Period.parse("2024-02").end.isoformat(), "2024-02-29")

    def test_it_steps_back_and_forth_across_years(self) -> None:
        self.assertEqual(str(Period.parse("2024-Q1").previous()), "2023-Q4")
        self.assertEqual(str(Period.parse("2023-Q4").following()), "2024-Q1")
        self.assertEqual(str(Period.parse("2024-01").previous()), "2023-12")
        self.assertEqual(str(Period.parse("2023-12").following()), "2024-01")
        self.assertEqual([str(p) for p in Period.parse("2024").back(2)], ["2024", "2023", "2022"])

    def test_it_says_what_a_period_looks_like(self) -> None:
        for text in ("24", "2024-Q5", "2024-13", "2024/03", "1800"):
            with self.subTest(text), self.assertRaises(PeriodError) as raised:
                Period.parse(text)
            self.assertTrue(
                "2024-Q2" in str(raised.exception) or "outside" in str(raised.exception)
            )


class ReturnsTestCase(BaseTestCase):
    annual: Questionnaire
    basil: Any
    bianca: Any
    rita: Any  # a second reporting officer of Org A: the second pair of eyes

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.annual = Questionnaire.objects.get(code="annual")
        cls.rita = cls.make_user("rita", cls.org_a, Role.REPORTER)
        cls.basil = cls.make_user("basil", cls.org_b, Role.REPORTER)
        cls.bianca = cls.make_user("bianca", cls.org_b, Role.ORG_ADMIN)

    def new_return(
        self, period: str = "2023", organisation: Organisation | None = None, actor: Any = None
    ) -> Return:
        return actions.start(
            actor=actor or self.bruno,
            organisation=organisation or self.org_a,
            questionnaire=self.annual,
            period=period,
        )

    def submitted(
        self, period: str, entries: list[Entry], organisation: Organisation | None = None
    ) -> Return:
        """A return through the whole workflow: drafted, filled, submitted, approved."""
        organisation = organisation or self.org_a
        drafter, approver = (
            (self.bruno, self.rita) if organisation == self.org_a else (self.basil, self.bianca)
        )
        ret = self.new_return(period, organisation, drafter)
        actions.set_figures(actor=drafter, ret=ret, entries=entries)
        actions.submit(actor=drafter, ret=ret)
        actions.approve(actor=approver, ret=ret)
        ret.refresh_from_db()
        return ret

    def messages(self, entries: list[Entry], period: str = "2023") -> list[tuple[str, str, str]]:
        ret = self.new_return(period)
        found = actions.set_figures(actor=self.bruno, ret=ret, entries=entries)
        return [(f.code, f.severity.value, f.message) for f in found]


class CatalogueTests(ReturnsTestCase):
    def test_it_ships_the_annual_questionnaire_and_the_monthly_border_one(self) -> None:
        items = list(self.annual.items.select_related("indicator"))
        codes = [item.indicator.code for item in items]
        self.assertEqual(len(codes), 24)
        self.assertEqual(codes[0], "som_irregular_migrants_detected")
        self.assertIn(VICTIMS, codes)
        # Smuggling, trafficking, violence, then assistance and protection of victims and
        # international cooperation, the themes of the CCPCJ discussion guide.
        self.assertEqual(sorted({item.number[0] for item in items}), ["A", "B", "C", "D", "E"])
        requests = Indicator.objects.get(code="coop_mla_requests_sent")
        self.assertEqual(
            (requests.unit, requests.breakdowns),
            ("requests", ["country", "offence", "counterpart"]),
        )
        monthly = Questionnaire.objects.get(code="border-monthly")
        self.assertEqual(monthly.period_kind, "month")
        victims = Indicator.objects.get(code=VICTIMS)
        self.assertEqual(
            victims.breakdowns, ["country", "sex", "age_group", "exploitation", "citizenship"]
        )
        self.assertEqual(victims.name, "Detected victims of trafficking in persons")

    def test_administrators_add_indicators_without_code(self) -> None:
        added = Indicator.objects.create(
            code="tip_children_placed",
            names={"en": "Children placed in care"},
            unit="persons",
            period_kind="year",
            breakdowns=["sex"],
        )
        self.annual.items.create(indicator=added, position=99, number="B.9")
        ret = self.new_return()
        found = actions.set_figures(
            actor=self.bruno, ret=ret, entries=[entry("tip_children_placed", 3, sex="female")]
        )
        self.assertEqual(found, [])


class ValidationTests(ReturnsTestCase):
    def test_it_takes_cooperation_requests_by_offence_and_other_state(self) -> None:
        sent = "coop_mla_requests_sent"
        found = self.messages(
            [
                entry(sent, 7),
                entry(sent, 5, counterpart="LBY"),
                entry(sent, 2, counterpart="TUN"),
                entry(sent, 7, offence="08051"),
            ]
        )
        self.assertEqual(found, [])
        found = self.messages([entry(sent, 1, counterpart="LBA")], period="2024")
        self.assertEqual(found[0][0], "code")
        self.assertTrue(found[0][2].startswith("LBA is not a code of other State."), found)

    def test_it_accepts_breakdowns_that_add_up(self) -> None:
        found = self.messages(
            [
                entry(VICTIMS, 10),
                entry(VICTIMS, 6, sex="female"),
                entry(VICTIMS, 3, sex="male"),
                entry(VICTIMS, 1, sex="unknown"),
                entry(VICTIMS, 4, sex="female", age_group="child"),
                entry(VICTIMS, 2, sex="female", age_group="adult"),
            ]
        )
        self.assertEqual(found, [])

    def test_it_asks_to_declare_the_unknown_part_of_a_total(self) -> None:
        found = self.messages(
            [entry(VICTIMS, 10), entry(VICTIMS, 6, sex="female"), entry(VICTIMS, 3, sex="male")]
        )
        self.assertEqual(
            found,
            [
                (
                    "sum",
                    "error",
                    "The figures by sex add up to 9, less than the figure they break down (10): "
                    "declare the difference as “unknown”.",
                )
            ],
        )

    def test_it_refuses_breakdowns_that_add_up_to_more_than_their_total(self) -> None:
        found = self.messages(
            [
                entry(VICTIMS, 6, sex="female"),
                entry(VICTIMS, 4, sex="female", age_group="child"),
                entry(VICTIMS, 3, sex="female", age_group="adult"),
            ]
        )
        self.assertEqual(found[0][0], "sum")
        self.assertEqual(
            found[0][2],
            "The figures by age group add up to 7, more than the figure they break down (6).",
        )

    def test_a_victim_may_count_under_several_forms_of_exploitation(self) -> None:
        found = self.messages(
            [
                entry(VICTIMS, 6),
                entry(VICTIMS, 4, exploitation="forced_labour"),
                entry(VICTIMS, 3, exploitation="sexual_exploitation"),
            ]
        )
        self.assertEqual(found, [])
        fewer = self.messages([entry(VICTIMS, 9), entry(VICTIMS, 4, exploitation="other")], "2022")
        self.assertEqual([code for code, *_ in fewer], ["sum"])

    def test_a_censored_part_counts_as_anything_below_its_bound(self) -> None:
        parts = [
            entry(VICTIMS, None, censored_below=5, sex="female"),
            entry(VICTIMS, 8, sex="male"),
        ]
        self.assertEqual(self.messages([entry(VICTIMS, 10), *parts]), [])
        self.assertEqual(self.messages([entry(VICTIMS, 13)], "2019") and [], [])
        too_many = self.messages([entry(VICTIMS, 13), *parts], "2020")
        self.assertEqual([code for code, *_ in too_many], ["sum"])
        self.assertIn("add up to 12, less than", too_many[0][2])

    def test_it_names_what_a_figure_may_be_broken_down_by(self) -> None:
        found = self.messages([entry(CONVICTED, 2, border_type="land")])
        self.assertEqual(
            found,
            [
                (
                    "breakdown",
                    "error",
                    "It is not broken down by border_type; it takes country, sex, age_group, "
                    "citizenship, exploitation.",
                )
            ],
        )

    def test_it_suggests_the_closest_code(self) -> None:
        found = self.messages([entry(VICTIMS, 2, citizenship="NGR")])
        self.assertEqual(found[0][0], "code")
        self.assertTrue(found[0][2].startswith("NGR is not a code of citizenship. Did you mean"))
        self.assertIn("NGA", found[0][2])

    def test_it_refuses_negative_figures_and_figures_both_given_and_censored(self) -> None:
        ret = self.new_return()
        with self.assertRaises(ReturnRefused) as refused:
            actions.set_figures(actor=self.bruno, ret=ret, entries=[entry(VICTIMS, -1)])
        self.assertEqual(
            [str(f) for f in refused.exception.findings],
            ["tip_victims_detected: A figure cannot be negative: -1."],
        )
        self.assertFalse(ret.values.exists())
        found = self.messages([entry(CONVICTED, 3, censored_below=5)], "2022")
        self.assertEqual([code for code, *_ in found], ["censored_and_given"])

    def test_it_refuses_an_indicator_the_questionnaire_does_not_ask_for(self) -> None:
        found = self.messages([entry("ibc_detections", 5)])
        self.assertEqual(found, [("indicator", "error", "This questionnaire does not ask for it.")])

    def test_it_refuses_a_period_of_the_wrong_kind(self) -> None:
        found = self.messages([entry(VICTIMS, 1)], period="2023-Q1")
        self.assertEqual(
            found,
            [
                (
                    "period_kind",
                    "error",
                    "This questionnaire is answered per year; 2023-Q1 is not one.",
                )
            ],
        )

    @override_settings(WAYPOINT_RETURNS_CHANGE_FACTOR=2.0)
    def test_it_warns_when_a_figure_moves_far_from_the_previous_period(self) -> None:
        self.submitted("2022", [entry(VICTIMS, 10), entry(CONVICTED, 4)])
        ret = self.new_return("2023")
        found = actions.set_figures(
            actor=self.bruno, ret=ret, entries=[entry(VICTIMS, 25), entry(CONVICTED, 3)]
        )
        self.assertEqual([(f.indicator, f.severity) for f in found], [(VICTIMS, Severity.WARNING)])
        self.assertEqual(
            found[0].message,
            "25 is more than 2 times above the previous period's 10: please make sure.",
        )
        actions.submit(actor=self.bruno, ret=ret)  # a warning does not stop a submission


class WorkflowTests(ReturnsTestCase):
    def test_a_second_member_approves_what_the_first_submitted(self) -> None:
        ret = self.new_return()
        actions.set_figures(actor=self.bruno, ret=ret, entries=[entry(VICTIMS, 4)])
        actions.submit(actor=self.bruno, ret=ret)
        ret.refresh_from_db()
        self.assertEqual(ret.status, Status.AWAITING_APPROVAL)
        with self.assertRaisesMessage(
            AccessDenied, "Another member of the organisation must approve"
        ):
            actions.approve(actor=self.bruno, ret=ret)
        with self.assertRaises(AccessDenied):
            actions.approve(actor=self.amara, ret=ret)  # an analyst records nothing
        actions.approve(actor=self.rita, ret=ret)
        ret.refresh_from_db()
        self.assertEqual(
            (ret.status, ret.submitted_by, ret.approved_by),
            (Status.SUBMITTED, self.bruno, self.rita),
        )
        changes = AuditEvent.objects.filter(target_id=str(ret.public_id), action="status_change")
        self.assertEqual(
            [e.details["to_status"] for e in changes.order_by("sequence")],
            ["awaiting_approval", "submitted"],
        )

    def test_it_refuses_to_submit_a_return_with_errors_and_says_which(self) -> None:
        ret = self.new_return()
        actions.set_figures(
            actor=self.bruno, ret=ret, entries=[entry(VICTIMS, 10), entry(VICTIMS, 4, sex="male")]
        )
        with self.assertRaises(ReturnRefused) as refused:
            actions.submit(actor=self.bruno, ret=ret)
        self.assertEqual([f.code for f in refused.exception.findings], ["sum"])
        ret.refresh_from_db()
        self.assertEqual(ret.status, Status.DRAFT)

    def test_a_submission_sent_back_is_a_draft_again(self) -> None:
        ret = self.new_return()
        actions.submit(actor=self.bruno, ret=ret)
        actions.send_back(actor=self.rita, ret=ret)
        ret.refresh_from_db()
        self.assertEqual((ret.status, ret.submitted_by), (Status.DRAFT, None))

    def test_nothing_submitted_is_ever_changed(self) -> None:
        ret = self.submitted("2023", [entry(VICTIMS, 4)])
        with self.assertRaisesMessage(ReturnRefused, "Only a draft can be changed"):
            actions.set_figures(actor=self.bruno, ret=ret, entries=[entry(VICTIMS, 5)])
        with self.assertRaisesMessage(ReturnRefused, "already has a return for 2023"):
            self.new_return("2023")

    def test_a_revision_is_a_new_version_with_its_reason(self) -> None:
        first = self.submitted("2023", [entry(VICTIMS, 4), entry(CONVICTED, 1)])
        with self.assertRaisesMessage(ReturnRefused, "Say why"):
            actions.revise(actor=self.bruno, ret=first, reason="  ")
        second = actions.revise(actor=self.bruno, ret=first, reason="Late court records")
        self.assertEqual(
            (second.version, second.status, second.reason), (2, Status.DRAFT, "Late court records")
        )
        self.assertEqual(second.values.count(), 2)
        actions.set_figures(
            actor=self.bruno, ret=second, entries=[entry(VICTIMS, 4), entry(CONVICTED, 2)]
        )
        actions.submit(actor=self.bruno, ret=second)
        actions.approve(actor=self.rita, ret=second)
        first.refresh_from_db()
        self.assertEqual(first.values.get(indicator__code=CONVICTED).value, 1)  # kept as it was
        self.assertEqual(list(Return.objects.current().filter(period="2023")), [second])
        with self.assertRaisesMessage(ReturnRefused, "Only the latest submitted version"):
            actions.revise(actor=self.bruno, ret=first, reason="again")

    def test_only_recorders_of_the_organisation_draft_its_returns(self) -> None:
        with self.assertRaises(AccessDenied):
            self.new_return(actor=self.amara)
        with self.assertRaises(AccessDenied):
            self.new_return(organisation=self.org_b)  # bruno is not a member of Org B


class ReciprocityTests(ReturnsTestCase):
    org_c: Organisation
    community: ReportingCommunity

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org_c = Organisation.objects.create(
            code="ORG-C", name="Organisation C", type="national_authority", country="FRA"
        )
        cls.community = ReportingCommunity.objects.create(code="med", name="Mediterranean")
        cls.community.members.set([cls.org_a, cls.org_b])

    def seen_by(self, user: Any) -> list[str]:
        return sorted(f"{r.organisation.code} {r.period}" for r in visible_returns(user))

    def test_an_organisation_that_has_not_submitted_sees_nothing_of_the_others(self) -> None:
        self.submitted("2023", [entry(VICTIMS, 4)], self.org_b)
        self.new_return("2023")  # a draft opens nothing
        self.assertEqual(self.seen_by(self.amara), ["ORG-A 2023"])
        self.assertEqual(self.seen_by(self.chen), ["ORG-B 2023"])

    def test_submitting_opens_the_same_period_of_the_community(self) -> None:
        self.submitted("2023", [entry(VICTIMS, 4)], self.org_b)
        self.submitted("2024", [entry(VICTIMS, 5)], self.org_b)
        self.submitted("2023", [entry(VICTIMS, 7)])
        self.assertEqual(self.seen_by(self.amara), ["ORG-A 2023", "ORG-B 2023"])
        self.assertEqual(self.seen_by(self.chen), ["ORG-A 2023", "ORG-B 2023", "ORG-B 2024"])

    def test_a_window_opens_later_periods_too(self) -> None:
        self.community.window = 1
        self.community.save()
        self.submitted("2024", [entry(VICTIMS, 5)], self.org_b)
        self.submitted("2023", [entry(VICTIMS, 7)])
        self.assertEqual(self.seen_by(self.amara), ["ORG-A 2023", "ORG-B 2024"])

    def test_each_community_opens_its_own_members_under_its_own_window(self) -> None:
        # Org A exchanges with Org B under the same-period rule, and with Org C under a
        # window of two later periods: each agreement applies to its own members only.
        wide = ReportingCommunity.objects.create(code="a-c", name="A and C", window=2)
        wide.members.set([self.org_a, self.org_c])
        clerk = self.make_user("clerk", self.org_c, Role.REPORTER)
        approver = self.make_user("approver", self.org_c, Role.REPORTER)
        for period in ("2023", "2024", "2025"):
            self.submitted(period, [entry(VICTIMS, 5)], self.org_b)
            ret = self.new_return(period, self.org_c, clerk)
            actions.set_figures(actor=clerk, ret=ret, entries=[entry(VICTIMS, 3)])
            actions.submit(actor=clerk, ret=ret)
            actions.approve(actor=approver, ret=ret)
        self.submitted("2023", [entry(VICTIMS, 7)])
        self.assertEqual(
            self.seen_by(self.amara),
            ["ORG-A 2023", "ORG-B 2023", "ORG-C 2023", "ORG-C 2024", "ORG-C 2025"],
        )
        # Org B is not in the wide community: Org A's 2023 return opens only 2023 for it.
        self.assertNotIn("ORG-C 2023", self.seen_by(self.chen))

    def test_drafts_and_pending_returns_stay_with_their_organisation(self) -> None:
        self.submitted("2023", [entry(VICTIMS, 7)])
        pending = self.new_return("2023", self.org_b, self.basil)
        actions.submit(actor=self.basil, ret=pending)
        self.assertEqual(self.seen_by(self.amara), ["ORG-A 2023"])
        self.assertEqual(self.seen_by(self.chen), ["ORG-B 2023"])

    def test_organisations_outside_the_community_see_nothing(self) -> None:
        self.submitted("2023", [entry(VICTIMS, 4)], self.org_b)
        carla = self.make_user("carla", self.org_c, Role.ANALYST)
        self.assertEqual(self.seen_by(carla), [])
        self.assertEqual(self.seen_by(self.dana), [])  # no organisation at all
