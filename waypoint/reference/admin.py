"""Reference data in the platform administrator's site.

Codes are the keys that records point at, so they are read-only once a row exists; labels,
translations, notes and the deprecation flag stay editable. Saving clears the code cache.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from waypoint.reference.models import (
    Country,
    Currency,
    IccsCode,
    ReferenceRelease,
    Region,
    Term,
)

#: Labels in the other languages, searched by JSON key so that non-ASCII text matches on SQLite too.
TRANSLATIONS = tuple(f"names__{language}" for language in ("fr", "es", "ar", "ru", "zh-hans"))


class CodeKeyedAdmin(admin.ModelAdmin):
    """Shared behaviour: the code fields cannot change after creation."""

    code_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = tuple(super().get_readonly_fields(request, obj))
        return readonly + self.code_fields if obj is not None else readonly


@admin.register(ReferenceRelease)
class ReferenceReleaseAdmin(admin.ModelAdmin):
    list_display = ("dataset", "version", "rows", "loaded_at", "source")
    readonly_fields = ("dataset", "version", "source", "rows", "loaded_at")
    ordering = ("dataset",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(CodeKeyedAdmin):
    code_fields = ("m49", "level", "parent")
    list_display = ("m49", "name", "level", "parent", "deprecated")
    list_filter = ("level", "deprecated")
    list_select_related = ("parent",)
    search_fields = ("m49", "name", *TRANSLATIONS)
    ordering = ("m49",)


@admin.register(Country)
class CountryAdmin(CodeKeyedAdmin):
    code_fields = ("alpha3", "alpha2", "numeric", "m49")
    list_display = (
        "alpha3",
        "alpha2",
        "numeric",
        "name",
        "region",
        "subregion",
        "intermediate_region",
        "least_developed",
        "landlocked_developing",
        "small_island_developing",
        "deprecated",
    )
    list_filter = (
        ("region", admin.RelatedOnlyFieldListFilter),
        ("subregion", admin.RelatedOnlyFieldListFilter),
        "least_developed",
        "landlocked_developing",
        "small_island_developing",
        "deprecated",
    )
    list_select_related = ("region", "subregion", "intermediate_region")
    search_fields = ("alpha3", "alpha2", "numeric", "name", "official_name", *TRANSLATIONS)
    ordering = ("name",)


@admin.register(Currency)
class CurrencyAdmin(CodeKeyedAdmin):
    code_fields = ("code", "numeric")
    list_display = ("code", "numeric", "name", "deprecated")
    list_filter = ("deprecated",)
    search_fields = ("code", "numeric", "name", *TRANSLATIONS)
    ordering = ("code",)


@admin.register(IccsCode)
class IccsCodeAdmin(CodeKeyedAdmin):
    code_fields = ("code", "level", "parent")
    list_display = ("code", "name", "level", "parent", "deprecated")
    list_filter = ("level", "deprecated")
    list_select_related = ("parent",)
    search_fields = ("code", "name", "notes", *TRANSLATIONS)
    ordering = ("code",)


@admin.register(Term)
class TermAdmin(CodeKeyedAdmin):
    code_fields = ("vocabulary", "code")
    list_display = (
        "vocabulary",
        "code",
        "name",
        "parent_code",
        "position",
        "source",
        "is_missing_answer",
        "deprecated",
    )
    list_display_links = ("code", "name")
    list_filter = ("vocabulary", "deprecated")
    search_fields = ("vocabulary", "code", "name", "description", "source", *TRANSLATIONS)
    ordering = ("vocabulary", "position", "code")

    @admin.display(description=_("missing answer"), boolean=True)
    def is_missing_answer(self, obj: Term) -> bool:
        return obj.is_missing_answer
