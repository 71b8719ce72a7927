"""Every page carries a strict Content-Security-Policy, holds nothing inline that the policy would
block, and is kept out of caches; the administration site shows no case content."""

from __future__ import annotations

import base64
import subprocess
import sys
from typing import Any

from django.contrib import admin
from django.http import HttpResponse
from django.test import SimpleTestCase
from django.urls import URLPattern, URLResolver, get_resolver

from waypoint.test import PASSWORD, BaseTestCase
from waypoint.test import VerifiedClient as Client
from waypoint.web.tests.helpers import give_device, inline_code, quiet, sign_in

STRICT = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'none'"},
    "frame-ancestors": {"'none'"},
    "form-action": {"'self'"},
}


def parameterless_paths(patterns: Any = None, prefix: str = "/") -> list[str]:
    """Every address of the site that takes no parameter, found in the URLconf."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = str(entry.pattern).lstrip("^").rstrip("$")
        if any(mark in route for mark in "<([\\"):
            continue
        if isinstance(entry, URLResolver):
            found += parameterless_paths(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            found.append(prefix + route)
    return sorted(set(found))


def policy(response: HttpResponse) -> dict[str, set[str]]:
    directives = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *values = directive.split()
        directives[name] = set(values)
    return directives


class SecurityHeaderTests(BaseTestCase):
    def visitors(self) -> dict[str, Client]:
        amara, eve = Client(), Client()
        amara.force_login(self.amara)
        eve.force_login(self.eve)
        return {"anonymous": Client(), "amara": amara, "eve (platform administrator)": eve}

    def check(self, response: Any, where: str, signed_in: bool) -> None:
        self.assertIn("Content-Security-Policy", response, where)
        directives = policy(response)
        for name, values in STRICT.items():
            self.assertEqual(directives.get(name), values, f"{where}: {name}")
        for values in directives.values():
            self.assertFalse(values & {"'unsafe-inline'", "'unsafe-eval'", "*", "data:"}, where)
        self.assertEqual(response["X-Frame-Options"], "DENY", where)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff", where)
        if signed_in:
            self.assertIn("no-store", response["Cache-Control"], where)
            self.assertEqual(response["Pragma"], "no-cache", where)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            self.assertEqual(inline_code(response.content.decode()), [], where)

    def test_it_finds_the_pages_to_check(self) -> None:
        paths = parameterless_paths()
        for path in ("/", "/login/", "/login/code/", "/account/", "/admin/", "/incidents/"):
            self.assertIn(path, paths)

    def test_it_sends_a_strict_policy_and_nothing_inline_on_every_page(self) -> None:
        with quiet("django.request"):
            for who, client in self.visitors().items():
                for path in parameterless_paths():
                    response = client.get(path)
                    self.check(response, f"{path} as {who}", signed_in=who != "anonymous")

    def test_it_checks_the_pages_of_sign_in_and_enrolment_too(self) -> None:
        give_device(self.amara)
        sign_in(self.client, "amara", PASSWORD)
        self.check(self.client.get("/login/code/"), "the code step", signed_in=False)
        self.check(self.client.post("/login/code/", {"code": "1"}), "a wrong code", signed_in=False)
        enrolling = Client()
        enrolling.force_login(self.bruno, verified=False)
        response = enrolling.get("/account/two-factor/")
        self.assertContains(response, "<svg")
        self.check(response, "enrolment", signed_in=True)
        self.check(sign_in(Client(), "nobody", "x"), "a refused sign-in", signed_in=False)

    def test_it_keeps_the_login_pages_out_of_caches(self) -> None:
        for response in (self.client.get("/login/"), sign_in(self.client, "amara", "wrong")):
            self.assertIn("no-store", response["Cache-Control"])
            self.assertEqual(response["Pragma"], "no-cache")

    def test_it_keeps_every_page_of_a_signed_in_user_out_of_caches(self) -> None:
        self.client.force_login(self.amara)
        for path in ("/", "/account/", "/account/two-factor/", "/incidents/"):
            response = self.client.get(path)
            self.assertIn("no-store", response["Cache-Control"], path)
            self.assertIn("private", response["Cache-Control"], path)


class RequestForgeryTests(BaseTestCase):
    def test_it_refuses_a_sign_in_without_the_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        with quiet("django.request"):
            response = sign_in(client, "amara", PASSWORD)
        self.assertEqual(response.status_code, 403)

    def test_it_refuses_account_changes_without_the_csrf_token(self) -> None:
        client = Client(enforce_csrf_checks=True)
        client.force_login(self.amara)
        with quiet("django.request"):
            response = client.post("/account/sessions/end/", {"session": "others"})
            self.assertEqual(response.status_code, 403)
            self.assertEqual(client.post("/logout/").status_code, 403)


class ProductionSettingsTests(SimpleTestCase):
    def test_it_refuses_to_run_production_without_two_factor_sign_in(self) -> None:
        environment = {
            "PATH": "/usr/bin:/bin",
            "WAYPOINT_MODE": "production",
            "WAYPOINT_SECRET_KEY": "k" * 60,
            "WAYPOINT_MASTER_KEY": base64.b64encode(b"m" * 32).decode(),
            "WAYPOINT_REQUIRE_2FA": "false",
        }
        result = subprocess.run(
            [sys.executable, "-m", "waypoint", "check"],
            env=environment,
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("WAYPOINT_REQUIRE_2FA cannot be turned off in production", result.stderr)


class PlatformAdministrationTests(BaseTestCase):
    def test_it_registers_no_case_model_in_the_administration_site(self) -> None:
        registered = {model._meta.label for model in admin.site._registry}
        cases = {label for label in registered if label.startswith("cases.")}
        self.assertEqual(cases, set())
        self.assertIn("orgs.Organisation", registered)
        self.assertIn("orgs.Membership", registered)
        self.assertIn("auth.User", registered)

    def test_it_lets_the_platform_administrator_in_after_two_factor_sign_in(self) -> None:
        self.client.force_login(self.eve)
        self.assertEqual(self.client.get("/admin/").status_code, 200)
        self.assertEqual(self.client.get("/admin/orgs/organisation/").status_code, 200)

    def test_it_refuses_the_administration_site_to_other_users(self) -> None:
        self.client.force_login(self.amara)
        with quiet("django.request"):
            self.assertEqual(self.client.get("/admin/", follow=True).status_code, 403)
            self.amara.is_staff = True
            self.amara.save()
            self.assertEqual(self.client.get("/admin/", follow=True).status_code, 403)

    def test_it_sends_a_signed_out_visitor_to_the_staff_login(self) -> None:
        response = self.client.get("/admin/orgs/organisation/", follow=True)
        self.assertEqual(response.redirect_chain[-1][0], "/login/?next=/admin/orgs/organisation/")

    def test_it_asks_the_platform_administrator_for_two_factor(self) -> None:
        self.client.force_login(self.eve, verified=False)
        response = self.client.get("/admin/")
        self.assertRedirects(response, "/account/two-factor/?next=%2Fadmin%2F")
        with self.settings(WAYPOINT_REQUIRE_2FA=False):
            self.assertEqual(self.client.get("/admin/").status_code, 200)

    def test_it_hides_the_secrets_of_devices_from_the_administrator(self) -> None:
        device = give_device(self.amara)
        self.client.force_login(self.eve)
        response = self.client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, device.key)
