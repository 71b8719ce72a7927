"""A reporting officer fills an annual return through the web form and submits it; a second
officer of the organisation approves it; the regional table then counts it beside the return a
partner of the reporting community had submitted."""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib.auth.models import User
from playwright.sync_api import expect

from browser_tests.base import BrowserTestCase
from waypoint.orgs.models import Membership, Organisation, Role
from waypoint.returns import actions
from waypoint.returns.actions import Entry
from waypoint.returns.models import Questionnaire, ReportingCommunity, Return, Status
from waypoint.web.tests.helpers import give_device

PASSWORD = "correct horse battery staple"
ARRESTED = "som_smugglers_arrested"


class ReturnJourney(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        org_a = Organisation.objects.create(
            code="ORG-A", name="Organisation A", type="national_authority", country="ITA"
        )
        org_b = Organisation.objects.create(
            code="ORG-B", name="Organisation B", type="national_authority", country="GRC"
        )
        community = ReportingCommunity.objects.create(code="med", name="Mediterranean")
        community.members.set([org_a, org_b])
        users = {}
        for name, organisation in (("rita", org_a), ("omar", org_a), ("basil", org_b)):
            users[name] = User.objects.create_user(name, password=PASSWORD)
            Membership.objects.create(
                user=users[name], organisation=organisation, role=Role.REPORTER
            )
            give_device(users[name])
        self.omar = users["omar"]
        bianca = User.objects.create_user("bianca", password=PASSWORD)
        Membership.objects.create(user=bianca, organisation=org_b, role=Role.ORG_ADMIN)
        # The partner's return for 2024 is in already: 30 smugglers arrested.
        annual = Questionnaire.objects.get(code="annual")
        theirs = actions.start(
            actor=users["basil"], organisation=org_b, questionnaire=annual, period="2024"
        )
        actions.set_figures(
            actor=users["basil"], ret=theirs, entries=[Entry(ARRESTED, {}, Decimal(30))]
        )
        actions.submit(actor=users["basil"], ret=theirs)
        actions.approve(actor=bianca, ret=theirs)

    def test_a_return_filled_on_the_form_and_approved_enters_the_regional_table(self) -> None:
        page = self.page
        self.sign_in("rita", PASSWORD)
        page.goto(self.url("/returns/new/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("New return")
        form = page.locator("form.new-return")
        form.get_by_label("Questionnaire").select_option("annual")
        form.get_by_label("Period").fill("2024")
        form.get_by_role("button", name="Start a draft").click()

        page.wait_for_url(re.compile(r"/returns/[0-9a-f-]+/edit/$"))
        page.locator(f'[name="{ARRESTED}.total-value"]').fill("42")
        page.get_by_role("button", name="Save and submit for approval").click()
        page.wait_for_url(re.compile(r"/returns/[0-9a-f-]+/$"))
        expect(page.locator(".status").first).to_have_text("Awaiting approval")
        ours = Return.objects.get(organisation__code="ORG-A")
        self.assertEqual(ours.status, Status.AWAITING_APPROVAL)
        self.assertEqual(ours.values.get(indicator__code=ARRESTED).value, 42)
        detail = page.url

        # The partner's figures stay closed until the return is approved.
        regional = (
            f"/returns/regional/?questionnaire=annual&indicator={ARRESTED}"
            "&period_from=2024&period_to=2024"
        )
        page.goto(self.url(regional))
        coverage = page.get_by_role("region", name="Who reported, and how")
        expect(coverage.get_by_role("row", name=re.compile("^ORG-B"))).to_contain_text(
            "not reported"
        )

        self.open_context()
        self.sign_in("omar", PASSWORD)
        page = self.page
        page.goto(detail)
        page.get_by_role("button", name="Approve").click()
        expect(page.locator(".status").first).to_have_text("Submitted")
        ours.refresh_from_db()
        self.assertEqual((ours.status, ours.approved_by_id), (Status.SUBMITTED, self.omar.pk))

        page.goto(self.url(regional))
        expect(page.get_by_role("heading", level=1)).to_have_text("Regional tables")
        # 42 of Organisation A and 30 of Organisation B, each from its return.
        expect(page.locator("table").first).to_contain_text("72")
        coverage = page.get_by_role("region", name="Who reported, and how")
        for code in ("ORG-A", "ORG-B"):
            row = coverage.get_by_role("row", name=re.compile(f"^{code}"))
            expect(row).to_contain_text("return, version 1")
        self.assert_accessible("returns-regional")
