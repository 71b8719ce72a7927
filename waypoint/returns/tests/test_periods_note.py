"""The new-return form's note on periods: what the officer's organisation submitted, and how many
partners of its reporting communities submitted for each period (counts, never who or what),
so that the officer sees what submitting opens."""

from __future__ import annotations

from typing import Any

from waypoint.orgs.access import partners_submitted
from waypoint.orgs.models import Organisation, Role
from waypoint.returns import actions
from waypoint.returns.models import Questionnaire, ReportingCommunity
from waypoint.returns.tests.test_pages import VICTIMS, ReturnsPageTestCase, entry


class PeriodsNoteTestCase(ReturnsPageTestCase):
    """Org A, Org B and Org D form a community; Org C (Cyril and Cora record) is outside it."""

    org_d: Organisation
    dora: Any
    dino: Any
    cyril: Any
    cora: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.org_d = Organisation.objects.create(
            code="ORG-D", name="Organisation D", type="ngo", country="ESP"
        )
        cls.community.members.add(cls.org_d)
        cls.dora = cls.make_user("dora", cls.org_d, Role.REPORTER)
        cls.dino = cls.make_user("dino", cls.org_d, Role.ORG_ADMIN)
        cls.cyril = cls.make_user("cyril", cls.org_c, Role.REPORTER)
        cls.cora = cls.make_user("cora", cls.org_c, Role.ORG_ADMIN)

    def pair(self, organisation: Organisation) -> tuple[Any, Any]:
        if organisation == self.org_c:
            return self.cyril, self.cora
        if organisation == self.org_d:
            return self.dora, self.dino
        return super().pair(organisation)

    def setUp(self) -> None:
        super().setUp()
        # 2023: Org B and Org D submitted; 2022: Org B only, twice (a revision); 2024: Org B's
        # return awaits approval and Org D's is a draft; Org C, outside, submitted 2021.
        self.submitted("2023", organisation=self.org_b)
        self.submitted("2023", organisation=self.org_d)
        first = self.submitted("2022", organisation=self.org_b)
        revision = actions.revise(actor=self.basil, ret=first, reason="late")
        actions.submit(actor=self.basil, ret=revision)
        actions.approve(actor=self.bianca, ret=revision)
        pending = self.drafted("2024", self.org_b, [entry(VICTIMS, 4)])
        actions.submit(actor=self.basil, ret=pending)
        self.drafted("2024", self.org_d)
        self.submitted("2021", organisation=self.org_c)


class PartnersSubmittedTests(PeriodsNoteTestCase):
    def test_it_counts_the_partners_that_submitted_each_period(self) -> None:
        self.assertEqual(partners_submitted(self.bruno, self.annual), {"2023": 2, "2022": 1})
        self.assertEqual(partners_submitted(self.amara, self.annual), {"2023": 2, "2022": 1})

    def test_it_counts_nothing_outside_the_users_communities(self) -> None:
        self.assertEqual(partners_submitted(self.carla, self.annual), {})
        self.assertEqual(partners_submitted(self.dana, self.annual), {})
        self.assertEqual(partners_submitted(self.eve, self.annual), {})

    def test_it_never_counts_the_users_own_organisation_or_another_questionnaire(self) -> None:
        self.submitted("2023")
        self.assertEqual(partners_submitted(self.chen, self.annual), {"2023": 2})
        monthly = Questionnaire.objects.get(code="border-monthly")
        self.assertEqual(partners_submitted(self.bruno, monthly), {})

    def test_an_inactive_partner_is_not_counted(self) -> None:
        Organisation.objects.filter(pk=self.org_d.pk).update(is_active=False)
        self.assertEqual(partners_submitted(self.bruno, self.annual), {"2023": 1, "2022": 1})

    def test_a_second_community_adds_its_partners(self) -> None:
        other = ReportingCommunity.objects.create(code="west", name="West")
        other.members.set([self.org_a, self.org_c])
        self.assertEqual(
            partners_submitted(self.bruno, self.annual), {"2023": 2, "2022": 1, "2021": 1}
        )


class NewReturnPageTests(PeriodsNoteTestCase):
    def test_it_tells_the_officer_which_periods_partners_have_submitted(self) -> None:
        self.drafted("2023")
        self.submitted("2020")
        response = self.page(self.bruno, "/returns/new/")
        self.assertWellFormed(response)
        note = response.context["note"]
        self.assertEqual(note.questionnaire, self.annual)
        self.assertEqual(
            [(p.period, p.partners, [o.status for o in p.own]) for p in note.periods],
            [("2023", 2, ["draft"]), ("2022", 1, []), ("2020", 0, ["submitted"])],
        )
        self.assertEqual([p.period for p in note.periods if p.closed], ["2023", "2022"])
        self.assertContains(response, "Partners who submitted")
        self.assertContains(response, "submit to read the partners")
        # Counts only: no partner is named, no figure shown.
        for code in ("ORG-B", "ORG-D", "ORG-C"):
            self.assertNotContains(response, code)

    def test_the_note_follows_the_chosen_questionnaire(self) -> None:
        response = self.page(self.bruno, "/returns/new/?questionnaire=border-monthly")
        self.assertEqual(response.context["note"].questionnaire.code, "border-monthly")
        self.assertEqual(response.context["note"].periods, ())
        self.assertContains(response, "Neither your organisation nor its partners have a return")
        self.assertContains(response, '<option value="border-monthly" selected>', html=False)
        self.assertContains(response, "/returns/new/?questionnaire=annual")
        refused = self.post(
            self.bruno,
            "/returns/new/",
            {"new-questionnaire": "annual", "new-period": "2023-Q1"},
        )
        self.assertEqual(refused.context["note"].questionnaire, self.annual)

    def test_submitting_for_a_period_is_shown_as_what_opens_it(self) -> None:
        self.submitted("2023")
        note = self.page(self.bruno, "/returns/new/").context["note"]
        first = note.periods[0]
        self.assertEqual((first.period, first.closed), ("2023", False))
        self.community.window = 1
        self.community.save()
        response = self.page(self.bruno, "/returns/new/")
        self.assertContains(
            response, "In Mediterranean, submitting for a period also opens the following period."
        )

    def test_an_organisation_outside_the_community_learns_nothing_of_it(self) -> None:
        response = self.page(self.cyril, "/returns/new/")
        note = response.context["note"]
        self.assertFalse(note.community)
        self.assertEqual([(p.period, p.partners) for p in note.periods], [("2021", 0)])
        self.assertContains(response, "belongs to no reporting community")
        self.assertNotContains(response, "Partners who submitted")
