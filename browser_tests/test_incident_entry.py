"""A reporting officer records an incident as a new user would: two victims, an offender and a
three-leg route, in the guided form, and lands on the incident page."""

from __future__ import annotations

from django.contrib.auth.models import User
from playwright.sync_api import expect

from browser_tests.base import PHONE, SCREENSHOTS, BrowserTestCase
from waypoint.cases.actions import record_incident
from waypoint.cases.models import Incident, Label, Person, Status
from waypoint.cases.validation import IncidentDraft, PersonDraft
from waypoint.orgs.models import Membership, Organisation, Role, SharingAgreement
from waypoint.web.tests.helpers import give_device

PASSWORD = "correct horse battery staple"


class IncidentEntryJourney(BrowserTestCase):
    def setUp(self) -> None:
        super().setUp()
        org_a = Organisation.objects.create(
            code="ITA-POL", name="State Police", type="national_authority", country="ITA"
        )
        org_b = Organisation.objects.create(
            code="GRC-HCG", name="Hellenic Coast Guard", type="national_authority", country="GRC"
        )
        SharingAgreement.objects.create(owner=org_a, partner=org_b)
        bruno = User.objects.create_user("bruno", password=PASSWORD)
        Membership.objects.create(user=bruno, organisation=org_a, role=Role.REPORTER)
        give_device(bruno)

    def test_it_records_two_victims_an_offender_and_a_three_leg_route(self) -> None:
        page = self.page
        self.sign_in("bruno", PASSWORD)
        page.get_by_role("link", name="New incident").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("New incident")

        page.get_by_label("Reference (required)").fill("ITA-2024-0042")
        kinds = page.get_by_role("group", name="Kinds (required)")
        kinds.get_by_label("Trafficking in persons").check()
        kinds.get_by_label("Smuggling of migrants").check()
        page.get_by_label("Date (or start of period)").fill("2024-05-17")
        page.get_by_label("Date precision").select_option(label="Day")
        page.get_by_label("Country", exact=True).fill("Italy")
        page.get_by_label("Place", exact=True).fill("Lampedusa")
        page.get_by_label("Migrants involved").fill("2")

        self.add("person", 1)
        self.person(1, role="Victim", sex="Female", citizenship="Nigeria")
        page.locator("#id_person-1-age").fill("19")
        page.locator("#id_person-1-exploitation_forms").get_by_label("Sexual exploitation").check()
        self.add("person", 2)
        self.person(2, role="Victim", sex="Female", citizenship="Nigeria")
        page.locator("#id_person-2-age_group").select_option(label="15-17 years")
        self.add("person", 3)
        self.person(3, role="Offender or suspect", sex="Male", citizenship="Libya")
        page.locator("#id_person-3-network_roles").get_by_label("Recruiter").check()
        # Only the parts for the chosen role are shown.
        expect(
            page.locator('.role-part[data-person="3"][data-shows="victim"]').first
        ).to_be_hidden()

        self.add("leg", 1)
        self.leg(1, to="Niger", mode="Land", start="Nigeria", start_role="Origin")
        page.locator("#id_leg-1-to_role").select_option(label="Transit")
        self.add("leg", 2)
        # The new leg starts where the previous one arrived.
        expect(page.locator("#id_leg-2-from_country")).to_have_value("Niger (NER)")
        self.leg(2, to="Libya", mode="Land")
        page.locator("#id_leg-2-to_role").select_option(label="Transit")
        page.locator("#id_leg-2-fee_amount").fill("500")
        page.locator("#id_leg-2-fee_currency").fill("EUR")
        self.add("leg", 3)
        self.leg(3, to="Italy", mode="Sea")
        page.locator("#id_leg-3-to_role").select_option(label="Destination")

        page.locator("#id_person-1-trafficking_identification").select_option(
            label="Identified victim of trafficking"
        )
        page.locator("#id_person-3-stage").select_option(label="arrested")
        page.locator("#id_person-3-stage_on").fill("2024-05-18")

        page.get_by_label("TLP:AMBER — owner and named partner organisations").check()
        page.get_by_label("May be counted in published statistics").check()
        self.assert_accessible("incident-form-full")
        page.evaluate("window.scrollTo(0, 0)")
        page.set_viewport_size({"width": 1100, "height": 1500})
        page.screenshot(path=str(SCREENSHOTS / "incident-form.png"))
        self.assertEqual(page.locator("h1").count(), 1)

        page.get_by_role("button", name="Submit", exact=True).click()
        page.wait_for_url(f"{self.live_server_url}/incidents/*/")
        expect(page.get_by_text("ITA-2024-0042 was recorded and submitted")).to_be_visible()
        incident = Incident.objects.get(reference="ITA-2024-0042")
        self.assertEqual((incident.status, incident.label), (Status.SUBMITTED, Label.AMBER))
        roles = sorted(incident.persons.values_list("role", flat=True))
        self.assertEqual(roles, ["offender", "victim", "victim"])
        legs = list(incident.legs.values_list("from_country", "to_country"))
        self.assertEqual(legs, [("NGA", "NER"), ("NER", "LBY"), ("LBY", "ITA")])
        self.assertEqual(self.csp_violations, [])

    def test_it_edits_a_record_and_shows_who_changed_what(self) -> None:
        bruno = User.objects.get(username="bruno")
        draft = IncidentDraft(
            Incident(
                reference="ITA-2024-0044",
                kinds=["smuggling_of_migrants"],
                country="ITA",
                place="Lampedusa",
                narrative="Told by the skipper",
            )
        )
        draft.persons = [PersonDraft(Person(role="smuggled_migrant", sex="male"))]
        incident = record_incident(
            actor=bruno, organisation=Organisation.objects.get(code="ITA-POL"), draft=draft
        )
        page = self.page
        self.sign_in("bruno", PASSWORD)
        page.goto(self.url(f"/incidents/{incident.public_id}/edit/"))
        expect(page.get_by_role("heading", level=1)).to_have_text("Edit incident ITA-2024-0044")
        expect(page.get_by_label("Place", exact=True)).to_have_value("Lampedusa")
        expect(page.get_by_label("Narrative")).to_have_value("")
        page.get_by_label("Place", exact=True).fill("Porto Empedocle")
        page.locator("#id_person-1-sex").select_option(label="Female")
        self.assert_accessible("incident-edit")
        page.get_by_role("button", name="Save changes").click()
        page.wait_for_url(self.url(f"/incidents/{incident.public_id}/"))
        page.goto(self.url(f"/incidents/{incident.public_id}/history/"))
        table = page.get_by_role("table")
        expect(
            table.get_by_role("row", name="Incident Place Lampedusa Porto Empedocle")
        ).to_be_visible()
        expect(table.get_by_role("row", name="Person 1 Sex Male Female")).to_be_visible()
        expect(page.get_by_text("Recorded the incident")).to_be_visible()
        self.assertNotIn("Told by the skipper", page.content())
        self.assert_accessible("incident-history")

    def test_it_shows_the_rules_problems_and_links_to_them(self) -> None:
        page = self.page
        self.sign_in("bruno", PASSWORD)
        page.goto(self.url("/incidents/new/"))
        page.get_by_label("Reference (required)").fill("ITA-2024-0043")
        kinds = page.get_by_role("group", name="Kinds (required)")
        kinds.get_by_label("Smuggling of migrants").check()
        page.get_by_label("Migrants involved").fill("3")
        page.get_by_label("Dead", exact=True).fill("5")
        page.get_by_role("button", name="Save as draft").click()
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("Dead (5) cannot exceed the migrants involved (3).")
        expect(summary).to_contain_text("Choose who may see this record.")
        expect(summary).to_be_focused()
        summary.get_by_role("link", name="Dead (5)", exact=False).click()
        expect(page.get_by_label("Dead", exact=True)).to_be_focused()
        self.assert_accessible("incident-form-problems")
        self.assertFalse(Incident.objects.exists())

    def test_it_adds_a_person_from_the_keyboard(self) -> None:
        page = self.page
        self.sign_in("bruno", PASSWORD)
        page.goto(self.url("/incidents/new/"))
        page.get_by_role("button", name="Add a person").focus()
        page.keyboard.press("Enter")
        expect(page.locator("#id_person-1-role")).to_be_focused()
        # The new person's card settles (htmx swaps it in) before the next key, as a person
        # would see it; on a loaded machine a Tab pressed earlier can land before the swap.
        page.wait_for_load_state("networkidle")
        expect(page.locator("#id_person-1-role")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.locator("#id_person-1-sex")).to_be_focused()

    def test_it_is_usable_at_360_pixels_and_right_to_left(self) -> None:
        self.open_context(PHONE)
        page = self.page
        self.sign_in("bruno", PASSWORD)
        self.switch_language("ar")
        page.goto(self.url("/incidents/new/"))
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        page.locator("button[value=add-person]").click()
        expect(page.locator("#id_person-1-role")).to_be_focused()
        page.locator("button[value=add-leg]").click()
        expect(page.locator("#id_leg-1-from_country")).to_be_focused()
        width = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, 360)
        self.assert_accessible("incident-form-360-arabic")

    # Steps a person takes

    def add(self, what: str, number: int) -> None:
        name = "Add a person" if what == "person" else "Add a route leg"
        self.page.get_by_role("button", name=name).click()
        first = "role" if what == "person" else "from_country"
        expect(self.page.locator(f"#id_{what}-{number}-{first}")).to_be_focused()

    def person(self, number: int, *, role: str, sex: str, citizenship: str) -> None:
        prefix = f"#id_person-{number}"
        self.page.locator(f"{prefix}-role").select_option(label=role)
        self.page.locator(f"{prefix}-sex").select_option(label=sex)
        self.page.locator(f"{prefix}-citizenship").fill(citizenship)

    def leg(
        self, number: int, *, to: str, mode: str, start: str = "", start_role: str = ""
    ) -> None:
        prefix = f"#id_leg-{number}"
        if start:
            self.page.locator(f"{prefix}-from_country").fill(start)
        if start_role:
            self.page.locator(f"{prefix}-from_role").select_option(label=start_role)
        self.page.locator(f"{prefix}-to_country").fill(to)
        self.page.locator(f"{prefix}-mode").select_option(label=mode)
