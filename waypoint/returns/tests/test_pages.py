"""The returns pages: each user reads exactly the returns reciprocity allows, recorders draft,
fill in, submit, approve (a second person), send back and revise them, and the checks' messages
show beside the figures."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

from django.test import override_settings

from waypoint.orgs.models import Organisation, Role
from waypoint.returns import actions
from waypoint.returns.actions import Entry
from waypoint.returns.models import Indicator, Questionnaire, ReportingCommunity, Return, Status
from waypoint.test import BaseTestCase
from waypoint.web.tests.helpers import inline_code, quiet, unlabelled_fields

VICTIMS = "tip_victims_detected"
CONVICTED = "tip_persons_convicted"


def entry(
    indicator: str, value: Any, censored_below: int | None = None, **categories: str
) -> Entry:
    number = None if value is None else Decimal(str(value))
    return Entry(indicator, categories, number, censored_below)


class ReturnsPageTestCase(BaseTestCase):
    """Org A (Amara, Bruno, Rita) and Org B (Chen, Basil, Bianca) form a reporting community;
    Org C (Carla) is outside it."""

    annual: Questionnaire
    rita: Any
    basil: Any
    bianca: Any
    carla: Any
    org_c: Organisation
    community: ReportingCommunity

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.annual = Questionnaire.objects.get(code="annual")
        cls.rita = cls.make_user("rita", cls.org_a, Role.REPORTER)
        cls.basil = cls.make_user("basil", cls.org_b, Role.REPORTER)
        cls.bianca = cls.make_user("bianca", cls.org_b, Role.ORG_ADMIN)
        cls.org_c = Organisation.objects.create(
            code="ORG-C", name="Organisation C", type="ngo", country="FRA"
        )
        cls.carla = cls.make_user("carla", cls.org_c, Role.ANALYST)
        cls.community = ReportingCommunity.objects.create(code="med", name="Mediterranean")
        cls.community.members.set([cls.org_a, cls.org_b])

    def setUp(self) -> None:
        super().setUp()
        quieted = quiet("django.request")
        quieted.__enter__()
        self.addCleanup(quieted.__exit__, None, None, None)

    def pair(self, organisation: Organisation) -> tuple[Any, Any]:
        """The drafter and the approver of an organisation's returns."""
        return (self.bruno, self.rita) if organisation == self.org_a else (self.basil, self.bianca)

    def drafted(
        self, period: str = "2023", organisation: Organisation | None = None, entries: Any = ()
    ) -> Return:
        organisation = organisation or self.org_a
        drafter, _approver = self.pair(organisation)
        ret = actions.start(
            actor=drafter, organisation=organisation, questionnaire=self.annual, period=period
        )
        if entries:
            actions.set_figures(actor=drafter, ret=ret, entries=entries)
        return ret

    def submitted(
        self, period: str, entries: Any = (), organisation: Organisation | None = None
    ) -> Return:
        organisation = organisation or self.org_a
        drafter, approver = self.pair(organisation)
        ret = self.drafted(period, organisation, entries or [entry(VICTIMS, 4)])
        actions.submit(actor=drafter, ret=ret)
        actions.approve(actor=approver, ret=ret)
        ret.refresh_from_db()
        return ret

    def page(self, user: Any, url: str) -> Any:
        self.client.force_login(user)
        return self.client.get(url)

    def post(self, user: Any, url: str, data: dict[str, Any] | None = None, **extra: Any) -> Any:
        self.client.force_login(user)
        return self.client.post(url, data or {}, **extra)

    def assertWellFormed(self, response: Any) -> None:
        """One h1, a label for every field, nothing a strict CSP would block."""
        html = response.content.decode()
        self.assertEqual(len(re.findall(r"<h1[\s>]", html)), 1)
        self.assertEqual(unlabelled_fields(html), [])
        self.assertEqual(inline_code(html), [])


class FormFields(HTMLParser):
    """The values a browser would send for the text, hidden and select fields of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name: value or "" for name, value in attrs}
        if tag == "input" and names.get("type") in ("text", "hidden") and names.get("name"):
            self.data[names["name"]] = names.get("value", "")
        elif tag == "select":
            self.select = names.get("name")
        elif (
            tag == "option"
            and self.select
            and (self.select not in self.data or "selected" in names)
        ):
            self.data[self.select] = names.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def url(ret: Return, step: str = "") -> str:
    return f"/returns/{ret.public_id}/" + (f"{step}/" if step else "")


class ListPageTests(ReturnsPageTestCase):
    def test_it_lists_every_version_of_the_organisations_returns(self) -> None:
        first = self.submitted("2022")
        second = actions.revise(actor=self.bruno, ret=first, reason="Late court records")
        pending = self.drafted("2023")
        actions.submit(actor=self.bruno, ret=pending)
        response = self.page(self.amara, "/returns/")
        self.assertWellFormed(response)
        own = response.context["own"]
        self.assertEqual(
            [(r.period, r.version) for r in own], [("2023", 1), ("2022", 2), ("2022", 1)]
        )
        for ret in (first, second, pending):
            self.assertContains(response, url(ret))
        self.assertContains(response, "Awaiting approval")
        self.assertContains(response, "Submitted")
        self.assertContains(response, "Draft")

    def test_a_partner_that_has_not_submitted_sees_why_it_reads_nothing(self) -> None:
        theirs = self.submitted("2023", organisation=self.org_b)
        response = self.page(self.amara, "/returns/")
        self.assertNotContains(response, url(theirs))
        self.assertEqual(response.context["others"], [])
        self.assertContains(response, "once it has submitted its own return for that period")
        self.assertContains(response, "Submit your organisation's return for a period to read")
        self.assertNotContains(response, "Periods closed to you")
        ours = self.drafted("2023")
        response = self.page(self.amara, "/returns/")
        self.assertContains(response, "Periods closed to you")
        self.assertContains(
            response, f'<a href="{url(ours)}">your return, version 1, is draft</a>', html=True
        )
        self.assertNotContains(response, url(theirs))

    def test_submitting_opens_the_partners_returns_of_the_period(self) -> None:
        theirs = self.submitted("2023", organisation=self.org_b)
        later = self.submitted("2024", organisation=self.org_b)
        ours = self.drafted("2023")
        self.assertEqual(
            [c.period for c in self.page(self.amara, "/returns/").context["closed"]], ["2023"]
        )
        actions.submit(actor=self.bruno, ret=ours)
        response = self.page(self.amara, "/returns/")
        self.assertNotContains(response, url(theirs))  # not yet
        self.assertContains(response, "your return, version 1, is awaiting approval")
        actions.approve(actor=self.rita, ret=ours)
        response = self.page(self.amara, "/returns/")
        self.assertEqual(
            [
                (period, [r.organisation.code for r in rows])
                for period, rows in response.context["others"]
            ],
            [("2023", ["ORG-B"])],
        )
        self.assertContains(response, url(theirs))
        self.assertContains(response, "Period 2023")
        self.assertNotContains(response, url(later))
        self.assertEqual(response.context["closed"], [])

    def test_a_window_opens_the_following_periods_too(self) -> None:
        self.community.window = 1
        self.community.save()
        self.submitted("2023")
        self.drafted("2024")
        self.drafted("2025")
        response = self.page(self.amara, "/returns/")
        self.assertEqual([c.period for c in response.context["closed"]], ["2025"])
        self.assertContains(response, "submitting also opens the following period")

    def test_drafts_and_pending_returns_never_leave_their_organisation(self) -> None:
        self.submitted("2023")
        draft = self.drafted("2023", self.org_b)
        response = self.page(self.chen, "/returns/")
        self.assertContains(response, url(draft))  # Org B's own draft
        for user in (self.amara, self.bruno):
            response = self.page(user, "/returns/")
            self.assertNotContains(response, url(draft))
            self.assertNotContains(response, "Periods closed to you")  # nothing submitted
        actions.submit(actor=self.basil, ret=draft)
        self.assertNotContains(self.page(self.amara, "/returns/"), url(draft))

    def test_organisations_outside_the_community_read_nothing_and_are_told_why(self) -> None:
        theirs = self.submitted("2023", organisation=self.org_b)
        self.submitted("2023")
        response = self.page(self.carla, "/returns/")
        self.assertWellFormed(response)
        self.assertNotContains(response, url(theirs))
        self.assertContains(response, "belongs to no reporting community")
        self.assertNotContains(response, "Periods closed to you")
        response = self.page(self.dana, "/returns/")
        self.assertContains(response, "You are not a member of an organisation")

    def test_it_offers_a_new_return_to_recorders_only(self) -> None:
        self.assertIsNotNone(self.page(self.bruno, "/returns/").context["form"])
        self.assertIsNone(self.page(self.amara, "/returns/").context["form"])
        self.assertNotContains(self.page(self.amara, "/returns/"), 'action="/returns/new/"')

    def test_it_tells_the_second_recorder_what_waits_for_their_approval(self) -> None:
        ret = self.drafted("2023", entries=[entry(VICTIMS, 4)])
        actions.submit(actor=self.bruno, ret=ret)
        self.assertEqual(self.page(self.bruno, "/returns/").context["awaiting"], [])
        response = self.page(self.rita, "/returns/")
        self.assertEqual(response.context["awaiting"], [ret])
        self.assertContains(response, "1 return waits for your approval")

    def test_it_is_in_the_main_navigation(self) -> None:
        response = self.page(self.amara, "/returns/")
        self.assertContains(response, '<a href="/returns/" aria-current="page">Returns</a>')

    def test_it_bounds_the_queries_of_the_list_whatever_the_returns(self) -> None:
        self.submitted("2023", organisation=self.org_b)
        self.submitted("2023")
        self.client.force_login(self.bruno)
        self.client.get("/returns/")
        # Session, user, device; the user's organisations and roles; the reciprocity condition
        # (organisations, communities, their members, the periods opened: one per community);
        # own returns, communities, others' returns, the questionnaires of the form; navigation.
        with self.assertNumQueries(13):
            self.client.get("/returns/")
        for year in range(2000, 2012):
            self.submitted(str(year), organisation=self.org_b)
            self.submitted(str(year))
        self.drafted("2020")
        with self.assertNumQueries(13):
            response = self.client.get("/returns/")
        self.assertEqual(len(response.context["own"]), 14)
        self.assertEqual(len(response.context["others"]), 13)


class NewReturnTests(ReturnsPageTestCase):
    def test_a_recorder_starts_a_draft_and_goes_on_to_its_figures(self) -> None:
        response = self.post(
            self.bruno, "/returns/new/", {"new-questionnaire": "annual", "new-period": " 2024 "}
        )
        ret = Return.objects.get(organisation=self.org_a, period="2024")
        self.assertRedirects(response, url(ret, "edit"))
        self.assertEqual((ret.status, ret.version, ret.origin), (Status.DRAFT, 1, "entered"))

    def test_it_shows_what_is_wrong_with_the_period_beside_it(self) -> None:
        self.assertWellFormed(self.page(self.bruno, "/returns/new/"))
        response = self.post(
            self.bruno, "/returns/new/", {"new-questionnaire": "annual", "new-period": "2023-Q1"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertWellFormed(response)
        self.assertContains(
            response, "This questionnaire is answered per year; 2023-Q1 is not one."
        )
        self.assertContains(response, 'value="2023-Q1"')
        response = self.post(
            self.bruno, "/returns/new/", {"new-questionnaire": "annual", "new-period": "24"}
        )
        self.assertContains(response, "is not a period")
        self.assertFalse(Return.objects.exists())

    def test_it_refuses_a_second_return_for_the_same_period(self) -> None:
        self.drafted("2023")
        response = self.post(
            self.bruno, "/returns/new/", {"new-questionnaire": "annual", "new-period": "2023"}
        )
        self.assertContains(response, "ORG-A already has a return for 2023")
        self.assertEqual(Return.objects.count(), 1)

    def test_only_recorders_start_returns(self) -> None:
        self.assertEqual(self.page(self.amara, "/returns/new/").status_code, 403)
        response = self.post(
            self.chen, "/returns/new/", {"new-questionnaire": "annual", "new-period": "2023"}
        )
        self.assertEqual(response.status_code, 403)
        self.assertFalse(Return.objects.exists())


class ReturnPageTests(ReturnsPageTestCase):
    def test_it_lays_out_the_questionnaire_with_each_indicators_figures(self) -> None:
        ret = self.drafted(
            entries=[
                entry(VICTIMS, 10),
                entry(VICTIMS, None, censored_below=5, sex="female"),
                entry(VICTIMS, 7, sex="male"),
                entry(VICTIMS, 1234.5, sex="unknown"),
                entry(CONVICTED, None),
            ]
        )
        response = self.page(self.amara, url(ret))
        self.assertWellFormed(response)
        html = response.content.decode()
        self.assertContains(response, '<h2 id="part-A">Part A</h2>', html=False)
        self.assertContains(
            response, '<span class="number">B.1</span> Detected victims of trafficking in persons'
        )
        self.assertContains(response, Indicator.objects.get(code=VICTIMS).definition)
        rows = re.findall(
            r'<th scope="row">(.*?)</th>\s*<td class="num[^"]*">(.*?)</td>', html, re.S
        )
        figures = [(re.sub(r"<[^>]+>", "", head).strip(), value) for head, value in rows]
        self.assertEqual(
            figures[:4],
            [
                ("Total", "10"),
                ("Sex: Female", "fewer than 5"),
                ("Sex: Male", "7"),
                ("Sex: Unknown", "1,234.50"),
            ],
        )
        self.assertIn(("Total", "not available"), figures)
        self.assertNotIn('<td class="num censored">0', html)

    def test_it_shows_what_the_checks_find_in_a_draft(self) -> None:
        self.submitted("2022", [entry(VICTIMS, 10)])
        ret = self.drafted(entries=[entry(VICTIMS, 30), entry(VICTIMS, 4, sex="male")])
        with override_settings(WAYPOINT_RETURNS_CHANGE_FACTOR=2.0):
            response = self.page(self.bruno, url(ret))
        self.assertContains(response, "1 error stops the submission")
        self.assertContains(
            response,
            "The figures by sex add up to 4, less than the figure they break down (30): "
            "declare the difference as “unknown”.",
        )
        self.assertContains(response, "30 is more than 2 times above the previous period")

    def test_it_offers_each_step_to_whom_may_take_it(self) -> None:
        ret = self.drafted(entries=[entry(VICTIMS, 4)])
        self.assertContains(self.page(self.bruno, url(ret)), url(ret, "submit"))
        self.assertContains(self.page(self.bruno, url(ret)), url(ret, "edit"))
        analyst = self.page(self.amara, url(ret))
        self.assertNotContains(analyst, url(ret, "submit"))
        self.assertNotContains(analyst, url(ret, "edit"))
        actions.submit(actor=self.bruno, ret=ret)
        own = self.page(self.bruno, url(ret))
        self.assertContains(own, "You submitted this return")
        self.assertNotContains(own, 'value="approve"')
        second = self.page(self.rita, url(ret))
        self.assertContains(second, 'value="approve"')
        self.assertContains(second, 'value="send_back"')
        self.assertNotContains(self.page(self.amara, url(ret)), 'value="approve"')

    def test_it_answers_alike_for_a_missing_return_and_one_out_of_reach(self) -> None:
        draft = self.drafted("2023", self.org_b)
        theirs = self.submitted("2024", organisation=self.org_b)
        for address in (url(draft), url(theirs), f"/returns/{uuid.uuid4()}/"):
            for user in (self.amara, self.carla, self.dana, self.eve):
                self.assertEqual(self.page(user, address).status_code, 404, (address, user))
        self.submitted("2024")
        self.assertEqual(self.page(self.amara, url(theirs)).status_code, 200)
        self.assertEqual(self.page(self.amara, url(draft)).status_code, 404)

    def test_another_organisation_reads_the_versions_but_not_who_made_them(self) -> None:
        first = self.submitted("2023", organisation=self.org_b)
        revision = actions.revise(actor=self.basil, ret=first, reason="Corrected sex breakdown")
        actions.submit(actor=self.basil, ret=revision)
        actions.approve(actor=self.bianca, ret=revision)
        self.submitted("2023")
        response = self.page(self.amara, url(revision))
        self.assertWellFormed(response)
        self.assertEqual([v.version for v in response.context["history"]], [2, 1])
        self.assertContains(response, "Corrected sex breakdown")
        self.assertNotContains(response, "basil")
        self.assertNotContains(response, "bianca")
        self.assertNotContains(response, "Next step")
        self.assertContains(self.page(self.chen, url(revision)), "bianca")


class EditPageTests(ReturnsPageTestCase):
    def form_data(self, ret: Return, user: Any = None) -> dict[str, str]:
        """The form's fields as the edit page gives them."""
        response = self.page(user or self.bruno, url(ret, "edit"))
        form = FormFields()
        form.feed(response.content.decode())
        form.data.pop("csrfmiddlewaretoken", None)
        return form.data

    def test_it_shows_the_stored_figures_in_the_form(self) -> None:
        ret = self.drafted(
            entries=[
                entry(VICTIMS, 10),
                entry(VICTIMS, 4, sex="female", age_group="child"),
                entry(VICTIMS, None, censored_below=5, sex="male"),
            ]
        )
        response = self.page(self.bruno, url(ret, "edit"))
        self.assertWellFormed(response)
        self.assertContains(response, f'name="{VICTIMS}.total-value" value="10"')
        self.assertContains(response, f'name="{VICTIMS}.rows" value="2"')
        self.assertContains(response, f'name="{VICTIMS}.1-below" value="5"')
        self.assertContains(response, f'name="{VICTIMS}.2-category_2" value="child"')
        self.assertContains(response, '<datalist id="codes-countries">')
        self.assertContains(response, '<option value="NGA">Nigeria</option>')

    def test_saving_writes_the_figures_and_shows_the_checks_beside_them(self) -> None:
        ret = self.drafted()
        data = {
            "action": "save",
            f"{VICTIMS}.total-value": "10",
            f"{VICTIMS}.rows": "2",
            f"{VICTIMS}.1.pairs": "1",
            f"{VICTIMS}.1-dimension_1": "sex",
            f"{VICTIMS}.1-category_1": "Female",
            f"{VICTIMS}.1-value": "6",
            f"{VICTIMS}.2.pairs": "1",
            f"{VICTIMS}.2-dimension_1": "citizenship",
            f"{VICTIMS}.2-category_1": "Nigeria",
            f"{VICTIMS}.2-below": "5",
            f"{VICTIMS}.2-note": "published censored",
            f"{CONVICTED}.total-value": "3",
        }
        response = self.post(self.bruno, url(ret, "edit"), data, follow=True)
        self.assertRedirects(response, url(ret, "edit"))
        stored = {
            (v.indicator.code, v.key): (v.value, v.censored_below, v.note) for v in ret.values.all()
        }
        self.assertEqual(
            stored,
            {
                (VICTIMS, ""): (Decimal(10), None, ""),
                (VICTIMS, "sex=female"): (Decimal(6), None, ""),
                (VICTIMS, "citizenship=NGA"): (None, 5, "published censored"),
                (CONVICTED, ""): (Decimal(3), None, ""),
            },
        )
        self.assertWellFormed(response)
        self.assertContains(
            response, "The figures were saved. The checks found 2 errors and 0 warnings."
        )
        message = (
            "The figures by sex add up to 6, less than the figure they break down (10): "
            "declare the difference as “unknown”."
        )
        html = response.content.decode()
        total = html[html.index(f'id="figure-{VICTIMS}.total"') :]
        self.assertIn(message, total[: total.index("</fieldset>")])
        self.assertIn(f'aria-describedby="figure-{VICTIMS}.total-findings"', html)
        self.assertContains(response, "The checks find 2 errors")

    def test_it_keeps_what_was_typed_when_a_value_cannot_be_read(self) -> None:
        ret = self.drafted(entries=[entry(VICTIMS, 10)])
        data = {
            "action": "save",
            f"{VICTIMS}.total-value": "12a",
            f"{VICTIMS}.rows": "1",
            f"{VICTIMS}.1.pairs": "1",
            f"{VICTIMS}.1-dimension_1": "sex",
            f"{VICTIMS}.1-category_1": "",
            f"{VICTIMS}.1-value": "3",
            f"{CONVICTED}.total-value": "-2",
        }
        response = self.post(self.bruno, url(ret, "edit"), data)
        self.assertEqual(response.status_code, 200)
        self.assertWellFormed(response)
        self.assertContains(response, "Nothing was saved: 3 values cannot be read")
        self.assertContains(response, "Enter a number.")
        self.assertContains(response, "Give the category, or remove this breakdown.")
        self.assertContains(response, "Ensure this value is greater than or equal to 0.")
        self.assertContains(response, f'name="{VICTIMS}.total-value" value="12a"')
        self.assertContains(response, f'name="{CONVICTED}.total-value" value="-2"')
        self.assertEqual([v.value for v in ret.values.all()], [Decimal(10)])

    def test_rows_and_breakdowns_are_added_and_removed_without_saving(self) -> None:
        ret = self.drafted(entries=[entry(VICTIMS, 10), entry(VICTIMS, 4, sex="female")])
        data = self.form_data(ret)
        data.update({f"{VICTIMS}.total-value": "11", f"{VICTIMS}.new": "citizenship"})
        data["action"] = f"add-row:{VICTIMS}"
        response = self.post(self.bruno, url(ret, "edit"), data, HTTP_HX_REQUEST="true")
        self.assertWellFormed(response)
        self.assertContains(response, f'name="{VICTIMS}.rows" value="2"')
        self.assertContains(response, f'name="{VICTIMS}.total-value" value="11"')
        self.assertRegex(
            response.content.decode(),
            r'<option value="citizenship" selected data-list="codes-countries">',
        )
        self.assertRegex(response.content.decode(), rf'autofocus id="id_{VICTIMS}\.2-category_1"')
        data[f"{VICTIMS}.rows"] = "2"
        data[f"{VICTIMS}.2.pairs"] = "1"
        data[f"{VICTIMS}.2-dimension_1"] = "citizenship"
        data["action"] = f"add-pair:{VICTIMS}:1"
        response = self.post(self.bruno, url(ret, "edit"), data)
        self.assertContains(response, f'name="{VICTIMS}.1.pairs" value="2"')
        data["action"] = f"remove-row:{VICTIMS}:1"
        response = self.post(self.bruno, url(ret, "edit"), data)
        self.assertContains(response, f'name="{VICTIMS}.rows" value="1"')
        self.assertContains(response, f'name="{VICTIMS}.1-dimension_1"')
        self.assertEqual(ret.values.get(key="").value, 10)  # nothing saved

    def test_a_blank_new_row_is_left_out(self) -> None:
        ret = self.drafted(entries=[entry(VICTIMS, 10)])
        data = self.form_data(ret)
        data.update(
            {
                "action": "save",
                f"{VICTIMS}.rows": "1",
                f"{VICTIMS}.1.pairs": "1",
                f"{VICTIMS}.1-dimension_1": "sex",
            }
        )
        self.assertEqual(self.post(self.bruno, url(ret, "edit"), data).status_code, 302)
        self.assertEqual([v.key for v in ret.values.all()], [""])

    def test_saving_keeps_what_the_form_does_not_show(self) -> None:
        """A figure of an indicator the questionnaire does not ask for (given through the API
        or a file) and a prefilled figure's derivation survive a save from the page."""
        ret = self.drafted(
            entries=[
                Entry(VICTIMS, {}, Decimal(7), derivation="3 incidents, 7 victims"),
                entry("ibc_detections", 5),
            ]
        )
        data = self.form_data(ret)
        data["action"] = "save"
        self.assertEqual(self.post(self.bruno, url(ret, "edit"), data).status_code, 302)
        values = {v.indicator.code: v for v in ret.values.all()}
        self.assertEqual(values["ibc_detections"].value, 5)
        self.assertEqual(values[VICTIMS].derivation, "3 incidents, 7 victims")
        data[f"{VICTIMS}.total-value"] = "8"
        self.post(self.bruno, url(ret, "edit"), data)
        self.assertEqual(ret.values.get(indicator__code=VICTIMS).derivation, "")

    def test_a_draft_is_filled_in_from_the_organisations_records(self) -> None:
        for reference in ("S-1", "S-2"):
            self.incident(self.org_a, reference)  # smuggling incidents of 2024
        self.incident(self.org_b, "S-3")  # another organisation's: not counted
        ret = self.drafted("2024", entries=[entry(VICTIMS, 99)])
        self.assertContains(self.page(self.bruno, url(ret, "edit")), url(ret, "prefill"))
        response = self.post(self.bruno, url(ret, "prefill"), follow=True)
        self.assertRedirects(response, url(ret, "edit"))
        self.assertContains(response, "The figures were filled in from your organisation")
        incidents = ret.values.get(indicator__code="som_incidents_by_mode", key="")
        self.assertEqual(incidents.value, 2)
        self.assertTrue(incidents.derivation)
        self.assertContains(response, "Derived from the records")
        self.assertEqual(ret.values.get(indicator__code=VICTIMS, key="").value, 0)
        self.assertEqual(self.post(self.amara, url(ret, "prefill")).status_code, 403)

    def test_only_the_organisations_recorders_edit_a_draft(self) -> None:
        ret = self.drafted()
        self.assertEqual(self.page(self.amara, url(ret, "edit")).status_code, 403)
        self.assertEqual(self.page(self.chen, url(ret, "edit")).status_code, 404)
        self.assertEqual(self.page(self.basil, url(ret, "edit")).status_code, 404)
        response = self.post(self.amara, url(ret, "edit"), {"action": "save"})
        self.assertEqual(response.status_code, 403)
        submitted = self.submitted("2022")
        self.submitted("2022", organisation=self.org_b)
        self.assertEqual(self.page(self.basil, url(submitted, "edit")).status_code, 404)
        response = self.page(self.bruno, url(submitted, "edit"))
        self.assertRedirects(response, url(submitted))


class WorkflowPageTests(ReturnsPageTestCase):
    def test_it_refuses_to_submit_a_return_with_errors_and_shows_them(self) -> None:
        ret = self.drafted(entries=[entry(VICTIMS, 10), entry(VICTIMS, 4, sex="male")])
        response = self.post(self.bruno, url(ret, "submit"), follow=True)
        self.assertRedirects(response, url(ret, "edit"))
        self.assertContains(response, "The return has errors; correct them and submit again.")
        self.assertContains(response, "add up to 4, less than the figure they break down (10)")
        ret.refresh_from_db()
        self.assertEqual(ret.status, Status.DRAFT)

    def test_a_second_recorder_approves_what_the_first_submitted(self) -> None:
        ret = self.drafted(entries=[entry(VICTIMS, 4)])
        response = self.post(self.bruno, url(ret, "submit"), follow=True)
        self.assertContains(response, "The return was submitted.")
        response = self.post(self.bruno, url(ret, "decide"), {"decision": "approve"}, follow=True)
        self.assertContains(
            response, "Another member of the organisation must approve what you submitted."
        )
        ret.refresh_from_db()
        self.assertEqual(ret.status, Status.AWAITING_APPROVAL)
        self.assertEqual(
            self.post(self.amara, url(ret, "decide"), {"decision": "approve"}).status_code, 403
        )
        response = self.post(self.rita, url(ret, "decide"), {"decision": "approve"}, follow=True)
        self.assertContains(response, "The return was approved.")
        ret.refresh_from_db()
        self.assertEqual(
            (ret.status, ret.submitted_by, ret.approved_by),
            (Status.SUBMITTED, self.bruno, self.rita),
        )

    def test_a_submission_sent_back_is_a_draft_again(self) -> None:
        ret = self.drafted(entries=[entry(VICTIMS, 4)])
        self.post(self.bruno, url(ret, "submit"))
        response = self.post(self.rita, url(ret, "decide"), {"decision": "send_back"}, follow=True)
        self.assertContains(response, "The return was sent back. It is a draft again.")
        ret.refresh_from_db()
        self.assertEqual(ret.status, Status.DRAFT)
        response = self.post(self.rita, url(ret, "decide"), {}, follow=True)
        self.assertContains(response, "Choose whether to approve the return or send it back.")

    def test_a_revision_needs_a_reason_and_starts_a_new_version(self) -> None:
        first = self.submitted("2023", [entry(VICTIMS, 4)])
        response = self.post(self.bruno, url(first, "revise"), {"reason": "   "})
        self.assertEqual(response.status_code, 200)
        self.assertWellFormed(response)
        self.assertContains(response, "Say why the return is revised.")
        response = self.post(self.bruno, url(first, "revise"), {"reason": "Late court records"})
        second = Return.objects.get(period="2023", version=2)
        self.assertRedirects(response, url(second, "edit"), fetch_redirect_response=False)
        self.assertEqual((second.status, second.reason), (Status.DRAFT, "Late court records"))
        page = self.page(self.bruno, url(first))
        self.assertContains(
            page, f'<a href="{url(second)}">Version 2 (draft) follows this one.</a>'
        )
        self.assertNotContains(page, url(first, "revise"))
        self.assertContains(self.page(self.bruno, url(second)), "Late court records")
        response = self.post(self.bruno, url(first, "revise"), {"reason": "again"}, follow=True)
        self.assertContains(response, "Only the latest submitted version can be revised.")

    def test_others_take_no_step(self) -> None:
        ours = self.submitted("2023")
        self.submitted("2023", organisation=self.org_b)
        for step, data in (
            ("revise", {"reason": "x"}),
            ("submit", {}),
            ("decide", {"decision": "approve"}),
        ):
            self.assertEqual(self.post(self.basil, url(ours, step), data).status_code, 404)
            self.assertEqual(self.post(self.amara, url(ours, step), data).status_code, 403)
        self.assertEqual(Return.objects.filter(organisation=self.org_a).count(), 1)
