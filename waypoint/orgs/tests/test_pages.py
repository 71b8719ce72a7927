"""Organisation administration at /organisation/: members and roles, partners, approvals."""

from __future__ import annotations

from django.contrib.auth.models import User

from waypoint.audit.models import Action, AuditEvent
from waypoint.cases.actions import request_label_change
from waypoint.cases.models import Label, LabelChangeStatus
from waypoint.orgs.models import Membership, Organisation, Role, SharingAgreement
from waypoint.test import BaseTestCase
from waypoint.web.tests.helpers import inline_code, unlabelled_fields

URL = "/organisation/"
A = f"{URL}ORG-A/"


class AdministrationTestCase(BaseTestCase):
    olga: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.olga = cls.make_user("olga", cls.org_a, Role.ORG_ADMIN)

    def setUp(self) -> None:
        self.client.force_login(self.olga)

    def roles(self, user: User, organisation: Organisation | None = None) -> set[str]:
        return set(
            Membership.objects.filter(
                user=user, organisation=organisation or self.org_a
            ).values_list("role", flat=True)
        )

    def events(self, action: str) -> list[AuditEvent]:
        return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


class AccessTests(AdministrationTestCase):
    def test_it_opens_the_only_organisation_an_administrator_administers(self) -> None:
        self.assertRedirects(self.client.get(URL), A)

    def test_it_lists_the_organisations_of_an_administrator_of_several(self) -> None:
        Membership.objects.create(user=self.olga, organisation=self.org_b, role=Role.ORG_ADMIN)
        response = self.client.get(URL)
        self.assertContains(response, f'href="{URL}ORG-B/"')
        self.assertContains(response, f'href="{A}"')

    def test_it_does_not_exist_for_anyone_but_administrators(self) -> None:
        for user in (self.amara, self.bruno, self.chen, self.dana, self.eve):
            self.client.force_login(user)
            for url in (URL, A, f"{A}partners/", f"{A}approvals/", f"{A}members/bruno/"):
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(self.client.get(url).status_code, 404)

    def test_it_does_not_exist_for_another_organisations_administrator(self) -> None:
        nikos = self.make_user("nikos", self.org_b, Role.ORG_ADMIN)
        self.client.force_login(nikos)
        for url in (A, f"{A}partners/", f"{A}approvals/"):
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)
        response = self.client.post(
            f"{A}add-member/", {"add-username": "dana", "add-roles": "analyst"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.roles(self.dana), set())

    def test_it_does_not_exist_for_an_inactive_organisation(self) -> None:
        Organisation.objects.filter(pk=self.org_a.pk).update(is_active=False)
        self.assertEqual(self.client.get(A).status_code, 404)

    def test_it_sends_a_signed_out_visitor_to_sign_in(self) -> None:
        self.client.logout()
        self.assertRedirects(self.client.get(A), f"/login/?next={A}", fetch_redirect_response=False)

    def test_its_pages_have_one_h1_labelled_fields_and_no_inline_code(self) -> None:
        request_label_change(
            actor=self.bruno, incident=self.incident(self.org_a), label=Label.GREEN
        )
        for url in (A, f"{A}members/bruno/", f"{A}partners/", f"{A}approvals/"):
            with self.subTest(url=url):
                html = self.client.get(url).content.decode()
                self.assertEqual(html.count("<h1"), 1)
                self.assertEqual(unlabelled_fields(html), [])
                self.assertEqual(inline_code(html), [])


class MemberTests(AdministrationTestCase):
    def test_it_lists_each_member_once_with_their_roles(self) -> None:
        Membership.objects.create(user=self.bruno, organisation=self.org_a, role=Role.ANALYST)
        response = self.client.get(A)
        names = [member["user"].username for member in response.context["members"]]
        self.assertEqual(names, ["amara", "bruno", "olga"])
        self.assertContains(response, "analyst, reporting officer")
        self.assertNotContains(response, "chen")

    def test_it_keeps_the_number_of_queries_fixed(self) -> None:
        self.client.get(A)
        # The session, the user, the device, the roles behind the navigation; the organisation
        # and its memberships with their users.
        with self.assertNumQueries(6) as few:
            self.client.get(A)
        for number in range(20):
            self.make_user(f"member{number}", self.org_a, Role.ANALYST)
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(A)

    def test_it_adds_a_user_who_has_an_account(self) -> None:
        response = self.client.post(
            f"{A}add-member/", {"add-username": "chen", "add-roles": [Role.ANALYST, Role.AUDITOR]}
        )
        self.assertRedirects(response, A)
        self.assertEqual(self.roles(self.chen), {Role.ANALYST, Role.AUDITOR})
        self.assertEqual(self.roles(self.chen, self.org_b), {Role.ANALYST})
        changes = self.events(Action.MEMBERSHIP_CHANGED)
        self.assertEqual([event.details["role"] for event in changes], ["analyst", "auditor"])
        self.assertEqual(
            {(event.actor, event.organisation) for event in changes}, {(self.olga, self.org_a)}
        )

    def test_it_adds_roles_to_a_member_without_taking_any_away(self) -> None:
        self.client.post(f"{A}add-member/", {"add-username": "bruno", "add-roles": Role.ANALYST})
        self.assertEqual(self.roles(self.bruno), {Role.REPORTER, Role.ANALYST})

    def test_it_explains_a_user_name_it_does_not_know(self) -> None:
        response = self.client.post(
            f"{A}add-member/", {"add-username": "nobody", "add-roles": "analyst"}
        )
        self.assertContains(response, "No user has this name.")
        response = self.client.post(f"{A}add-member/", {"add-username": "dana"})
        self.assertContains(response, "Choose at least one role.")
        self.assertEqual(self.roles(self.dana), set())

    def test_it_gives_a_platform_administrator_no_role(self) -> None:
        response = self.client.post(
            f"{A}add-member/", {"add-username": "eve", "add-roles": "analyst"}
        )
        self.assertContains(response, "A platform administrator holds no role")
        self.assertEqual(self.roles(self.eve), set())

    def test_it_creates_an_account_with_a_one_time_password_shown_once(self) -> None:
        response = self.client.post(
            f"{A}new-member/",
            {
                "new-username": "giulia",
                "new-email": "giulia@example.org",
                "new-roles": Role.REPORTER,
            },
        )
        self.assertEqual(response.status_code, 200)
        password = response.context["password"]
        self.assertContains(response, password)
        giulia = User.objects.get(username="giulia")
        self.assertTrue(giulia.check_password(password))
        self.assertGreaterEqual(len(password), 20)
        self.assertEqual(self.roles(giulia), {Role.REPORTER})
        created = self.events(Action.CREATE)[-1]
        self.assertEqual(
            (created.target_type, created.target_id, created.actor), ("user", "giulia", self.olga)
        )
        self.assertNotIn(password, str(AuditEvent.objects.values_list("details", flat=True)))
        self.assertIn("no-store", response["Cache-Control"])

    def test_it_refuses_a_taken_or_malformed_user_name(self) -> None:
        for username, message in (
            ("Bruno", "This user name is taken."),
            ("a b", "Enter a valid username"),
        ):
            with self.subTest(username=username):
                response = self.client.post(
                    f"{A}new-member/", {"new-username": username, "new-roles": "analyst"}
                )
                self.assertContains(response, message)
        self.assertFalse(User.objects.filter(username__in=["a b"]).exists())

    def test_it_changes_a_members_roles(self) -> None:
        response = self.client.post(
            f"{A}members/bruno/", {"roles": [Role.ANALYST, Role.INTAKE_OFFICER]}
        )
        self.assertRedirects(response, A)
        self.assertEqual(self.roles(self.bruno), {Role.ANALYST, Role.INTAKE_OFFICER})
        changes = [
            (e.details["role"], e.details["change"]) for e in self.events(Action.MEMBERSHIP_CHANGED)
        ]
        self.assertEqual(
            changes,
            [("reporter", "revoked"), ("analyst", "granted"), ("intake_officer", "granted")],
        )

    def test_it_shows_the_roles_a_member_holds(self) -> None:
        response = self.client.get(f"{A}members/bruno/")
        self.assertContains(response, 'value="reporter" id="id_roles_0" checked', html=False)

    def test_it_removes_a_member(self) -> None:
        response = self.client.post(f"{A}members/bruno/remove/")
        self.assertRedirects(response, A)
        self.assertEqual(self.roles(self.bruno), set())
        self.assertTrue(User.objects.filter(username="bruno").exists())

    def test_it_keeps_at_least_one_administrator(self) -> None:
        response = self.client.post(f"{A}members/olga/remove/", follow=True)
        self.assertContains(response, "ORG-A needs at least one administrator")
        self.assertEqual(self.roles(self.olga), {Role.ORG_ADMIN})
        response = self.client.post(f"{A}members/olga/", {"roles": Role.ANALYST}, follow=True)
        self.assertContains(response, "needs at least one administrator")
        Membership.objects.create(user=self.bruno, organisation=self.org_a, role=Role.ORG_ADMIN)
        self.client.post(f"{A}members/olga/remove/")
        self.assertEqual(self.roles(self.olga), set())

    def test_it_finds_no_one_outside_the_organisation(self) -> None:
        for username in ("chen", "dana", "nobody"):
            with self.subTest(username=username):
                self.assertEqual(self.client.get(f"{A}members/{username}/").status_code, 404)
                self.assertEqual(
                    self.client.post(f"{A}members/{username}/remove/").status_code, 404
                )
        self.assertEqual(self.roles(self.chen, self.org_b), {Role.ANALYST})


class PartnerTests(AdministrationTestCase):
    def test_it_starts_a_sharing_agreement(self) -> None:
        response = self.client.post(f"{A}partners/", {"partner": "ORG-B", "note": "MoU 2025/14"})
        self.assertRedirects(response, f"{A}partners/")
        agreement = SharingAgreement.objects.active().get(owner=self.org_a)
        self.assertEqual(
            (agreement.partner, agreement.note, agreement.created_by),
            (self.org_b, "MoU 2025/14", self.olga),
        )
        event = self.events(Action.PARTNER_ADDED)[0]
        self.assertEqual(
            (event.actor, event.organisation, event.target_organisation),
            (self.olga, self.org_a, self.org_b),
        )
        page = self.client.get(f"{A}partners/")
        self.assertContains(page, "MoU 2025/14")
        self.assertNotContains(page, '<option value="ORG-B">')

    def test_it_offers_only_other_active_organisations(self) -> None:
        Organisation.objects.create(
            code="ORG-X", name="Closed", type="ngo", country="ITA", is_active=False
        )
        options = self.client.get(f"{A}partners/").context["form"].fields["partner"].queryset
        self.assertEqual([org.code for org in options], ["ORG-B"])
        response = self.client.post(f"{A}partners/", {"partner": "ORG-A"})
        self.assertContains(response, "Select a valid choice.")

    def test_it_revokes_an_agreement_and_keeps_it_as_history(self) -> None:
        SharingAgreement.objects.create(owner=self.org_a, partner=self.org_b, created_by=self.olga)
        response = self.client.post(f"{A}partners/ORG-B/revoke/")
        self.assertRedirects(response, f"{A}partners/")
        agreement = SharingAgreement.objects.get(owner=self.org_a)
        self.assertEqual(agreement.revoked_by, self.olga)
        self.assertEqual(len(self.events(Action.PARTNER_REVOKED)), 1)
        page = self.client.get(f"{A}partners/")
        self.assertContains(page, "Ended agreements")
        self.assertEqual(self.client.post(f"{A}partners/ORG-B/revoke/").status_code, 404)

    def test_it_shows_who_shares_with_the_organisation(self) -> None:
        SharingAgreement.objects.create(owner=self.org_b, partner=self.org_a)
        page = self.client.get(f"{A}partners/")
        self.assertEqual([a.owner for a in page.context["theirs"]], [self.org_b])
        self.assertEqual(self.client.post(f"{A}partners/ORG-B/revoke/").status_code, 404)
        self.assertTrue(SharingAgreement.objects.active().filter(owner=self.org_b).exists())

    def test_it_keeps_the_number_of_queries_fixed(self) -> None:
        self.client.get(f"{A}partners/")
        # Four for every page (see above), the organisation, its agreements, the organisations
        # it may add, and the agreements of others with it.
        with self.assertNumQueries(8) as few:
            self.client.get(f"{A}partners/")
        for number in range(10):
            org = Organisation.objects.create(
                code=f"P-{number}", name="P", type="ngo", country="ITA"
            )
            SharingAgreement.objects.create(owner=self.org_a, partner=org, created_by=self.olga)
            SharingAgreement.objects.create(owner=org, partner=self.org_a)
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(f"{A}partners/")


class ApprovalTests(AdministrationTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.record = self.incident(self.org_a, "APP-1")
        self.change = request_label_change(
            actor=self.bruno,
            incident=self.record,
            label=Label.AMBER,
            partners=[self.org_b],
            reason="joint case",
        )

    def decide(self, decision: str, note: str = ""):  # type: ignore[no-untyped-def]
        return self.client.post(
            f"{A}approvals/{self.record.public_id}/", {"decision": decision, "note": note}
        )

    def test_it_lists_the_changes_awaiting_approval(self) -> None:
        page = self.client.get(f"{A}approvals/")
        self.assertEqual([item["change"] for item in page.context["pending"]], [self.change])
        self.assertContains(page, "APP-1")
        self.assertContains(page, "joint case")
        self.assertContains(page, "Organisation B (ORG-B)")
        self.assertContains(page, 'value="approve"')

    def test_it_approves_a_change(self) -> None:
        response = self.decide("approve", "checked with the MoU")
        self.assertRedirects(response, f"{A}approvals/")
        self.change.refresh_from_db()
        self.record.refresh_from_db()
        self.assertEqual(
            (self.change.status, self.change.decided_by), (LabelChangeStatus.APPROVED, self.olga)
        )
        self.assertEqual(self.change.decision_note, "checked with the MoU")
        self.assertEqual(self.record.label, Label.AMBER)
        self.assertEqual(list(self.record.shared_with.all()), [self.org_b])
        self.assertEqual(self.events(Action.LABEL_CHANGE_APPROVED)[0].actor, self.olga)
        self.assertEqual(self.client.get(f"{A}approvals/").context["pending"], [])

    def test_it_rejects_a_change(self) -> None:
        self.decide("reject")
        self.change.refresh_from_db()
        self.record.refresh_from_db()
        self.assertEqual(
            (self.change.status, self.record.label), (LabelChangeStatus.REJECTED, Label.RED)
        )
        self.assertEqual(len(self.events(Action.LABEL_CHANGE_REJECTED)), 1)

    def test_it_lets_no_one_approve_their_own_request(self) -> None:
        Membership.objects.create(user=self.bruno, organisation=self.org_a, role=Role.ORG_ADMIN)
        self.client.force_login(self.bruno)
        page = self.client.get(f"{A}approvals/")
        self.assertContains(page, "You asked for this change")
        self.assertNotContains(page, 'value="approve"')
        response = self.decide("approve")
        self.assertEqual(response.status_code, 302)
        self.change.refresh_from_db()
        self.assertEqual(self.change.status, LabelChangeStatus.PENDING)
        self.assertContains(self.client.get(f"{A}approvals/"), "must be decided by someone else")

    def test_it_says_when_a_change_was_decided_already(self) -> None:
        self.decide("reject")
        response = self.decide("approve")
        self.assertRedirects(response, f"{A}approvals/")
        self.change.refresh_from_db()
        self.assertEqual(self.change.status, LabelChangeStatus.REJECTED)

    def test_it_needs_a_decision(self) -> None:
        self.decide("maybe")
        self.change.refresh_from_db()
        self.assertEqual(self.change.status, LabelChangeStatus.PENDING)

    def test_it_shows_no_record_the_administrator_may_not_see(self) -> None:
        strict = self.incident(self.org_a, "STRICT-1", label=Label.AMBER_STRICT)
        strict.named_users.add(self.bruno)
        request_label_change(actor=self.bruno, incident=strict, label=Label.RED)  # a narrowing
        hidden = self.incident(self.org_a, "STRICT-2", label=Label.AMBER_STRICT)
        hidden.named_users.add(self.bruno)
        request_label_change(
            actor=self.bruno, incident=hidden, label=Label.AMBER, partners=[self.org_b]
        )
        page = self.client.get(f"{A}approvals/")
        self.assertNotContains(page, "STRICT-2")
        response = self.client.post(f"{A}approvals/{hidden.public_id}/", {"decision": "approve"})
        self.assertEqual(response.status_code, 404)

    def test_it_finds_no_record_of_another_organisation(self) -> None:
        theirs = self.incident(self.org_b, "B-1", label=Label.GREEN)
        response = self.client.post(f"{A}approvals/{theirs.public_id}/", {"decision": "approve"})
        self.assertEqual(response.status_code, 404)

    def test_it_keeps_the_number_of_queries_fixed(self) -> None:
        self.client.get(f"{A}approvals/")
        # Four for every page, the organisation, the incidents, their changes, the partners
        # and the requesters.
        with self.assertNumQueries(9) as few:
            self.client.get(f"{A}approvals/")
        for number in range(10):
            record = self.incident(self.org_a, f"APP-{number + 2}")
            request_label_change(
                actor=self.bruno, incident=record, label=Label.GREEN, partners=[self.org_b]
            )
        with self.assertNumQueries(len(few.captured_queries)):
            page = self.client.get(f"{A}approvals/")
        self.assertEqual(len(page.context["pending"]), 11)
