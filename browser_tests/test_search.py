"""Finding incidents and reading them: an analyst finds a record by search and by an identifier,
reveals a protected value in place; a partner's analyst sees the de-identified view."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User
from playwright.sync_api import expect

from browser_tests.base import BrowserTestCase
from waypoint.audit.models import Action, AuditEvent
from waypoint.cases.models import Incident, Label, Person, PersonIdentifier, RouteLeg
from waypoint.orgs.models import Membership, Organisation, Role, SharingAgreement
from waypoint.web.tests.helpers import give_device

PASSWORD = "correct horse battery staple"
NARRATIVE = "Held for three weeks in a warehouse outside Sabha"


class SearchJourney(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        org_a = Organisation.objects.create(
            code="ORG-A", name="Organisation A", type="national_authority", country="ITA"
        )
        org_b = Organisation.objects.create(
            code="ORG-B", name="Organisation B", type="national_authority", country="GRC"
        )
        SharingAgreement.objects.create(owner=org_a, partner=org_b)
        for username, organisation in (("amara", org_a), ("chen", org_b)):
            user = User.objects.create_user(username, password=PASSWORD)
            Membership.objects.create(user=user, organisation=organisation, role=Role.ANALYST)
            give_device(user)
        for number in range(12):
            Incident.objects.create(
                owner=org_a,
                reference=f"ITA-{number:03d}",
                label=Label.GREEN,
                kinds=["smuggling_of_migrants"],
                date_start=datetime.date(2023, 1, 1 + number),
                date_precision="day",
                country="ITA",
            )
        self.record = Incident.objects.create(
            owner=org_a,
            reference="LAMPEDUSA-0917",
            label=Label.AMBER,
            kinds=["smuggling_of_migrants", "violence_against_migrants"],
            date_start=datetime.date(2024, 9, 17),
            date_precision="day",
            country="ITA",
            admin_area="Sicily",
            place="Lampedusa harbour",
            migration_route="central_mediterranean",
            narrative=NARRATIVE,
        )
        RouteLeg.objects.create(
            incident=self.record, sequence=1, from_country="NER", to_country="LBY", mode="land"
        )
        RouteLeg.objects.create(
            incident=self.record, sequence=2, from_country="LBY", to_country="ITA", mode="sea"
        )
        migrant = Person.objects.create(
            incident=self.record, role="smuggled_migrant", sex="female", citizenship="ERI"
        )
        PersonIdentifier.objects.create(person=migrant, kind="phone", value="+291 7 123 456")

    def test_it_finds_an_incident_by_search_and_opens_it(self) -> None:
        self.sign_in("amara", PASSWORD)
        self.page.goto(self.url("/incidents/"))
        expect(self.page.get_by_role("status")).to_contain_text("13 incidents you may see")
        self.page.get_by_label("Search text").fill("lampedusa")
        self.page.get_by_role("button", name="Search").click()
        expect(self.page.get_by_role("status")).to_contain_text("1 incident matches")
        self.screenshot("search-results")
        self.page.get_by_role("link", name="LAMPEDUSA-0917").click()
        expect(self.page.get_by_role("heading", level=1)).to_have_text(
            "Incident LAMPEDUSA-0917 of ORG-A"
        )
        expect(self.page.locator("ol.route")).to_have_text("Niger Libya Italy", use_inner_text=True)
        self.assertEqual(self.csp_violations, [])

    def test_it_filters_saves_the_filters_and_applies_them_again(self) -> None:
        self.sign_in("amara", PASSWORD)
        self.page.goto(self.url("/incidents/"))
        self.page.get_by_text("Filters", exact=True).click()
        self.page.get_by_label("Migration route").select_option("central_mediterranean")
        self.page.get_by_role("button", name="Search").click()
        expect(self.page.get_by_role("status")).to_contain_text("1 incident matches")
        self.page.get_by_label("Save these filters as").fill("Central Mediterranean")
        self.page.get_by_role("button", name="Save", exact=True).click()
        expect(self.page.get_by_role("status").first).to_contain_text("saved")
        self.page.goto(self.url("/incidents/"))
        self.page.get_by_role("link", name="Central Mediterranean").click()
        expect(self.page.get_by_role("row")).to_have_count(2)  # header and the one record
        self.screenshot("search-saved-filter")

    def test_it_finds_a_record_by_an_identifier_without_showing_it(self) -> None:
        self.sign_in("amara", PASSWORD)
        self.page.goto(self.url("/incidents/"))
        self.page.get_by_text("Find an identifier").click()
        self.page.get_by_label("Identifier", exact=True).fill("00291 7123456")
        self.page.get_by_role("button", name="Find").click()
        expect(self.page.get_by_role("status")).to_contain_text("1 incident records this")
        expect(self.page.get_by_role("link", name="LAMPEDUSA-0917")).to_be_visible()
        self.assertNotIn("291", self.page.url)
        self.assertEqual(AuditEvent.objects.filter(action=Action.IDENTIFIER_SEARCH).count(), 1)
        self.screenshot("search-identifier")

    def test_it_reveals_a_protected_value_in_place_with_a_reason(self) -> None:
        self.sign_in("amara", PASSWORD)
        self.page.goto(self.url(f"/incidents/{self.record.public_id}/"))
        self.page.get_by_role("link", name="Reveal narrative").click()
        reason = self.page.get_by_label("Why do you need to see it?")
        expect(reason).to_be_focused()
        reason.fill("Preparing the referral to the prosecutor")
        self.page.get_by_role("button", name="Reveal", exact=True).click()
        expect(self.page.locator(".revealed")).to_have_text(NARRATIVE)
        self.assertEqual(self.page.url, self.url(f"/incidents/{self.record.public_id}/"))
        event = AuditEvent.objects.get(action=Action.REVEAL)
        self.assertEqual(event.justification, "Preparing the referral to the prosecutor")
        self.screenshot("record-revealed-in-place")
        self.assertEqual(self.csp_violations, [])

    def test_it_shows_a_partners_analyst_the_de_identified_view(self) -> None:
        self.sign_in("chen", PASSWORD)
        self.page.goto(self.url("/incidents/?label=amber"))
        self.page.get_by_role("link", name="LAMPEDUSA-0917").click()
        note = self.page.get_by_role("note")
        expect(note).to_contain_text("De-identified view")
        expect(note).to_contain_text("belongs to another organisation")
        main = self.page.get_by_role("main")
        expect(main).not_to_contain_text(NARRATIVE)
        expect(main).not_to_contain_text("withheld")
        expect(main).not_to_contain_text("Narrative")
        expect(self.page.get_by_role("link", name="Reveal")).to_have_count(0)
        expect(main).to_contain_text("Eritrea")
        self.screenshot("record-de-identified")
        self.assertEqual(self.csp_violations, [])

    def test_it_is_usable_at_360_pixels_and_in_arabic(self) -> None:
        self.page.set_viewport_size({"width": 360, "height": 740})
        self.sign_in("chen", PASSWORD)
        for path in ("/incidents/?year=2023", f"/incidents/{self.record.public_id}/"):
            self.page.goto(self.url(path))
            width = self.page.evaluate("document.documentElement.scrollWidth")
            self.assertLessEqual(width, 360, path)
        self.screenshot("record-360")
        self.page.goto(self.url("/incidents/"))
        self.screenshot("search-360")
        self.page.get_by_label("Language").select_option("ar")
        self.page.locator("form:has(#language) button[type=submit]").click()
        expect(self.page.locator("html")).to_have_attribute("dir", "rtl")
        width = self.page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 360)
        self.page.set_viewport_size({"width": 1100, "height": 800})
        self.screenshot("search-arabic")
