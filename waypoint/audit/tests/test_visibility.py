"""Who may read which events, as a table."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User

from waypoint.audit.log import Target, record
from waypoint.audit.models import Action, AuditEvent
from waypoint.audit.tests.base import AuditTestCase
from waypoint.orgs.models import Organisation, Role


class VisibilityTests(AuditTestCase):
    names: dict[int, str]

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        a_record = Target("incident", "a-incident", cls.org_a)
        b_record = Target("incident", "b-incident", cls.org_b)
        cls.names = {}
        events: dict[str, dict[str, Any]] = {
            "a views own": dict(
                actor=cls.amara,
                action=Action.VIEW_RESTRICTED,
                organisation=cls.org_a,
                target=a_record,
                justification="case review",
            ),
            "b views a's": dict(
                actor=cls.chen, action=Action.VIEW_PERSONAL, organisation=cls.org_b, target=a_record
            ),
            "b creates": dict(
                actor=cls.chen, action=Action.CREATE, organisation=cls.org_b, target=b_record
            ),
            "a exports": dict(
                actor=cls.amara,
                action=Action.EXPORT,
                organisation=cls.org_a,
                target=Target("export", "", cls.org_a),
            ),
            "admin disables": dict(actor=cls.eve, action=Action.USER_DISABLED, target=cls.dana),
            "admin creates org": dict(actor=cls.eve, action=Action.CREATE, target=cls.org_b),
            "a signs in": dict(
                actor=cls.amara, action=Action.LOGIN, organisation=cls.org_a, target=cls.amara
            ),
        }
        for name, fields in events.items():
            cls.names[record(**fields).sequence] = name

    def seen_by(self, user: User) -> set[str]:
        visible = AuditEvent.objects.visible_to(user).values_list("sequence", flat=True)
        return {self.names[sequence] for sequence in visible}

    def test_it_shows_each_reader_what_they_may_see(self) -> None:
        everything_of_a = {"a views own", "b views a's", "a exports", "a signs in"}
        table = [
            (self.ines, everything_of_a),
            (self.omar, {"b views a's", "b creates", "admin creates org"}),
            (self.eve, {"admin disables", "admin creates org", "a signs in"}),
            (self.amara, set()),
            (self.bruno, set()),
            (self.chen, set()),
            (self.dana, set()),
        ]
        for user, expected in table:
            with self.subTest(user=user.username):
                self.assertEqual(self.seen_by(user), expected)

    def test_it_shows_nothing_to_a_signed_out_visitor(self) -> None:
        from django.contrib.auth.models import AnonymousUser

        self.assertFalse(AuditEvent.objects.visible_to(AnonymousUser()).exists())

    def test_it_shows_nothing_to_a_disabled_auditor(self) -> None:
        self.ines.is_active = False
        self.ines.save()
        self.assertEqual(self.seen_by(self.ines), set())

    def test_it_shows_nothing_of_an_inactive_organisation(self) -> None:
        Organisation.objects.filter(pk=self.org_b.pk).update(is_active=False)
        self.assertEqual(self.seen_by(self.omar), set())

    def test_it_shows_an_auditor_of_two_organisations_both(self) -> None:
        self.make_user("both", self.org_a, Role.AUDITOR).memberships.create(
            organisation=self.org_b, role=Role.AUDITOR
        )
        both = User.objects.get(username="both")
        self.assertEqual(len(self.seen_by(both)), 6)
