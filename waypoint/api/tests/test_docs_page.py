"""The interactive API documentation works in a browser under the site's strict CSP."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.test import override_settings
from playwright.sync_api import expect

from browser_tests.base import BrowserTestCase
from waypoint.api.actions import create_token
from waypoint.orgs.models import Membership, Organisation, Role


@override_settings(WAYPOINT_API_RATE="100000/min")
class DocsPageJourney(BrowserTestCase):
    def test_it_documents_the_api_and_tries_a_request_with_a_token(self) -> None:
        organisation = Organisation.objects.create(
            code="ORG-A", name="Organisation A", type="national_authority", country="ITA"
        )
        amara = User.objects.create_user("amara")
        Membership.objects.create(user=amara, organisation=organisation, role=Role.ANALYST)
        _, token = create_token(actor=amara, name="docs")
        errors: list[str] = []
        self.page.on("pageerror", lambda error: errors.append(str(error)))

        self.page.goto(self.url("/api/v1/docs"))
        expect(self.page.get_by_text("Waypoint API").first).to_be_visible()
        operation = self.page.locator("#operations-incidents-list_incidents")
        expect(operation).to_be_visible()

        self.page.get_by_role("button", name="Authorize").first.click()
        self.page.locator(".modal-ux input").fill(token)
        self.page.locator(".modal-ux button.authorize").click()
        self.page.locator(".modal-ux button.btn-done").click()

        operation.locator(".opblock-summary").click()
        operation.get_by_role("button", name="Try it out").click()
        operation.get_by_role("button", name="Execute").click()
        expect(
            operation.locator(".live-responses-table tbody .response-col_status").first
        ).to_have_text("200")
        self.screenshot("api-docs")
        self.assertEqual(errors, [])
        self.assertEqual(self.csp_violations, [])
