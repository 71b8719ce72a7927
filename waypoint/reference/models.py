"""Reference data: countries and regions (ISO 3166-1 + UN M49), currencies, ICCS codes and the
controlled vocabularies of the domain model.

Rows are loaded by data migrations from ``reference/data/*.csv`` and keyed by their standard codes.
Labels carry their translations in ``names`` ({language code: label}); ``label()`` picks the active
language and falls back to English. Rows are never deleted: a code that leaves its standard is
marked ``deprecated`` so that old records keep pointing at it.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from waypoint.lib.fieldclasses import PUBLIC, FieldClass

#: Codes that every vocabulary may carry where data can be incomplete. They are distinct answers:
#: the recorder does not know; the person declined or the source does not say; the question does
#: not apply.
UNKNOWN = "unknown"
NOT_STATED = "not_stated"
NOT_APPLICABLE = "not_applicable"
MISSING_ANSWERS = (UNKNOWN, NOT_STATED, NOT_APPLICABLE)


class Translated(models.Model):
    #: Reference data is published with the standards it comes from: every field is public.
    field_classes: ClassVar[dict[str, FieldClass]] = {"*": PUBLIC}

    name = models.CharField(_("name (English)"), max_length=200)
    names = models.JSONField(_("names by language"), default=dict, blank=True)
    deprecated = models.BooleanField(
        _("deprecated"),
        default=False,
        help_text=_("Kept for old records; not offered for new ones."),
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label()

    def label(self, language: str | None = None) -> str:
        language = language or translation.get_language() or "en"
        return self.names.get(language) or self.names.get(language.split("-")[0]) or self.name


class ReferenceRelease(models.Model):
    """Which version of each reference dataset is loaded, from which source."""

    field_classes: ClassVar[dict[str, FieldClass]] = {"*": PUBLIC}

    dataset = models.CharField(_("dataset"), max_length=40, primary_key=True)
    version = models.CharField(_("version"), max_length=40)
    source = models.TextField(_("source"))
    rows = models.PositiveIntegerField(_("rows"))
    loaded_at = models.DateTimeField(_("loaded at"), auto_now=True)

    class Meta:
        verbose_name = _("reference release")

    def __str__(self) -> str:
        return f"{self.dataset} {self.version}"


class Region(Translated):
    """A UN M49 region, sub-region or intermediate region."""

    class Level(models.TextChoices):
        REGION = "region", _("region")
        SUBREGION = "subregion", _("sub-region")
        INTERMEDIATE = "intermediate", _("intermediate region")

    m49 = models.CharField(_("M49 code"), max_length=3, primary_key=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        ordering = ["m49"]
        verbose_name = _("region")


class Country(Translated):
    """An ISO 3166-1 country or area with its UN M49 grouping, or an area under a user-assigned
    code that statistics use (Kosovo, XKX)."""

    alpha3 = models.CharField(_("ISO 3166-1 alpha-3"), max_length=3, primary_key=True)
    alpha2 = models.CharField(_("ISO 3166-1 alpha-2"), max_length=2, unique=True)
    #: Empty for a user-assigned code (Kosovo): it has no numeric code, and a made-up one from
    #: the user-assigned range 900–999 would read as a real code in files that use those numbers
    #: for "unknown". Empty rather than NULL so that the value stays a string everywhere
    #: (exports, the API), like ``m49``; the constraint keeps the real codes unique.
    numeric = models.CharField(_("ISO 3166-1 numeric"), max_length=3, blank=True)
    official_name = models.CharField(_("official name"), max_length=200, blank=True)
    m49 = models.CharField(_("M49 code"), max_length=3, blank=True)
    region = models.ForeignKey(
        Region, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region")
    )
    subregion = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sub-region"),
    )
    intermediate_region = models.ForeignKey(
        Region,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("intermediate region"),
    )
    m49_unmapped_reason = models.CharField(
        _("why not mapped to an M49 region"), max_length=200, blank=True
    )
    least_developed = models.BooleanField(_("least developed country"), default=False)
    landlocked_developing = models.BooleanField(_("landlocked developing country"), default=False)
    small_island_developing = models.BooleanField(_("small island developing state"), default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["numeric"],
                condition=~models.Q(numeric=""),
                name="country_unique_numeric",
            ),
        ]
        verbose_name = _("country")
        verbose_name_plural = _("countries")


class Currency(Translated):
    """An ISO 4217 currency."""

    code = models.CharField(_("ISO 4217 code"), max_length=3, primary_key=True)
    numeric = models.CharField(_("ISO 4217 numeric"), max_length=3, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("currency")
        verbose_name_plural = _("currencies")


class IccsCode(Translated):
    """A category of the International Classification of Crime for Statistical Purposes (2015)."""

    code = models.CharField(_("ICCS code"), max_length=6, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children"
    )
    notes = models.TextField(_("inclusions, exclusions and source"), blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("ICCS code")

    def __str__(self) -> str:
        return f"{self.code} {self.label()}"


class Term(Translated):
    """One value of a controlled vocabulary (sex, person role, form of exploitation, …)."""

    vocabulary = models.CharField(_("vocabulary"), max_length=40)
    code = models.CharField(_("code"), max_length=40)
    parent_code = models.CharField(_("broader term"), max_length=40, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("standard it follows"), max_length=200, blank=True)

    class Meta:
        ordering = ["vocabulary", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="term_unique_code"),
        ]
        verbose_name = _("vocabulary term")

    @property
    def is_missing_answer(self) -> bool:
        return self.code in MISSING_ANSWERS
