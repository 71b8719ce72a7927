"""The account page's API tokens: list, create (shown once), revoke."""

from __future__ import annotations

from waypoint.api.actions import create_token
from waypoint.api.models import ApiToken
from waypoint.test import BaseTestCase
from waypoint.web.tests.helpers import inline_code, quiet, unlabelled_fields


class TokenPageTests(BaseTestCase):
    def test_it_links_the_token_page_from_the_account_page(self) -> None:
        self.client.force_login(self.amara)
        self.assertContains(self.client.get("/account/"), 'href="/account/tokens/"')

    def test_it_lists_the_users_tokens_without_their_secrets(self) -> None:
        create_token(actor=self.amara, name="nightly export")
        token, _ = create_token(actor=self.chen, name="chen's script")
        self.client.force_login(self.amara)
        response = self.client.get("/account/tokens/")
        self.assertContains(response, "nightly export")
        self.assertNotContains(response, "chen's script")
        self.assertNotContains(response, token.secret_digest)
        self.assertEqual(inline_code(response.content.decode()), [])
        self.assertEqual(unlabelled_fields(response.content.decode()), [])

    def test_it_creates_a_token_and_shows_it_only_once(self) -> None:
        self.client.force_login(self.amara)
        response = self.client.post("/account/tokens/", {"name": "laptop", "lifetime": "30"})
        token = ApiToken.objects.get(name="laptop")
        text = response.context["created"]["text"]
        self.assertTrue(text.startswith(f"wpt_{token.prefix}_"))
        self.assertContains(response, text)
        self.assertEqual((token.expires_at - token.created_at).days, 29)  # type: ignore[operator]
        self.assertNotContains(self.client.get("/account/tokens/"), text)

    def test_it_creates_a_token_that_never_expires_when_asked(self) -> None:
        self.client.force_login(self.amara)
        self.client.post("/account/tokens/", {"name": "server", "lifetime": "never"})
        self.assertIsNone(ApiToken.objects.get(name="server").expires_at)

    def test_it_shows_the_form_again_without_a_name(self) -> None:
        self.client.force_login(self.amara)
        response = self.client.post("/account/tokens/", {"name": "", "lifetime": "30"})
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ApiToken.objects.exists())
        self.assertIsNone(response.context["created"])

    def test_it_offers_no_token_to_a_user_without_an_organisation(self) -> None:
        self.client.force_login(self.dana)
        response = self.client.post("/account/tokens/", {"name": "x", "lifetime": "30"})
        self.assertContains(response, "you are a member of none")
        self.assertFalse(ApiToken.objects.exists())

    def test_it_revokes_a_token_of_the_user(self) -> None:
        token, _ = create_token(actor=self.amara, name="old")
        self.client.force_login(self.amara)
        response = self.client.post(f"/account/tokens/{token.public_id}/revoke/")
        self.assertRedirects(response, "/account/tokens/")
        self.assertIsNotNone(ApiToken.objects.get(pk=token.pk).revoked_at)

    def test_it_answers_another_users_token_as_missing(self) -> None:
        token, _ = create_token(actor=self.chen, name="chen's")
        self.client.force_login(self.amara)
        with quiet("django.request"):
            response = self.client.post(f"/account/tokens/{token.public_id}/revoke/")
        self.assertEqual(response.status_code, 404)
        self.assertIsNone(ApiToken.objects.get(pk=token.pk).revoked_at)
