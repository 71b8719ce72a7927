"""``waypoint audit list`` with its filters, as text and as JSON."""

from __future__ import annotations

import datetime
import json

from waypoint.audit.log import Target, record
from waypoint.audit.models import Action
from waypoint.audit.tests.base import AuditTestCase


class ListTests(AuditTestCase):
    def setUp(self) -> None:
        self.update = self.some_events(1)[0]
        record(
            actor=self.chen,
            action=Action.VIEW_PERSONAL,
            organisation=self.org_b,
            target=Target("incident", "a-incident", self.org_a),
        )
        record(actor=self.eve, action=Action.USER_DISABLED, target=self.dana)

    def listed(self, *args: str) -> list[dict[str, object]]:
        code, out, error = self.audit("list", "--json", *args)
        self.assertEqual(code, 0, error)
        return json.loads(out)

    def actions(self, *args: str) -> list[object]:
        return [event["action"] for event in self.listed(*args)]

    def test_it_lists_every_event_oldest_first(self) -> None:
        self.assertEqual(self.actions(), ["update", "view_personal", "user_disabled"])

    def test_it_filters(self) -> None:
        today = datetime.datetime.now(datetime.UTC).date()
        cases = [
            (["--actor", "chen"], ["view_personal"]),
            (["--org", "ORG-A"], ["update", "view_personal"]),
            (["--org", "ORG-B"], ["view_personal"]),
            (["--action", "user_disabled"], ["user_disabled"]),
            (["--target", "a-incident"], ["view_personal"]),
            (["--target", "dana"], ["user_disabled"]),
            (
                ["--since", str(today), "--until", str(today)],
                ["update", "view_personal", "user_disabled"],
            ),
            (["--until", str(today - datetime.timedelta(days=1))], []),
            (["--since", "2999-01-01T00:00:00+00:00"], []),
            (["--last", "1"], ["user_disabled"]),
        ]
        for args, expected in cases:
            with self.subTest(args=args):
                self.assertEqual(self.actions(*args), expected)

    def test_it_prints_every_field_as_json(self) -> None:
        event = self.listed("--action", "update")[0]
        self.assertEqual(event["sequence"], self.update.sequence)
        self.assertEqual(event["hash"], self.update.hash)
        self.assertEqual(event["details"], {"fields": ["status"]})
        self.assertEqual((event["actor"], event["organisation"]), ("bruno", "ORG-A"))

    def test_it_prints_one_line_an_event_as_text(self) -> None:
        code, out, _ = self.audit("list", "--actor", "chen")
        self.assertEqual(code, 0)
        columns = out.strip().split("\t")
        self.assertEqual(columns[0], "2")
        self.assertEqual(
            columns[2:6], ["chen", "ORG-B", "view_personal", "incident a-incident [ORG-A]"]
        )

    def test_it_refuses_an_unknown_action(self) -> None:
        code, _, error = self.audit("list", "--action", "peek")
        self.assertNotEqual(code, 0)
        self.assertIn("invalid choice", error)
