"""Only the owner widens who may see a record, and a second person must approve it."""

from __future__ import annotations

from typing import Any

from waypoint.cases.actions import (
    decide_label_change,
    request_label_change,
    set_named_users,
    withdraw_label_change,
)
from waypoint.cases.models import Incident, Label, LabelChangeStatus
from waypoint.lib.workflow import TransitionError
from waypoint.orgs.access import AccessDenied
from waypoint.orgs.actions import add_partner, revoke_partner
from waypoint.orgs.models import Role
from waypoint.test import BaseTestCase


class FourEyesTests(BaseTestCase):
    giulia: Any
    marco: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.giulia = cls.make_user("giulia", cls.org_a, Role.REPORTER)
        cls.marco = cls.make_user("marco", cls.org_a, Role.ORG_ADMIN)

    def setUp(self) -> None:
        self.record = self.incident(self.org_a, "W-1", label=Label.RED)

    def label(self) -> str:
        return Incident.objects.values_list("label", flat=True).get(pk=self.record.pk)

    def test_it_waits_for_a_second_person_to_widen(self) -> None:
        change = request_label_change(actor=self.bruno, incident=self.record, label=Label.GREEN)
        self.assertEqual(change.status, LabelChangeStatus.PENDING)
        self.assertEqual(self.label(), Label.RED)
        self.assertFalse(Incident.objects.visible_to(self.chen).exists())
        decide_label_change(actor=self.giulia, change=change, approve=True, note="agreed")
        self.assertEqual(self.label(), Label.GREEN)
        self.assertTrue(Incident.objects.visible_to(self.chen).exists())

    def test_it_refuses_the_requester_as_approver(self) -> None:
        change = request_label_change(actor=self.bruno, incident=self.record, label=Label.AMBER)
        with self.assertRaisesMessage(AccessDenied, "second person"):
            decide_label_change(actor=self.bruno, change=change, approve=True)
        self.assertEqual(self.label(), Label.RED)

    def test_it_refuses_an_approver_from_another_organisation(self) -> None:
        change = request_label_change(actor=self.bruno, incident=self.record, label=Label.AMBER)
        outsider = self.make_user("eleni", self.org_b, Role.REPORTER)
        with self.assertRaises(AccessDenied):
            decide_label_change(actor=outsider, change=change, approve=True)

    def test_it_refuses_an_analyst_as_approver(self) -> None:
        change = request_label_change(actor=self.bruno, incident=self.record, label=Label.AMBER)
        with self.assertRaises(AccessDenied):
            decide_label_change(actor=self.amara, change=change, approve=True)

    def test_it_narrows_at_once(self) -> None:
        self.record.label = Label.GREEN
        self.record.save()
        change = request_label_change(actor=self.bruno, incident=self.record, label=Label.RED)
        self.assertEqual(change.status, LabelChangeStatus.APPROVED)
        self.assertEqual(self.label(), Label.RED)

    def test_it_treats_naming_a_new_partner_as_widening(self) -> None:
        self.record.label = Label.AMBER
        self.record.save()
        change = request_label_change(
            actor=self.bruno, incident=self.record, label=Label.AMBER, partners=[self.org_b]
        )
        self.assertEqual(change.status, LabelChangeStatus.PENDING)
        self.assertFalse(Incident.objects.visible_to(self.chen).exists())
        decide_label_change(actor=self.marco, change=change, approve=True)
        self.assertTrue(Incident.objects.visible_to(self.chen).exists())

    def test_it_keeps_a_rejected_widening_from_taking_effect(self) -> None:
        change = request_label_change(actor=self.bruno, incident=self.record, label=Label.GREEN)
        decide_label_change(actor=self.giulia, change=change, approve=False, note="too early")
        change.refresh_from_db()
        self.assertEqual(change.status, LabelChangeStatus.REJECTED)
        self.assertEqual(self.label(), Label.RED)

    def test_it_allows_one_pending_request_at_a_time(self) -> None:
        request_label_change(actor=self.bruno, incident=self.record, label=Label.GREEN)
        with self.assertRaisesMessage(TransitionError, "already awaiting approval"):
            request_label_change(actor=self.giulia, incident=self.record, label=Label.AMBER)

    def test_it_lets_the_requester_withdraw(self) -> None:
        change = request_label_change(actor=self.bruno, incident=self.record, label=Label.GREEN)
        withdraw_label_change(actor=self.bruno, change=change)
        self.assertEqual(change.status, LabelChangeStatus.WITHDRAWN)
        with self.assertRaises(TransitionError):
            decide_label_change(actor=self.giulia, change=change, approve=True)

    def test_it_never_lets_a_partner_reshare(self) -> None:
        self.record.label = Label.GREEN
        self.record.save()
        partner_reporter = self.make_user("eleni", self.org_b, Role.REPORTER)
        with self.assertRaises(AccessDenied):
            request_label_change(
                actor=partner_reporter,
                incident=self.record,
                label=Label.GREEN,
                partners=[self.org_b],
            )

    def test_it_names_only_users_of_the_owner(self) -> None:
        with self.assertRaises(AccessDenied):
            set_named_users(actor=self.bruno, incident=self.record, users=[self.chen])
        set_named_users(actor=self.bruno, incident=self.record, users=[self.amara])
        self.assertEqual(list(self.record.named_users.all()), [self.amara])


class AgreementTests(BaseTestCase):
    marco: Any

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.marco = cls.make_user("marco", cls.org_a, Role.ORG_ADMIN)

    def test_it_lets_an_administrator_share_amber_records_and_revoke_at_once(self) -> None:
        self.incident(self.org_a, "A-1", label=Label.AMBER)
        agreement = add_partner(actor=self.marco, owner=self.org_a, partner=self.org_b)
        self.assertEqual(Incident.objects.visible_to(self.chen).count(), 1)
        revoke_partner(actor=self.marco, agreement=agreement)
        self.assertEqual(Incident.objects.visible_to(self.chen).count(), 0)

    def test_it_refuses_a_non_administrator(self) -> None:
        with self.assertRaises(AccessDenied):
            add_partner(actor=self.bruno, owner=self.org_a, partner=self.org_b)
