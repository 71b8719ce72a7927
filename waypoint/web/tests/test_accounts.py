"""Signing in with a password and a second factor, throttling, sessions and the account page."""

from __future__ import annotations

import time
from datetime import timedelta

from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from waypoint.orgs.models import Membership, Role
from waypoint.test import PASSWORD, BaseTestCase
from waypoint.test import VerifiedClient as Client
from waypoint.web import sessions
from waypoint.web.models import UserSession
from waypoint.web.signin import PENDING
from waypoint.web.tests.helpers import (
    code_for,
    give_device,
    give_recovery_codes,
    normalised,
    quiet,
    session_key,
    sign_in,
    unlabelled_fields,
)

REFUSED = "Please enter a correct username and password"
THROTTLED = "Too many failed attempts. Please try again later."
WRONG_CODE = "This code is not valid"


class TwoStepSignInTests(BaseTestCase):
    device: TOTPDevice

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.device = give_device(cls.amara)

    def test_it_asks_for_a_code_after_the_password(self) -> None:
        response = sign_in(self.client, "amara", PASSWORD)
        self.assertRedirects(response, "/login/code/")
        self.assertRedirects(self.client.get("/"), "/login/?next=/")

    def test_it_signs_in_with_the_code_from_the_app(self) -> None:
        response = sign_in(self.client, "amara", PASSWORD, code_for(self.device))
        self.assertRedirects(response, "/")
        self.assertEqual(self.client.get("/").context["user"], self.amara)

    def test_it_accepts_the_code_typed_with_a_space(self) -> None:
        code = code_for(self.device)
        response = sign_in(self.client, "amara", PASSWORD, f"{code[:3]} {code[3:]}")
        self.assertRedirects(response, "/")

    def test_it_refuses_a_wrong_code(self) -> None:
        sign_in(self.client, "amara", PASSWORD)
        wrong = code_for(self.device, steps_ahead=5)
        response = self.client.post("/login/code/", {"code": wrong})
        self.assertContains(response, WRONG_CODE)
        self.assertRedirects(self.client.get("/"), "/login/?next=/")

    def test_it_refuses_a_code_used_before(self) -> None:
        code = code_for(self.device)
        self.assertRedirects(sign_in(self.client, "amara", PASSWORD, code), "/")
        self.client.post("/logout/")
        response = sign_in(self.client, "amara", PASSWORD, code)
        self.assertContains(response, WRONG_CODE)

    def test_it_accepts_a_recovery_code_once(self) -> None:
        codes = give_recovery_codes(self.amara)
        response = sign_in(self.client, "amara", PASSWORD, codes[0].upper())
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertContains(self.client.get("/"), "9 are left")
        self.client.post("/logout/")
        self.assertContains(sign_in(self.client, "amara", PASSWORD, codes[0]), WRONG_CODE)
        self.assertEqual(StaticToken.objects.filter(device__user=self.amara).count(), 9)

    def test_it_does_not_take_another_users_recovery_code(self) -> None:
        codes = give_recovery_codes(self.chen)
        response = sign_in(self.client, "amara", PASSWORD, codes[0])
        self.assertContains(response, WRONG_CODE)

    def test_it_sends_the_code_page_to_the_login_page_without_a_password_first(self) -> None:
        self.assertRedirects(self.client.get("/login/code/"), "/login/")

    def test_it_starts_again_when_the_code_comes_too_late(self) -> None:
        sign_in(self.client, "amara", PASSWORD)
        session = self.client.session
        session[PENDING] = {**session[PENDING], "at": int(time.time()) - 301}
        session.save()
        response = self.client.post("/login/code/", {"code": code_for(self.device)})
        self.assertRedirects(response, "/login/")

    def test_it_refuses_the_code_of_a_user_disabled_in_between(self) -> None:
        sign_in(self.client, "amara", PASSWORD)
        User.objects.filter(pk=self.amara.pk).update(is_active=False)
        response = self.client.post("/login/code/", {"code": code_for(self.device)})
        self.assertRedirects(response, "/login/")

    def test_it_goes_on_to_the_page_asked_for(self) -> None:
        self.client.post("/login/?next=/account/", {"username": "amara", "password": PASSWORD})
        response = self.client.post("/login/code/", {"code": code_for(self.device)})
        self.assertRedirects(response, "/account/")

    def test_it_does_not_go_on_to_another_site(self) -> None:
        self.client.post(
            "/login/", {"username": "amara", "password": PASSWORD, "next": "https://evil.example/"}
        )
        response = self.client.post("/login/code/", {"code": code_for(self.device)})
        self.assertRedirects(response, "/")

    def test_it_rotates_the_session_key_at_each_step(self) -> None:
        session = self.client.session
        session["visited"] = True
        session.save()
        before = session_key(self.client)
        sign_in(self.client, "amara", PASSWORD)
        between = session_key(self.client)
        self.client.post("/login/code/", {"code": code_for(self.device)})
        after = session_key(self.client)
        self.assertEqual(len({before, between, after}), 3)
        self.assertFalse(Session.objects.filter(session_key__in=[before, between]).exists())
        self.assertTrue(Session.objects.filter(session_key=after).exists())

    def test_it_has_one_h1_on_each_step(self) -> None:
        self.assertEqual(self.client.get("/login/").content.count(b"<h1"), 1)
        sign_in(self.client, "amara", PASSWORD)
        self.assertEqual(self.client.get("/login/code/").content.count(b"<h1"), 1)


class IdenticalAnswerTests(BaseTestCase):
    def test_it_answers_an_unknown_user_like_a_wrong_password(self) -> None:
        known = sign_in(self.client, "amara", "wrong password")
        unknown = sign_in(Client(), "nobody-here", "wrong password")
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertContains(known, REFUSED)
        self.assertEqual(
            normalised(known.content, "amara"), normalised(unknown.content, "nobody-here")
        )

    def test_it_answers_a_disabled_user_with_the_right_password_like_a_wrong_one(self) -> None:
        User.objects.filter(pk=self.bruno.pk).update(is_active=False)
        disabled = sign_in(self.client, "bruno", PASSWORD)
        wrong = sign_in(Client(), "amara", "wrong password")
        self.assertEqual(normalised(disabled.content, "bruno"), normalised(wrong.content, "amara"))

    def test_it_answers_a_missing_password_the_same_way(self) -> None:
        response = self.client.post("/login/", {"username": "amara"})
        self.assertContains(response, REFUSED)


@override_settings(AXES_FAILURE_LIMIT=5)
class ThrottlingTests(BaseTestCase):
    def fail_times(self, username: str, times: int, client: Client | None = None, **extra: str):  # type: ignore[no-untyped-def]
        client = client or self.client
        response = None
        for _ in range(times):
            response = sign_in(client, username, "wrong password", **extra)
        return response

    def test_it_throttles_known_and_unknown_user_names_alike_after_five_failures(self) -> None:
        answers = {}
        for username in ("amara", "nobody-here"):
            client = Client()
            self.assertContains(self.fail_times(username, 4, client), REFUSED)
            fifth = self.fail_times(username, 1, client)
            self.assertContains(fifth, THROTTLED)
            self.assertNotContains(fifth, REFUSED)
            answers[username] = fifth
        self.assertEqual(answers["amara"].status_code, answers["nobody-here"].status_code)
        self.assertEqual(
            normalised(answers["amara"].content, "amara"),
            normalised(answers["nobody-here"].content, "nobody-here"),
        )

    def test_it_refuses_even_the_right_password_while_throttled(self) -> None:
        self.fail_times("amara", 5)
        response = sign_in(self.client, "amara", PASSWORD)
        self.assertContains(response, THROTTLED)
        self.assertRedirects(self.client.get("/"), "/login/?next=/")

    def test_it_does_not_extend_the_cool_off_with_further_attempts(self) -> None:
        self.fail_times("amara", 5)
        first = AccessAttempt.objects.get().attempt_time
        self.fail_times("amara", 3)
        self.assertEqual(AccessAttempt.objects.get().attempt_time, first)

    def test_it_lets_the_user_in_again_after_the_cool_off(self) -> None:
        self.fail_times("amara", 5)
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
        response = sign_in(self.client, "amara", PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)

    def test_it_throttles_only_that_user_name_from_that_address(self) -> None:
        self.fail_times("amara", 5)
        other_user = sign_in(Client(), "bruno", PASSWORD)
        self.assertRedirects(other_user, "/", fetch_redirect_response=False)
        elsewhere = sign_in(Client(), "amara", PASSWORD, REMOTE_ADDR="192.0.2.7")
        self.assertRedirects(elsewhere, "/", fetch_redirect_response=False)

    def test_it_forgets_failures_after_a_successful_sign_in(self) -> None:
        self.fail_times("amara", 4)
        sign_in(self.client, "amara", PASSWORD)
        self.client.post("/logout/")
        self.assertContains(self.fail_times("amara", 4), REFUSED)

    def test_it_counts_wrong_codes_as_failures(self) -> None:
        device = give_device(self.amara)
        sign_in(self.client, "amara", PASSWORD)
        wrong = code_for(device, steps_ahead=5)
        for _ in range(4):
            self.assertContains(self.client.post("/login/code/", {"code": wrong}), WRONG_CODE)
        response = self.client.post("/login/code/", {"code": wrong})
        self.assertContains(response, THROTTLED)
        self.assertContains(sign_in(self.client, "amara", PASSWORD), THROTTLED)

    @override_settings(WAYPOINT_TRUSTED_PROXIES=1)
    def test_it_takes_the_address_from_a_trusted_proxy(self) -> None:
        self.fail_times("amara", 5, HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
        self.assertEqual(AccessAttempt.objects.get().ip_address, "203.0.113.9")


class EnrolmentTests(BaseTestCase):
    def enrolment_device(self) -> TOTPDevice:
        return TOTPDevice.objects.get(user=self.bruno, confirmed=False)

    def test_it_sends_a_user_without_a_device_to_enrolment_after_the_password(self) -> None:
        response = sign_in(self.client, "bruno", PASSWORD)
        self.assertRedirects(response, "/", fetch_redirect_response=False)
        self.assertRedirects(self.client.get("/"), "/account/two-factor/")
        self.assertRedirects(
            self.client.get("/account/"), "/account/two-factor/?next=%2Faccount%2F"
        )

    def test_it_lets_nothing_else_through_before_enrolment(self) -> None:
        self.client.force_login(self.bruno, verified=False)
        for path in ("/", "/account/", "/account/password/", "/admin/"):
            response = self.client.get(path)
            self.assertEqual(response.status_code, 302, path)
            self.assertTrue(response["Location"].startswith("/account/two-factor/"), path)

    def test_it_shows_the_qr_code_as_inline_svg_and_the_key_as_text(self) -> None:
        self.client.force_login(self.bruno, verified=False)
        response = self.client.get("/account/two-factor/")
        self.assertContains(response, "<svg", count=1)
        self.assertContains(response, '<code class="secret" id="secret">')
        self.assertIn(
            response.context["secret"].replace(" ", ""), self.enrolment_device().config_url
        )
        self.assertNotContains(response, "<img")

    def test_it_keeps_the_same_key_across_page_loads(self) -> None:
        self.client.force_login(self.bruno, verified=False)
        first = self.client.get("/account/two-factor/").context["secret"]
        second = self.client.get("/account/two-factor/").context["secret"]
        self.assertEqual(first, second)

    def test_it_enrols_the_app_and_shows_ten_recovery_codes(self) -> None:
        self.client.force_login(self.bruno, verified=False)
        self.client.get("/account/two-factor/")
        device = self.enrolment_device()
        response = self.client.post("/account/two-factor/", {"code": code_for(device)})
        self.assertEqual(len(response.context["codes"]), 10)
        for code in response.context["codes"]:
            self.assertContains(response, f"<code>{code}</code>")
        device.refresh_from_db()
        self.assertTrue(device.confirmed)
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_it_refuses_a_wrong_enrolment_code(self) -> None:
        self.client.force_login(self.bruno, verified=False)
        self.client.get("/account/two-factor/")
        wrong = code_for(self.enrolment_device(), steps_ahead=5)
        response = self.client.post("/account/two-factor/", {"code": wrong})
        self.assertContains(response, "This code is not valid")
        self.assertFalse(TOTPDevice.objects.filter(user=self.bruno, confirmed=True).exists())

    def test_it_ends_the_users_other_sessions_and_changes_the_key_when_enrolling(self) -> None:
        other = Client()
        other.force_login(self.bruno, verified=False)
        other.get("/account/two-factor/")
        self.client.force_login(self.bruno, verified=False)
        self.client.get("/account/two-factor/")
        before = session_key(self.client)
        self.client.post("/account/two-factor/", {"code": code_for(self.enrolment_device())})
        self.assertNotEqual(session_key(self.client), before)
        self.assertEqual(self.client.get("/").status_code, 200)
        self.assertRedirects(other.get("/"), "/login/?next=/")

    def test_it_signs_out_a_session_not_confirmed_by_the_users_device(self) -> None:
        give_device(self.amara)
        self.client.force_login(self.amara, verified=False)
        key = session_key(self.client)
        self.assertRedirects(self.client.get("/account/"), "/login/?next=/account/")
        self.assertFalse(Session.objects.filter(session_key=key).exists())

    @override_settings(WAYPOINT_REQUIRE_2FA=False)
    def test_it_lets_a_user_without_a_device_in_with_the_password_in_demo_mode(self) -> None:
        response = sign_in(self.client, "bruno", PASSWORD)
        self.assertRedirects(response, "/")

    @override_settings(WAYPOINT_REQUIRE_2FA=False)
    def test_it_still_asks_a_user_with_a_device_for_the_code_in_demo_mode(self) -> None:
        give_device(self.bruno)
        self.assertRedirects(sign_in(self.client, "bruno", PASSWORD), "/login/code/")

    @override_settings(WAYPOINT_REQUIRE_2FA=False)
    def test_it_offers_enrolment_without_requiring_it_in_demo_mode(self) -> None:
        self.client.force_login(self.bruno, verified=False)
        response = self.client.get("/account/two-factor/")
        self.assertContains(response, "<svg")
        self.assertNotContains(response, "Set it up now to continue")


class TwoFactorManagementTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.codes = give_recovery_codes(self.amara)
        self.client.force_login(self.amara)

    def test_it_shows_the_status_and_the_codes_left(self) -> None:
        response = self.client.get("/account/two-factor/")
        self.assertContains(response, "You have 10 unused recovery codes")
        self.assertNotContains(response, "<svg")

    def test_it_issues_new_recovery_codes_with_the_password(self) -> None:
        response = self.client.post("/account/two-factor/recovery-codes/", {"password": PASSWORD})
        new = response.context["codes"]
        self.assertEqual(len(new), 10)
        tokens = set(
            StaticToken.objects.filter(device__user=self.amara).values_list("token", flat=True)
        )
        self.assertEqual(tokens, set(new))
        self.assertFalse(tokens & set(self.codes))

    def test_it_refuses_new_recovery_codes_without_the_right_password(self) -> None:
        response = self.client.post("/account/two-factor/recovery-codes/", {"password": "nope"})
        self.assertContains(response, "This password is not correct")
        tokens = set(
            StaticToken.objects.filter(device__user=self.amara).values_list("token", flat=True)
        )
        self.assertEqual(tokens, set(self.codes))

    def test_it_removes_two_factor_with_the_password_and_asks_to_enrol_again(self) -> None:
        response = self.client.post("/account/two-factor/remove/", {"password": PASSWORD})
        self.assertRedirects(response, "/account/two-factor/", fetch_redirect_response=False)
        self.assertFalse(TOTPDevice.objects.filter(user=self.amara, confirmed=True).exists())
        self.assertFalse(StaticToken.objects.filter(device__user=self.amara).exists())
        self.assertRedirects(self.client.get("/"), "/account/two-factor/")

    def test_it_keeps_two_factor_without_the_right_password(self) -> None:
        response = self.client.post("/account/two-factor/remove/", {"password": "nope"})
        self.assertContains(response, "This password is not correct")
        self.assertTrue(TOTPDevice.objects.filter(user=self.amara, confirmed=True).exists())

    def test_it_throttles_password_checks_like_sign_in(self) -> None:
        with override_settings(AXES_FAILURE_LIMIT=3):
            for _ in range(3):
                response = self.client.post("/account/two-factor/remove/", {"password": "nope"})
            self.assertContains(response, THROTTLED)
            response = self.client.post("/account/two-factor/remove/", {"password": PASSWORD})
        self.assertContains(response, THROTTLED)
        self.assertTrue(TOTPDevice.objects.filter(user=self.amara, confirmed=True).exists())

    def test_it_accepts_these_changes_by_post_only(self) -> None:
        with quiet("django.request"):
            for path in ("/account/two-factor/recovery-codes/", "/account/two-factor/remove/"):
                self.assertEqual(self.client.get(path).status_code, 405)


class SessionTests(BaseTestCase):
    def test_it_ends_the_session_at_sign_out(self) -> None:
        self.client.force_login(self.amara)
        key = session_key(self.client)
        self.assertRedirects(self.client.post("/logout/"), "/login/")
        self.assertFalse(Session.objects.filter(session_key=key).exists())
        self.assertFalse(UserSession.objects.filter(session_id=key).exists())
        self.assertRedirects(self.client.get("/"), "/login/?next=/")

    def test_it_signs_out_by_post_only(self) -> None:
        self.client.force_login(self.amara)
        with quiet("django.request"):
            self.assertEqual(self.client.get("/logout/").status_code, 405)
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_it_signs_out_a_disabled_user_at_the_next_request(self) -> None:
        self.client.force_login(self.amara)
        self.assertEqual(self.client.get("/").status_code, 200)
        key = session_key(self.client)
        User.objects.filter(pk=self.amara.pk).update(is_active=False)
        self.assertRedirects(self.client.get("/"), "/login/?next=/")
        self.assertFalse(Session.objects.filter(session_key=key).exists())

    def test_it_applies_a_change_of_role_at_the_next_request(self) -> None:
        self.client.force_login(self.amara)
        self.assertEqual(self.client.get("/").context["organisations"], [self.org_a])
        Membership.objects.filter(user=self.amara).delete()
        self.assertEqual(self.client.get("/").context["organisations"], [])

    def age(self, *, started: int, seen: int) -> None:
        session = self.client.session
        now = int(time.time())
        session[sessions.STARTED] = now - started
        session[sessions.SEEN] = now - seen
        session.save()

    @override_settings(WAYPOINT_SESSION_IDLE_SECONDS=30 * 60)
    def test_it_ends_a_session_left_idle(self) -> None:
        self.client.force_login(self.amara)
        self.client.get("/")
        self.age(started=40 * 60, seen=31 * 60)
        key = session_key(self.client)
        self.assertRedirects(self.client.get("/"), "/login/?next=/")
        self.assertFalse(Session.objects.filter(session_key=key).exists())

    @override_settings(WAYPOINT_SESSION_IDLE_SECONDS=30 * 60, SESSION_COOKIE_AGE=8 * 3600)
    def test_it_ends_a_session_past_the_longest_age_however_active(self) -> None:
        self.client.force_login(self.amara)
        self.client.get("/")
        self.age(started=8 * 3600 + 60, seen=10)
        self.assertRedirects(self.client.get("/"), "/login/?next=/")

    @override_settings(WAYPOINT_SESSION_IDLE_SECONDS=30 * 60)
    def test_it_keeps_an_active_session_and_notes_when_it_was_seen(self) -> None:
        self.client.force_login(self.amara)
        self.client.get("/")
        self.age(started=20 * 60, seen=10 * 60)
        self.assertEqual(self.client.get("/").status_code, 200)
        seen = self.client.session[sessions.SEEN]
        self.assertGreaterEqual(seen, int(time.time()) - 5)
        listed = UserSession.objects.get(session_id=session_key(self.client))
        self.assertGreater(listed.last_seen, timezone.now() - timedelta(seconds=5))

    def test_it_sets_a_browser_session_cookie_that_scripts_cannot_read(self) -> None:
        sign_in(self.client, "amara", PASSWORD)
        cookie = self.client.cookies["sessionid"]
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(cookie["max-age"], "")  # ends when the browser closes


class ActiveSessionTests(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.amara)
        self.client.get("/", HTTP_USER_AGENT="Browser One")
        self.other = Client()
        self.other.force_login(self.amara)
        self.other.get("/", HTTP_USER_AGENT="Browser Two")

    def test_it_lists_the_users_active_sessions(self) -> None:
        response = self.client.get("/account/")
        self.assertEqual(len(response.context["sessions"]), 2)
        self.assertContains(response, "Browser One")
        self.assertContains(response, "Browser Two")
        self.assertContains(response, "This session", count=1)

    def test_it_ends_every_other_session(self) -> None:
        response = self.client.post("/account/sessions/end/", {"session": "others"})
        self.assertRedirects(response, "/account/")
        self.assertRedirects(self.other.get("/"), "/login/?next=/")
        self.assertEqual(self.client.get("/").status_code, 200)

    def test_it_ends_one_chosen_session(self) -> None:
        listed = UserSession.objects.get(session_id=session_key(self.other))
        self.client.post("/account/sessions/end/", {"session": str(listed.pk)})
        self.assertRedirects(self.other.get("/"), "/login/?next=/")

    def test_it_does_not_end_another_users_session(self) -> None:
        chen = Client()
        chen.force_login(self.chen)
        chen.get("/")
        listed = UserSession.objects.get(session_id=session_key(chen))
        self.client.post("/account/sessions/end/", {"session": str(listed.pk)})
        self.assertEqual(chen.get("/").status_code, 200)

    def test_it_keeps_this_session_but_ends_the_others_on_a_password_change(self) -> None:
        new = "a much longer new passphrase 42"
        response = self.client.post(
            "/account/password/",
            {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        )
        self.assertRedirects(response, "/account/", fetch_redirect_response=False)
        account = self.client.get("/account/")
        self.assertEqual(account.status_code, 200)
        self.assertContains(account, "This session", count=1)
        self.assertRedirects(self.other.get("/"), "/login/?next=/")
        self.amara.refresh_from_db()
        self.assertTrue(self.amara.check_password(new))

    def test_it_refuses_a_weak_new_password(self) -> None:
        response = self.client.post(
            "/account/password/",
            {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
        )
        self.assertContains(response, "This password is too short")


class AccountPageTests(BaseTestCase):
    def test_it_shows_the_organisations_and_roles(self) -> None:
        Membership.objects.create(user=self.amara, organisation=self.org_b, role=Role.AUDITOR)
        self.client.force_login(self.amara)
        response = self.client.get("/account/")
        self.assertContains(response, "Organisation A (ORG-A)")
        self.assertContains(response, "<td>analyst</td>", html=True)
        self.assertContains(response, "Organisation B (ORG-B)")
        self.assertContains(response, "<td>auditor</td>", html=True)

    def test_it_tells_the_platform_administrator_they_see_no_cases(self) -> None:
        self.client.force_login(self.eve)
        self.assertContains(self.client.get("/account/"), "you see no case records")

    def test_it_sends_a_signed_out_visitor_to_the_login_page(self) -> None:
        for path in ("/account/", "/account/password/", "/account/two-factor/"):
            self.assertRedirects(self.client.get(path), f"/login/?next={path}")

    def test_it_has_one_h1_and_a_label_for_every_field_on_every_account_page(self) -> None:
        self.client.force_login(self.amara)
        for path in ("/account/", "/account/password/", "/account/two-factor/"):
            content = self.client.get(path).content.decode()
            self.assertEqual(content.count("<h1"), 1, path)
            self.assertEqual(unlabelled_fields(content), [], path)
        self.client.force_login(self.bruno, verified=False)
        content = self.client.get("/account/two-factor/").content.decode()
        self.assertEqual(unlabelled_fields(content), [])
