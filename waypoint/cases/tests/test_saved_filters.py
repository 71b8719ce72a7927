"""Saved filters: a user keeps the list's filters under a name, applies and deletes them; nobody
else sees them, and no identifier searched for is ever kept."""

from __future__ import annotations

from typing import Any

from waypoint.cases import search
from waypoint.test import BaseTestCase
from waypoint.web.models import SavedFilter


class SavedFilterTests(BaseTestCase):
    def save(self, user: Any, name: str, **filters: Any) -> Any:
        self.client.force_login(user)
        return self.client.post("/incidents/filters/", {"name": name, **filters})

    def test_it_saves_the_filters_of_the_list_under_a_name(self) -> None:
        response = self.save(
            self.amara, "Sea route 2023", year="2023", origin="LBY", sort="reference"
        )
        self.assertRedirects(
            response,
            "/incidents/?year=2023&origin=LBY&sort=reference",
            fetch_redirect_response=False,
        )
        saved = SavedFilter.objects.get()
        self.assertEqual((saved.user, saved.name), (self.amara, "Sea route 2023"))
        self.assertEqual(saved.query, "year=2023&origin=LBY&sort=reference")

    def test_it_lists_them_as_links_that_apply_them(self) -> None:
        self.save(self.amara, "Trafficking", kind="trafficking_in_persons")
        response = self.client.get("/incidents/")
        self.assertContains(
            response, 'href="/incidents/?kind=trafficking_in_persons">Trafficking</a>'
        )
        applied = self.client.get("/incidents/?kind=trafficking_in_persons")
        self.assertContains(applied, 'aria-current="true">Trafficking</a>')

    def test_it_replaces_a_filter_saved_under_the_same_name(self) -> None:
        self.save(self.amara, "Mine", year="2022")
        self.save(self.amara, "Mine", year="2024")
        self.assertEqual(list(SavedFilter.objects.values_list("query", flat=True)), ["year=2024"])

    def test_it_keeps_neither_the_page_nor_values_it_does_not_understand(self) -> None:
        self.save(self.amara, "Odd", year="2023", page="4", kind="piracy", value="+2348030001234")
        self.assertEqual(SavedFilter.objects.get().query, "year=2023")

    def test_it_needs_a_name(self) -> None:
        response = self.save(self.amara, "  ", year="2023")
        self.assertRedirects(response, "/incidents/?year=2023", fetch_redirect_response=False)
        self.assertFalse(SavedFilter.objects.exists())

    def test_it_limits_how_many_a_user_keeps(self) -> None:
        for number in range(search.MAX_SAVED_FILTERS):
            SavedFilter.objects.create(user=self.amara, name=f"F{number}", query="")
        self.save(self.amara, "One too many", year="2023")
        self.assertFalse(SavedFilter.objects.filter(name="One too many").exists())
        self.assertTrue(SavedFilter.objects.filter(name="F0").exists())

    def test_it_shows_a_user_only_their_own(self) -> None:
        SavedFilter.objects.create(user=self.chen, name="Chen's view", query="year=2020")
        self.client.force_login(self.amara)
        self.assertNotContains(self.client.get("/incidents/"), "Chen&#x27;s view")

    def test_it_deletes_a_users_own_filter(self) -> None:
        saved = SavedFilter.objects.create(user=self.amara, name="Old", query="year=2020")
        self.client.force_login(self.amara)
        response = self.client.post(f"/incidents/filters/{saved.public_id}/delete/")
        self.assertRedirects(response, "/incidents/", fetch_redirect_response=False)
        self.assertFalse(SavedFilter.objects.exists())

    def test_it_answers_another_users_filter_as_missing(self) -> None:
        saved = SavedFilter.objects.create(user=self.chen, name="Chen's", query="")
        self.client.force_login(self.amara)
        response = self.client.post(f"/incidents/filters/{saved.public_id}/delete/")
        self.assertEqual(response.status_code, 404)
        self.assertTrue(SavedFilter.objects.exists())

    def test_it_deletes_a_users_filters_with_the_user(self) -> None:
        SavedFilter.objects.create(user=self.dana, name="Mine", query="")
        self.dana.delete()
        self.assertFalse(SavedFilter.objects.exists())

    def test_it_offers_to_save_only_when_something_is_filtered(self) -> None:
        self.client.force_login(self.amara)
        self.assertNotContains(self.client.get("/incidents/"), "Save these filters as")
        self.assertContains(self.client.get("/incidents/?q=boat"), "Save these filters as")
