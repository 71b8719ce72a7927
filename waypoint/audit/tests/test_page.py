"""The audit page at /audit/: auditors only, newest first, filtered, fifty a page."""

from __future__ import annotations

import datetime
import re

from django.contrib import admin
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from waypoint.audit.log import Target, record
from waypoint.audit.models import Action, AuditEvent
from waypoint.audit.tests.base import AuditTestCase
from waypoint.web.tests.helpers import inline_code, unlabelled_fields

URL = "/audit/"


@override_settings(ROOT_URLCONF="waypoint.audit.tests.urls")
class PageTests(AuditTestCase):
    def get(self, user, query: str = ""):  # type: ignore[no-untyped-def]
        self.client.force_login(user)
        return self.client.get(f"{URL}{query}")

    def shown(self, response) -> list[int]:  # type: ignore[no-untyped-def]
        return [event.sequence for event in response.context["page"]]

    def test_it_lists_the_auditors_events_newest_first(self) -> None:
        own = self.some_events(3)
        record(actor=self.chen, action=Action.CREATE, organisation=self.org_b)
        response = self.get(self.ines)
        self.assertEqual(response.status_code, 200)
        # The auditor's own sign-in (by force_login) is an event of Org A too.
        sequences = self.shown(response)
        self.assertEqual(sequences, sorted(sequences, reverse=True))
        self.assertLessEqual({event.sequence for event in own}, set(sequences))
        self.assertNotIn(4, sequences)
        self.assertContains(response, own[0].target_id)

    def test_it_answers_anyone_else_as_if_the_page_did_not_exist(self) -> None:
        for user in (self.amara, self.bruno, self.chen, self.dana):
            with self.subTest(user=user.username):
                self.assertEqual(self.get(user).status_code, 404)
        self.assertEqual(self.get(self.dana, "nothing-here/").status_code, 404)

    def test_it_sends_a_signed_out_visitor_to_sign_in(self) -> None:
        response = self.client.get(URL)
        self.assertRedirects(response, f"/login/?next={URL}", fetch_redirect_response=False)

    def test_it_shows_the_platform_administrator_only_administration(self) -> None:
        record(actor=self.eve, action=Action.USER_DISABLED, target=self.dana)
        record(
            actor=self.amara,
            action=Action.VIEW_RESTRICTED,
            organisation=self.org_a,
            target=Target("incident", "secret-incident", self.org_a),
            justification="case review",
        )
        response = self.get(self.eve)
        self.assertEqual(response.status_code, 200)
        actions = {event.action for event in response.context["page"]}
        self.assertIn(Action.USER_DISABLED, actions)
        self.assertNotIn(Action.VIEW_RESTRICTED, actions)
        self.assertNotContains(response, "secret-incident")

    def test_it_filters_by_actor_action_dates_and_target(self) -> None:
        first = self.some_events(2)[0]
        record(actor=self.amara, action=Action.EXPORT, organisation=self.org_a)
        today = datetime.datetime.now(datetime.UTC).date()
        tomorrow = today + datetime.timedelta(days=1)
        cases = [
            ("?actor=amara", {Action.EXPORT}),
            ("?action=update", {Action.UPDATE}),
            (f"?target={first.target_id}", {Action.UPDATE}),
            (f"?since={tomorrow}", set()),
            (f"?since={today}&until={today}&action=export", {Action.EXPORT}),
        ]
        for query, actions in cases:
            with self.subTest(query=query):
                response = self.get(self.ines, query)
                self.assertEqual({event.action for event in response.context["page"]}, actions)
        target = self.get(self.ines, f"?target={first.target_id}")
        self.assertEqual(self.shown(target), [first.sequence])

    def test_it_explains_a_reversed_date_range(self) -> None:
        response = self.get(self.ines, "?since=2025-02-01&until=2025-01-01")
        self.assertContains(response, "The end date is before the start date.")
        self.assertIsNone(response.context["page"])

    def test_it_shows_fifty_events_a_page(self) -> None:
        self.some_events(60)
        first = self.get(self.ines, "?action=update")
        self.assertEqual(len(first.context["page"]), 50)
        self.assertContains(first, "?action=update&amp;page=2")
        second = self.get(self.ines, "?action=update&page=2")
        self.assertEqual(self.shown(second), list(range(10, 0, -1)))

    def test_it_keeps_the_number_of_queries_fixed(self) -> None:
        self.some_events(3)
        self.get(self.ines)
        few = self.queries()
        self.some_events(70)
        self.assertEqual(self.queries(), few)
        # Its own: the auditor's organisations, count, page, then lock, append, move the head.
        audit = [
            sql
            for sql in few
            if ("audit_" in sql or "orgs_organisation" in sql)
            # not the roles behind the site's navigation
            and not sql.startswith('SELECT "orgs_membership"."role"')
        ]
        self.assertEqual(len(audit), 6, "\n".join(audit))

    def queries(self) -> list[str]:
        """The SQL of one page view, with the numbers that change from one view to the next
        taken out (session keys, event numbers, hashes, times)."""
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(URL).status_code, 200)
        return [re.sub(r"'[^']*'|\b\d+\b", "?", query["sql"]) for query in captured]

    def test_it_has_one_h1(self) -> None:
        response = self.get(self.ines)
        self.assertEqual(response.content.count(b"<h1"), 1)

    def test_it_records_who_read_the_log(self) -> None:
        self.get(self.ines, "?action=update")
        event = AuditEvent.objects.order_by("sequence").last()
        assert event is not None
        self.assertEqual((event.action, event.actor), (Action.AUDIT_VIEW, self.ines))
        self.assertEqual((event.organisation, event.target_type), (self.org_a, "audit_log"))

    def test_it_names_the_kind_of_record_in_words(self) -> None:
        record(
            actor=self.bruno,
            action=Action.KEY_CREATED,
            organisation=self.org_a,
            target=Target("key", "00000000-0000-4000-8000-000000000001", self.org_a),
        )
        record(actor=self.bruno, action=Action.EXPORT, target=Target("brand_new", "", self.org_a))
        response = self.get(self.ines)
        self.assertContains(response, "<td>encryption key <a", html=False)
        self.assertContains(response, "<td>brand_new</td>", html=True)

    def test_it_links_a_user_and_a_record_to_their_own_events(self) -> None:
        first = self.some_events(1)[0]
        response = self.get(self.ines, "?action=update&page=1")
        self.assertContains(response, 'href="?action=update&amp;actor=bruno"')
        self.assertContains(response, f'href="?action=update&amp;target={first.target_id}"')
        self.assertContains(response, f'<a href="{URL}">Show all events</a>', html=True)
        self.assertNotContains(self.get(self.ines), "Show all events")

    def test_its_form_is_labelled_and_its_page_has_no_inline_code(self) -> None:
        html = self.get(self.ines).content.decode()
        self.assertEqual(unlabelled_fields(html), [])
        self.assertEqual(inline_code(html), [])

    def test_it_is_not_in_the_admin_site(self) -> None:
        self.assertNotIn(AuditEvent, admin.site._registry)
