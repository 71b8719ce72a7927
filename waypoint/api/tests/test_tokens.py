"""API tokens: how they are made, stored, checked, listed and revoked."""

from __future__ import annotations

import datetime
import hashlib
import io
import os
import stat
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from waypoint.api import credentials
from waypoint.api.actions import TokenRefused, create_token, revoke_token
from waypoint.api.auth import authenticate_token
from waypoint.api.models import ApiToken
from waypoint.api.tests.base import ApiTestCase
from waypoint.audit.models import Action, AuditEvent
from waypoint.orgs.access import AccessDenied
from waypoint.orgs.models import Membership


class TokenLifecycleTests(ApiTestCase):
    def test_it_creates_a_token_of_the_documented_shape(self) -> None:
        token, text = create_token(actor=self.amara, name="nightly export")
        self.assertRegex(text, r"^wpt_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$")
        self.assertEqual(text.split("_")[1], token.prefix)
        self.assertEqual((token.user, token.name), (self.amara, "nightly export"))

    def test_it_stores_only_the_digest_of_the_secret(self) -> None:
        token, text = create_token(actor=self.amara, name="t")
        secret = text.split("_", 2)[2]
        stored = ApiToken.objects.get(pk=token.pk)
        self.assertEqual(stored.secret_digest, hashlib.sha256(secret.encode()).hexdigest())
        for field in ApiToken._meta.concrete_fields:
            self.assertNotIn(secret, str(getattr(stored, field.attname)), field.name)

    def test_it_compares_secrets_in_constant_time(self) -> None:
        _, text = create_token(actor=self.amara, name="t")
        with mock.patch("waypoint.api.credentials.hmac.compare_digest", return_value=True) as cmp:
            self.assertIsNotNone(authenticate_token(text))
        cmp.assert_called_once()

    def test_it_draws_a_new_prefix_when_one_is_taken(self) -> None:
        taken, _ = create_token(actor=self.amara, name="first")
        drawn = [
            credentials.Credential(taken.prefix, "a" * 43),
            credentials.Credential("zzzzzzzz", "b" * 43),
        ]
        with mock.patch("waypoint.api.credentials.new_credential", side_effect=drawn):
            token, _ = create_token(actor=self.amara, name="second")
        self.assertEqual(token.prefix, "zzzzzzzz")

    def test_it_audits_creation_and_revocation_without_the_token(self) -> None:
        token, text = create_token(actor=self.amara, name="t")
        revoke_token(actor=self.amara, token=token)
        events = AuditEvent.objects.filter(target_type="api_token", target_id=str(token.public_id))
        self.assertEqual(
            list(events.values_list("action", flat=True)),
            [Action.TOKEN_CREATED, Action.TOKEN_REVOKED],
        )
        for event in events:
            self.assertEqual((event.actor, event.organisation), (self.amara, self.org_a))
            self.assertNotIn(text.split("_", 2)[2], str(event.details))

    def test_it_revokes_a_token_once(self) -> None:
        token, _ = create_token(actor=self.amara, name="t")
        revoke_token(actor=self.amara, token=token)
        first = ApiToken.objects.get(pk=token.pk).revoked_at
        revoke_token(actor=self.amara, token=token)
        self.assertEqual(ApiToken.objects.get(pk=token.pk).revoked_at, first)
        revocations = AuditEvent.objects.filter(action=Action.TOKEN_REVOKED)
        self.assertEqual(revocations.count(), 1)

    def test_it_refuses_to_revoke_another_users_token(self) -> None:
        token, _ = create_token(actor=self.amara, name="t")
        with self.assertRaises(AccessDenied):
            revoke_token(actor=self.chen, token=token)

    def test_it_refuses_tokens_to_users_without_an_organisation(self) -> None:
        for user in (self.dana, self.eve):
            with self.assertRaises(AccessDenied):
                create_token(actor=user, name="t")

    def test_it_refuses_an_empty_name_and_a_past_expiry(self) -> None:
        with self.assertRaises(TokenRefused) as caught:
            create_token(actor=self.amara, name="   ")
        self.assertEqual(caught.exception.field, "name")
        past = timezone.now() - datetime.timedelta(seconds=1)
        with self.assertRaises(TokenRefused) as caught:
            create_token(actor=self.amara, name="t", expires_at=past)
        self.assertEqual(caught.exception.field, "expires_at")


class AuthenticationTests(ApiTestCase):
    def assertRefused(self, **request: object) -> None:
        response = self.api("GET", "/incidents", **request)  # type: ignore[arg-type]
        error = self.assertError(response, 401, "not_authenticated")
        self.assertEqual(error["details"], [])
        self.assertEqual(response["WWW-Authenticate"], 'Bearer realm="waypoint"')

    def test_it_accepts_a_valid_token(self) -> None:
        self.assertEqual(self.api("GET", "/incidents", as_user=self.amara).status_code, 200)

    def test_it_refuses_a_request_without_a_token(self) -> None:
        self.assertRefused()

    def test_it_refuses_malformed_and_unknown_tokens(self) -> None:
        text = self.tokens["amara"]
        for token in (
            "nonsense",
            text[:-1],
            text + "x",
            text.replace("wpt_", "wpx_"),
            "wpt_aaaaaaaa_" + text.split("_", 2)[2],
            text[:13] + ("A" if text[13] != "A" else "B") + text[14:],
        ):
            self.assertRefused(token=token)

    def test_it_refuses_another_scheme(self) -> None:
        response = self.client.get(
            "/api/v1/incidents", headers={"Authorization": f"Token {self.tokens['amara']}"}
        )
        self.assertError(response, 401, "not_authenticated")

    def test_it_refuses_a_revoked_token(self) -> None:
        revoke_token(actor=self.amara, token=ApiToken.objects.get(user=self.amara))
        self.assertRefused(as_user=self.amara)

    def test_it_refuses_an_expired_token(self) -> None:
        ApiToken.objects.filter(user=self.amara).update(
            expires_at=timezone.now() - datetime.timedelta(seconds=1)
        )
        self.assertRefused(as_user=self.amara)

    def test_it_refuses_the_token_of_a_disabled_user(self) -> None:
        self.amara.is_active = False
        self.amara.save()
        self.assertRefused(as_user=self.amara)

    def test_it_refuses_the_token_of_a_user_whose_membership_ended(self) -> None:
        Membership.objects.filter(user=self.amara).delete()
        self.assertRefused(as_user=self.amara)

    def test_it_refuses_the_token_of_a_user_whose_organisation_was_deactivated(self) -> None:
        self.org_a.is_active = False
        self.org_a.save()
        self.assertRefused(as_user=self.amara)

    def test_it_does_not_accept_a_signed_in_session(self) -> None:
        self.client.force_login(self.amara)
        self.assertRefused()
        response = self.api("POST", "/tokens", {"name": "from a page"})
        self.assertError(response, 401, "not_authenticated")
        self.assertFalse(ApiToken.objects.filter(name="from a page").exists())

    def test_it_notes_when_a_token_was_last_used_to_the_minute(self) -> None:
        token = ApiToken.objects.get(user=self.amara)
        self.assertIsNone(token.last_used_at)
        self.api("GET", "/incidents", as_user=self.amara)
        first = ApiToken.objects.get(pk=token.pk).last_used_at
        self.assertIsNotNone(first)
        self.api("GET", "/incidents", as_user=self.amara)
        self.assertEqual(ApiToken.objects.get(pk=token.pk).last_used_at, first)
        later = timezone.now() + datetime.timedelta(minutes=2)
        with mock.patch("waypoint.api.auth.timezone.now", return_value=later):
            self.api("GET", "/incidents", as_user=self.amara)
        self.assertEqual(ApiToken.objects.get(pk=token.pk).last_used_at, later)


class TokenEndpointTests(ApiTestCase):
    def test_it_lists_only_the_users_own_tokens(self) -> None:
        create_token(actor=self.amara, name="second")
        create_token(actor=self.chen, name="chen's")
        body = self.api("GET", "/tokens", as_user=self.amara).json()
        self.assertEqual(body["count"], 2)
        self.assertEqual([item["name"] for item in body["items"]], ["second", "tests"])
        self.assertEqual(
            set(body["items"][0]),
            {"id", "name", "prefix", "created_at", "last_used_at", "expires_at", "revoked_at",
             "usable"},
        )  # fmt: skip

    def test_it_pages_the_list_of_tokens(self) -> None:
        for number in range(3):
            create_token(actor=self.amara, name=f"t{number}")
        body = self.api("GET", "/tokens?limit=2&offset=1", as_user=self.amara).json()
        self.assertEqual((body["count"], len(body["items"])), (4, 2))

    def test_it_creates_a_token_and_shows_it_once(self) -> None:
        expires = (timezone.now() + datetime.timedelta(days=30)).isoformat()
        response = self.api(
            "POST", "/tokens", {"name": "script", "expires_at": expires}, as_user=self.amara
        )
        self.assertEqual(response.status_code, 201, response.content)
        created = response.json()
        self.assertTrue(created["usable"])
        self.assertEqual(self.api("GET", "/incidents", token=created["token"]).status_code, 200)
        listed = self.api("GET", "/tokens", as_user=self.amara).content.decode()
        self.assertNotIn(created["token"], listed)
        self.assertIn(created["prefix"], listed)

    def test_it_reads_an_expiry_without_time_zone_as_utc(self) -> None:
        expires = (timezone.now() + datetime.timedelta(days=1)).replace(tzinfo=None)
        response = self.api(
            "POST", "/tokens", {"name": "s", "expires_at": expires.isoformat()}, as_user=self.amara
        )
        self.assertEqual(response.status_code, 201, response.content)
        stored = ApiToken.objects.get(public_id=response.json()["id"]).expires_at
        self.assertEqual(stored, expires.replace(tzinfo=datetime.UTC))

    def test_it_keeps_an_expiry_in_any_offset_as_utc(self) -> None:
        body = {"name": "far", "expires_at": "9363-02-28T13:14:23+23:12"}
        response = self.api("POST", "/tokens", body, as_user=self.amara)
        self.assertEqual(response.status_code, 201, response.content)
        stored = ApiToken.objects.get(public_id=response.json()["id"]).expires_at
        self.assertEqual(stored, datetime.datetime(9363, 2, 27, 14, 2, 23, tzinfo=datetime.UTC))

    def test_it_refuses_a_token_that_would_be_born_expired(self) -> None:
        past = (timezone.now() - datetime.timedelta(days=1)).isoformat()
        response = self.api(
            "POST", "/tokens", {"name": "s", "expires_at": past}, as_user=self.amara
        )
        error = self.assertError(response, 422, "invalid")
        self.assertEqual(error["details"][0]["path"], "expires_at")

    def test_it_refuses_a_nameless_token(self) -> None:
        for body in ({}, {"name": ""}, {"name": "   "}, {"name": "x" * 101}):
            error = self.assertError(
                self.api("POST", "/tokens", body, as_user=self.amara), 422, "invalid"
            )
            self.assertEqual(error["details"][0]["path"], "name", body)

    def test_it_revokes_a_token_by_its_id(self) -> None:
        token, text = create_token(actor=self.amara, name="t")
        response = self.api("DELETE", f"/tokens/{token.public_id}", as_user=self.amara)
        self.assertEqual(response.status_code, 204)
        self.assertEqual(response.content, b"")
        self.assertError(self.api("GET", "/incidents", token=text), 401, "not_authenticated")

    def test_it_answers_another_users_token_as_missing(self) -> None:
        token, _ = create_token(actor=self.chen, name="t")
        missing = self.api("DELETE", f"/tokens/{token.public_id}", as_user=self.amara)
        self.assertError(missing, 404, "not_found")
        self.assertIsNone(ApiToken.objects.get(pk=token.pk).revoked_at)


class CreateUserTokenTests(ApiTestCase):
    def run_command(self, *args: str) -> str:
        out = io.StringIO()
        call_command("create_user", *args, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    def path(self) -> Path:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        return Path(folder.name) / "token"

    def test_it_writes_a_token_to_a_file_only_its_owner_can_read(self) -> None:
        path = self.path()
        out = self.run_command(
            "farah", "--org", "ORG-A", "--role", "analyst", "--token-file", str(path)
        )
        text = path.read_text().strip()
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertNotIn(text, out)
        self.assertEqual(self.api("GET", "/incidents", token=text).status_code, 200)
        self.assertEqual(authenticate_token(text).user.username, "farah")  # type: ignore[union-attr]

    def test_it_makes_an_existing_file_private_before_writing(self) -> None:
        path = self.path()
        path.write_text("old")
        path.chmod(0o644)
        self.run_command("bruno", "--org", "ORG-A", "--role", "reporter", "--token-file", str(path))
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        self.assertTrue(path.read_text().startswith("wpt_"))

    def test_it_creates_nothing_when_the_file_cannot_be_written(self) -> None:
        missing = str(self.path().parent / "no" / "such" / "dir" / "token")
        with self.assertRaisesRegex(CommandError, "cannot write --token-file") as caught:
            self.run_command(
                "farah", "--org", "ORG-A", "--role", "analyst", "--token-file", missing
            )
        self.assertEqual(caught.exception.returncode, 2)
        self.assertFalse(Membership.objects.filter(user__username="farah").exists())

    def test_it_gives_no_token_to_a_platform_administrator(self) -> None:
        with self.assertRaisesRegex(CommandError, "holds no API token") as caught:
            self.run_command("root", "--platform-admin", "--token-file", str(self.path()))
        self.assertEqual(caught.exception.returncode, 2)
