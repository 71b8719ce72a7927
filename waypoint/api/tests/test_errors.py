"""Every error under /api/v1/ answers in the one shape; rate limits per token."""

from __future__ import annotations

import json
import logging
import uuid
from unittest import mock

from django.core.cache import cache
from django.http.multipartparser import MultiPartParserError
from django.test import RequestFactory, SimpleTestCase, override_settings

from waypoint.api import ratelimit
from waypoint.api.actions import create_token
from waypoint.api.errors import document_problem, path_of, request_problem
from waypoint.api.models import ApiToken
from waypoint.api.rates import Rate, parse_rate
from waypoint.api.tests.base import ApiTestCase
from waypoint.api.urls import api
from waypoint.cases.validation import Problem


class ErrorShapeTests(ApiTestCase):
    def test_it_answers_an_unknown_address_in_the_shape(self) -> None:
        for path in ("/nothing", "/incidents/", "/incidents/123", "/reference/planets"):
            self.assertError(self.api("GET", path, as_user=self.amara), 404, "not_found")
        self.assertError(self.api("GET", "/nothing"), 404, "not_found")

    def test_it_answers_a_method_an_address_does_not_take_in_the_shape(self) -> None:
        for method, path in (
            ("PATCH", f"/incidents/{uuid.uuid4()}"),
            ("PUT", "/incidents"),
            ("DELETE", "/reference/countries"),
            ("POST", "/openapi.json"),
        ):
            response = self.api(method, path, as_user=self.amara)
            self.assertError(response, 405, "method_not_allowed")
            self.assertTrue(response["Allow"])
        response = self.api("PATCH", "/incidents", as_user=self.amara)
        self.assertEqual(sorted(response["Allow"].split(", ")), ["GET", "POST"])

    def test_it_answers_a_server_error_in_the_shape_and_logs_it(self) -> None:
        failing = mock.patch(
            "waypoint.api.routers.reference.Country.objects.order_by", side_effect=RuntimeError
        )
        logged = self.assertLogs("waypoint.api", logging.ERROR)
        reported = self.assertLogs("django.request", logging.ERROR)
        with failing, logged, reported:
            response = self.api("GET", "/reference/countries", as_user=self.amara)
        error = self.assertError(response, 500, "server_error")
        self.assertNotIn("RuntimeError", error["message"])

    def test_it_answers_a_malformed_multipart_body_as_a_bad_request(self) -> None:
        request = RequestFactory().post("/api/v1/anything")
        response = api.on_exception(request, MultiPartParserError("no boundary"))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(json.loads(response.content)["error"]["code"], "bad_request")

    def test_it_answers_invalid_query_values_with_their_paths(self) -> None:
        response = self.api("GET", "/incidents?year=abc&label=purple", as_user=self.amara)
        error = self.assertError(response, 422, "invalid")
        self.assertEqual({d["path"] for d in error["details"]}, {"year", "label"})

    def test_it_answers_in_the_language_asked_for(self) -> None:
        response = self.api("GET", "/nothing", HTTP_ACCEPT_LANGUAGE="fr")
        self.assertEqual(response.status_code, 404)
        self.assertNotEqual(
            response.json()["error"]["message"],
            "Nothing was found at this address, or you may not see it.",
        )

    def test_it_serves_the_documents_about_the_api_to_anyone(self) -> None:
        schema = self.api("GET", "/openapi.json")
        self.assertEqual(schema.status_code, 200)
        self.assertEqual(schema.json()["info"]["title"], "Waypoint API")
        twice: list[str] = []

        def keys_once(pairs: list[tuple[str, object]]) -> dict[str, object]:
            keys = [key for key, _ in pairs]
            twice.extend(key for key in set(keys) if keys.count(key) > 1)
            return dict(pairs)

        json.loads(schema.content, object_pairs_hook=keys_once)
        self.assertEqual(twice, [], "keys given twice in the OpenAPI document")
        docs = self.api("GET", "/docs")
        self.assertContains(docs, 'data-openapi-url="/api/v1/openapi.json"')
        self.assertNotIn("cdn", docs.content.decode().lower())
        self.assertEqual(self.api("GET", "/").json()["docs"], "/api/v1/docs")

    def test_it_sends_no_cache_and_the_strict_policy_with_api_answers(self) -> None:
        response = self.api("GET", "/incidents", as_user=self.amara)
        self.assertIn("no-store", response["Cache-Control"])
        self.assertIn("script-src 'self'", response["Content-Security-Policy"])


@override_settings(WAYPOINT_API_RATE="3/min")
class RateLimitTests(ApiTestCase):
    # Half a minute into a window, so that a slow run cannot carry the requests of one test into
    # the next window; counters of earlier tests in the same process are cleared.
    NOW = 60 * 20_000 + 30.0

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        clock = mock.patch.object(ratelimit, "clock", return_value=self.NOW)
        clock.start()
        self.addCleanup(clock.stop)

    def test_it_refuses_a_token_past_its_rate_with_retry_after(self) -> None:
        for _ in range(3):
            self.assertEqual(self.api("GET", "/incidents", as_user=self.amara).status_code, 200)
        response = self.api("GET", "/incidents", as_user=self.amara)
        self.assertError(response, 429, "rate_limited")
        self.assertEqual(response["Retry-After"], "30")

    def test_it_counts_each_token_apart(self) -> None:
        for _ in range(4):
            self.api("GET", "/incidents", as_user=self.amara)
        self.assertEqual(self.api("GET", "/incidents", as_user=self.chen).status_code, 200)
        _, other = create_token(actor=self.amara, name="second")
        self.assertEqual(self.api("GET", "/incidents", token=other).status_code, 200)

    def test_it_counts_requests_refused_for_their_content(self) -> None:
        for _ in range(3):
            self.api("GET", "/incidents?year=x", as_user=self.amara)
        self.assertError(self.api("GET", "/incidents", as_user=self.amara), 429, "rate_limited")

    def test_it_opens_a_new_window_when_the_old_one_ends(self) -> None:
        token = ApiToken.objects.get(user=self.amara)
        rate = Rate(2, 60)
        verdicts = [ratelimit.hit(token.pk, rate, now=120.0 + n) for n in range(3)]
        self.assertEqual([v.allowed for v in verdicts], [True, True, False])
        self.assertEqual(verdicts[2].retry_after, 58)
        self.assertTrue(ratelimit.hit(token.pk, rate, now=180.0).allowed)


class RateTests(SimpleTestCase):
    def test_it_reads_rates_in_several_units(self) -> None:
        self.assertEqual(parse_rate("600/min"), Rate(600, 60))
        self.assertEqual(parse_rate(" 20 / s "), Rate(20, 1))
        self.assertEqual(parse_rate("10000/hour"), Rate(10000, 3600))
        self.assertEqual(parse_rate("5/DAY"), Rate(5, 86400))

    def test_it_says_what_a_rate_looks_like(self) -> None:
        for text in ("600", "0/min", "600/week", "-1/s", "many/min"):
            with self.assertRaisesRegex(ValueError, "e.g. 600/min"):
                parse_rate(text)


class ProblemPathTests(SimpleTestCase):
    def test_it_counts_list_items_from_one_in_paths(self) -> None:
        self.assertEqual(
            path_of(["persons", 0, "offender", "stages", 2, "note"]),
            "persons[1].offender.stages[3].note",
        )
        self.assertEqual(path_of([]), "")

    def test_it_drops_the_name_of_the_body_from_request_paths(self) -> None:
        problem = request_problem(
            {"loc": ("body", "payload", "legs", 1, "mode"), "msg": "bad", "type": "string_type"}
        )
        self.assertEqual(problem, Problem("legs[2].mode", "bad", "string_type"))
        problem = request_problem({"loc": ("query", "limit"), "msg": "m", "type": "t"})
        self.assertEqual(problem.path, "limit")

    def test_it_puts_the_incidents_own_fields_at_the_top(self) -> None:
        self.assertEqual(document_problem(Problem("incident.country", "m")).path, "country")
        self.assertEqual(document_problem(Problem("incident", "m")).path, "")
        self.assertEqual(document_problem(Problem("persons[1].age", "m")).path, "persons[1].age")
