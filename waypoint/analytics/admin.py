"""The privacy-budget ledger on the platform administrator's site: budgets may be set per dataset;
spends are shown and never changed."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from waypoint.analytics.models import PrivacyBudget, PrivacySpend


@admin.register(PrivacyBudget)
class PrivacyBudgetAdmin(admin.ModelAdmin):
    list_display = ["dataset", "epsilon", "note", "created_at"]
    search_fields = ["dataset"]
    readonly_fields = ["created_at"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Spends lock their dataset's row; it stays, like the spends.
        return False


@admin.register(PrivacySpend)
class PrivacySpendAdmin(admin.ModelAdmin):
    list_display = ["spent_at", "dataset", "table_id", "epsilon", "actor_username", "description"]
    list_filter = ["dataset"]
    search_fields = ["dataset", "table_id", "actor_username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
