"""``/api/v1/returns``: the same returns and the same workflow as the pages, with tokens."""

from __future__ import annotations

import uuid
from typing import Any

from waypoint.api.actions import create_token
from waypoint.api.tests.base import ApiTestCase
from waypoint.orgs.models import Role
from waypoint.returns import actions
from waypoint.returns.models import Return, Status
from waypoint.returns.tests.test_pages import VICTIMS, ReturnsPageTestCase, entry


class ReturnsApiTestCase(ApiTestCase, ReturnsPageTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        for user in (cls.rita, cls.basil, cls.bianca, cls.carla):
            cls.tokens[user.username] = create_token(actor=user, name="tests")[1]

    def ids(self, response: Any) -> list[str]:
        self.assertEqual(response.status_code, 200, response.content)
        return [item["id"] for item in response.json()["items"]]

    def figures(self, ret: Return, figures: list[dict[str, Any]], user: Any = None) -> Any:
        path = f"/returns/{ret.public_id}/figures"
        return self.api("PUT", path, {"figures": figures}, as_user=user or self.bruno)


class ReadingTests(ReturnsApiTestCase):
    def test_it_lists_what_reciprocity_lets_the_user_read(self) -> None:
        theirs = self.submitted("2023", organisation=self.org_b)
        draft = self.drafted("2024", self.org_b)
        ours = self.drafted("2023")
        self.assertEqual(
            self.ids(self.api("GET", "/returns", as_user=self.amara)), [str(ours.public_id)]
        )
        self.assertEqual(
            self.api("GET", f"/returns/{theirs.public_id}", as_user=self.amara).status_code, 404
        )
        actions.set_figures(actor=self.bruno, ret=ours, entries=[entry(VICTIMS, 4)])
        actions.submit(actor=self.bruno, ret=ours)
        actions.approve(actor=self.rita, ret=ours)
        listed = self.ids(self.api("GET", "/returns?period=2023", as_user=self.amara))
        self.assertEqual(listed, [str(ours.public_id), str(theirs.public_id)])
        self.assertEqual(
            self.ids(self.api("GET", "/returns?organisation=ORG-B", as_user=self.amara)),
            [str(theirs.public_id)],
        )
        for path in (f"/returns/{draft.public_id}", f"/returns/{uuid.uuid4()}"):
            self.assertError(self.api("GET", path, as_user=self.amara), 404, "not_found")
        self.assertEqual(self.ids(self.api("GET", "/returns", as_user=self.carla)), [])

    def test_it_filters_by_questionnaire_period_organisation_and_status(self) -> None:
        submitted = self.submitted("2022")
        draft = self.drafted("2023")
        self.assertEqual(
            self.ids(self.api("GET", "/returns?status=draft", as_user=self.bruno)),
            [str(draft.public_id)],
        )
        self.assertEqual(
            self.ids(self.api("GET", "/returns?period=2022", as_user=self.bruno)),
            [str(submitted.public_id)],
        )
        self.assertEqual(
            self.ids(self.api("GET", "/returns?questionnaire=border-monthly", as_user=self.bruno)),
            [],
        )
        response = self.api("GET", "/returns?limit=1&offset=1", as_user=self.bruno)
        self.assertEqual(response.json()["count"], 2)
        self.assertEqual(self.ids(response), [str(submitted.public_id)])
        self.assertError(
            self.api("GET", "/returns?status=closed", as_user=self.bruno), 422, "invalid"
        )

    def test_a_return_comes_with_its_figures_and_for_its_members_the_findings(self) -> None:
        ret = self.drafted(
            entries=[entry(VICTIMS, 10), entry(VICTIMS, None, censored_below=5, sex="female")]
        )
        body = self.api("GET", f"/returns/{ret.public_id}", as_user=self.amara).json()
        self.assertEqual(
            (
                body["owner"],
                body["questionnaire"],
                body["period"],
                body["status"],
                body["created_by"],
            ),
            ("ORG-A", "annual", "2023", "draft", "bruno"),
        )
        figures = {f["key"]: (f["value"], f["censored_below"]) for f in body["figures"]}
        self.assertEqual(figures, {"": ("10.00", None), "sex=female": (None, 5)})
        self.assertEqual(
            [(f["path"], f["code"], f["severity"]) for f in body["findings"]],
            [(VICTIMS, "sum", "error")],
        )

    def test_another_organisation_reads_no_names_and_no_findings(self) -> None:
        theirs = self.submitted("2023", organisation=self.org_b)
        self.submitted("2023")
        body = self.api("GET", f"/returns/{theirs.public_id}", as_user=self.amara).json()
        self.assertNotIn("submitted_by", body)
        self.assertNotIn("approved_by", body)
        self.assertNotIn("findings", body)
        self.assertEqual(
            self.api("GET", f"/returns/{theirs.public_id}", as_user=self.chen).json()[
                "approved_by"
            ],
            "bianca",
        )


class WritingTests(ReturnsApiTestCase):
    def test_a_recorder_starts_a_draft(self) -> None:
        response = self.api(
            "POST", "/returns", {"questionnaire": "annual", "period": "2024"}, as_user=self.bruno
        )
        self.assertEqual(response.status_code, 201, response.content)
        ret = Return.objects.get(public_id=response.json()["id"])
        self.assertEqual(
            (ret.organisation, ret.period, ret.status, ret.origin),
            (self.org_a, "2024", Status.DRAFT, "api"),
        )
        again = self.api(
            "POST", "/returns", {"questionnaire": "annual", "period": "2024"}, as_user=self.bruno
        )
        self.assertError(again, 409, "conflict")

    def test_it_refuses_a_period_or_questionnaire_that_does_not_fit(self) -> None:
        cases = [
            ({"questionnaire": "annual", "period": "2024-03"}, "period", "period_kind"),
            ({"questionnaire": "annual", "period": "20x4"}, "period", "period"),
            ({"questionnaire": "yearly", "period": "2024"}, "questionnaire", "invalid_code"),
        ]
        for document, path, code in cases:
            with self.subTest(document):
                error = self.assertError(
                    self.api("POST", "/returns", document, as_user=self.bruno), 422, "invalid"
                )
                self.assertEqual([(d["path"], d["code"]) for d in error["details"]], [(path, code)])
        self.assertFalse(Return.objects.exists())

    def test_only_recorders_start_returns_for_their_organisation(self) -> None:
        document = {"questionnaire": "annual", "period": "2024"}
        self.assertError(
            self.api("POST", "/returns", document, as_user=self.amara), 403, "forbidden"
        )
        other = {**document, "owner": "ORG-B"}
        self.assertError(
            self.api("POST", "/returns", other, as_user=self.bruno), 400, "bad_request"
        )
        self.bruno.memberships.create(organisation=self.org_b, role=Role.REPORTER)
        self.assertError(
            self.api("POST", "/returns", document, as_user=self.bruno), 400, "bad_request"
        )
        response = self.api("POST", "/returns", other, as_user=self.bruno)
        self.assertEqual(response.json()["owner"], "ORG-B")

    def test_replacing_the_figures_answers_the_findings_at_their_paths(self) -> None:
        ret = self.drafted()
        response = self.figures(
            ret,
            [
                {"indicator": VICTIMS, "value": 10},
                {"indicator": VICTIMS, "categories": {"sex": "female"}, "value": "6"},
                {
                    "indicator": VICTIMS,
                    "categories": {"citizenship": "NGR"},
                    "censored_below": 5,
                    "note": "censored",
                },
            ],
        )
        self.assertEqual(response.status_code, 200, response.content)
        findings = response.json()["findings"]
        self.assertEqual(
            [(f["path"], f["code"]) for f in findings], [(f"{VICTIMS}[citizenship=NGR]", "code")]
        )
        self.assertEqual(ret.values.count(), 3)
        error = self.assertError(
            self.api("POST", f"/returns/{ret.public_id}/submit", as_user=self.bruno), 422, "invalid"
        )
        self.assertEqual([d["path"] for d in error["details"]], [f"{VICTIMS}[citizenship=NGR]"])
        self.assertIn("Did you mean NGA", error["details"][0]["message"])

    def test_it_names_unknown_indicators_and_figures_given_twice(self) -> None:
        ret = self.drafted(entries=[entry(VICTIMS, 4)])
        figures = [
            {"indicator": VICTIMS, "value": 1},
            {"indicator": "no_such_thing", "value": 1},
            {"indicator": VICTIMS, "value": 2},
        ]
        error = self.assertError(self.figures(ret, figures), 422, "invalid")
        self.assertEqual(
            [(d["path"], d["code"]) for d in error["details"]],
            [("figures[2].indicator", "invalid_code"), ("figures[3].categories", "duplicate")],
        )
        negative = self.assertError(
            self.figures(ret, [{"indicator": VICTIMS, "value": -1}]), 422, "invalid"
        )
        self.assertEqual(negative["details"][0]["path"], "figures[1].value")
        self.assertEqual([v.value for v in ret.values.all()], [4])

    def test_only_the_organisations_recorders_change_a_return(self) -> None:
        draft = self.drafted()
        figures = [{"indicator": VICTIMS, "value": 1}]
        self.assertError(self.figures(draft, figures, self.amara), 403, "forbidden")
        self.assertError(self.figures(draft, figures, self.basil), 404, "not_found")
        submitted = self.submitted("2022")
        self.submitted("2022", organisation=self.org_b)
        self.assertError(self.figures(submitted, figures, self.basil), 403, "forbidden")
        self.assertError(self.figures(submitted, figures, self.bruno), 409, "conflict")
        path = f"/returns/{submitted.public_id}/revise"
        self.assertError(
            self.api("POST", path, {"reason": "x"}, as_user=self.basil), 403, "forbidden"
        )


class WorkflowTests(ReturnsApiTestCase):
    def test_four_eyes_submit_and_approve(self) -> None:
        ret = self.drafted(entries=[entry(VICTIMS, 4)])
        response = self.api("POST", f"/returns/{ret.public_id}/submit", as_user=self.bruno)
        self.assertEqual(response.json()["status"], "awaiting_approval")
        approve = f"/returns/{ret.public_id}/approve"
        error = self.assertError(self.api("POST", approve, as_user=self.bruno), 403, "forbidden")
        self.assertEqual(
            error["message"], "Another member of the organisation must approve what you submitted."
        )
        self.assertError(self.api("POST", approve, as_user=self.amara), 403, "forbidden")
        response = self.api("POST", approve, as_user=self.rita)
        self.assertEqual(
            (
                response.json()["status"],
                response.json()["submitted_by"],
                response.json()["approved_by"],
            ),
            ("submitted", "bruno", "rita"),
        )
        self.assertNotIn("findings", response.json())
        self.assertError(self.api("POST", approve, as_user=self.rita), 409, "conflict")

    def test_a_submission_sent_back_is_a_draft_again(self) -> None:
        ret = self.drafted(entries=[entry(VICTIMS, 4)])
        self.api("POST", f"/returns/{ret.public_id}/submit", as_user=self.bruno)
        response = self.api("POST", f"/returns/{ret.public_id}/send-back", as_user=self.rita)
        self.assertEqual(response.json()["status"], "draft")
        self.assertError(
            self.api("POST", f"/returns/{ret.public_id}/send-back", as_user=self.rita),
            409,
            "conflict",
        )

    def test_a_revision_is_a_new_version_with_its_reason(self) -> None:
        first = self.submitted("2023", [entry(VICTIMS, 4)])
        path = f"/returns/{first.public_id}/revise"
        blank = self.assertError(
            self.api("POST", path, {"reason": "  "}, as_user=self.bruno), 422, "invalid"
        )
        self.assertEqual(blank["details"][0]["path"], "reason")
        self.assertError(self.api("POST", path, {}, as_user=self.bruno), 422, "invalid")
        response = self.api("POST", path, {"reason": "Late court records"}, as_user=self.bruno)
        self.assertEqual(response.status_code, 201, response.content)
        body = response.json()
        self.assertEqual(
            (body["version"], body["status"], body["reason"]), (2, "draft", "Late court records")
        )
        self.assertEqual([f["value"] for f in body["figures"]], ["4.00"])
        self.assertError(
            self.api("POST", path, {"reason": "again"}, as_user=self.bruno), 409, "conflict"
        )

    def test_drafts_of_partners_never_show_in_the_api(self) -> None:
        self.submitted("2023")
        pending = self.drafted("2023", self.org_b, [entry(VICTIMS, 4)])
        actions.submit(actor=self.basil, ret=pending)
        self.assertNotIn(
            str(pending.public_id), self.ids(self.api("GET", "/returns", as_user=self.bruno))
        )
        for step in ("", "/submit", "/approve", "/send-back"):
            method = "GET" if not step else "POST"
            response = self.api(method, f"/returns/{pending.public_id}{step}", as_user=self.bruno)
            self.assertError(response, 404, "not_found")

    def test_it_bounds_the_queries_of_the_list(self) -> None:
        self.submitted("2023", organisation=self.org_b)
        self.submitted("2023")
        self.api("GET", "/returns", as_user=self.amara)
        # Token and its user's memberships; the reciprocity condition (organisations,
        # communities, their members, the periods opened); the user's organisations; the page
        # and the count.
        with self.assertNumQueries(9):
            self.api("GET", "/returns", as_user=self.amara)
        for year in range(2000, 2010):
            self.submitted(str(year), organisation=self.org_b)
            self.submitted(str(year))
        with self.assertNumQueries(9):
            response = self.api("GET", "/returns", as_user=self.amara)
        self.assertEqual(response.json()["count"], 22)
