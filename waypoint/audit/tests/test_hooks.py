"""State changes made elsewhere write their audit events in the same transaction."""

from __future__ import annotations

import io

from django.core.management import call_command

from waypoint.audit.models import Action, AuditEvent
from waypoint.cases.actions import decide_label_change, request_label_change
from waypoint.cases.models import Label
from waypoint.orgs.actions import add_partner, revoke_partner
from waypoint.orgs.models import Role
from waypoint.test import BaseTestCase
from waypoint.web import actions as account_actions


class HookTests(BaseTestCase):
    def actions(self) -> list[str]:
        return list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))

    def test_it_records_a_widening_request_and_its_approval(self) -> None:
        giulia = self.make_user("giulia", self.org_a, Role.REPORTER)
        incident = self.incident(self.org_a)
        change = request_label_change(actor=self.bruno, incident=incident, label=Label.GREEN)
        decide_label_change(actor=giulia, change=change, approve=True)
        self.assertEqual(
            self.actions(), [Action.LABEL_CHANGE_REQUESTED, Action.LABEL_CHANGE_APPROVED]
        )

    def test_it_records_partners_added_and_revoked(self) -> None:
        marco = self.make_user("marco", self.org_a, Role.ORG_ADMIN)
        agreement = add_partner(actor=marco, owner=self.org_a, partner=self.org_b)
        revoke_partner(actor=marco, agreement=agreement)
        self.assertEqual(self.actions(), [Action.PARTNER_ADDED, Action.PARTNER_REVOKED])

    def test_it_records_two_factor_changes(self) -> None:
        account_actions.replace_recovery_codes(actor=self.amara)
        account_actions.remove_two_factor(actor=self.amara)
        self.assertEqual(self.actions(), [Action.TWO_FACTOR_ENABLED, Action.TWO_FACTOR_DISABLED])

    def test_it_records_organisations_and_roles_made_at_the_command_line(self) -> None:
        call_command(
            "create_org", "ORG-X", name="Org X", country="ESP", org_type="ngo", stdout=io.StringIO()
        )
        call_command(
            "create_user", "xavier", "--org", "ORG-X", "--role", "analyst", stdout=io.StringIO()
        )
        self.assertEqual(self.actions(), [Action.CREATE, Action.MEMBERSHIP_CHANGED])
        self.assertTrue(
            call_command("audit", "verify", "--no-record", stdout=io.StringIO()) is None
        )
