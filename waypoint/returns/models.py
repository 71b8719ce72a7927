"""Aggregate returns: periodic, non-identifying figures an organisation submits per indicator.

An **indicator** (reference data, extensible by administrators) says what is counted, in which
unit, over which period and by which breakdowns; a **questionnaire** lists indicators in the order
a form shows them. A **return** is one organisation's answer to a questionnaire for one period,
in versions: a draft is edited, submitted, approved by a second member of the organisation (four
eyes) and from then on never changed; a correction is a new version with its reason. Its
**values** are one figure per indicator and combination of breakdown categories (``{}`` for the
indicator's total), possibly censored by the publisher ("fewer than 5") and never turned into 0.
"""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from waypoint.lib.fieldclasses import INTERNAL, PUBLIC, FieldClass
from waypoint.orgs.models import Organisation
from waypoint.returns.periods import KIND_LABELS


class Unit(models.TextChoices):
    PERSONS = "persons", _("persons")
    DETECTIONS = "detections", _("detections")
    INCIDENTS = "incidents", _("incidents")
    CASES = "cases", _("cases")
    CURRENCY = "currency", _("amount of money")
    REQUESTS = "requests", _("requests")


def _translated(texts: dict[str, str]) -> str:
    """The text in the active language, else English, else any."""
    language = (get_language() or "en").lower()
    for key in (language, language.split("-")[0], "en"):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


class Indicator(models.Model):
    """What a figure of a return counts."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    #: The name and definition per language code (``en`` at least).
    names = models.JSONField(_("names"), default=dict)
    definitions = models.JSONField(_("definitions"), default=dict)
    unit = models.CharField(_("unit"), max_length=12, choices=Unit.choices)
    #: Breakdown dimension names (``returns.breakdowns.BREAKDOWNS``) its figures may take.
    breakdowns = models.JSONField(_("breakdowns"), default=list, blank=True)
    period_kind = models.CharField(
        _("period"), max_length=8, choices=[(str(k), v) for k, v in KIND_LABELS.items()]
    )
    #: Where the question comes from (``E/CN.15/2012/5 para. 7 (c)``, ``VRS-MSRC``).
    source = models.CharField(_("source"), max_length=120, blank=True)
    #: How the figure is derived from an organisation's own incident records (see ``prefill``),
    #: blank when it cannot be.
    derivation = models.CharField(_("derived from records"), max_length=60, blank=True)
    deprecated = models.BooleanField(_("deprecated"), default=False)

    field_classes: ClassVar[dict[str, FieldClass]] = dict.fromkeys(
        (
            "id",
            "code",
            "names",
            "definitions",
            "unit",
            "breakdowns",
            "period_kind",
            "source",
            "derivation",
            "deprecated",
        ),
        PUBLIC,
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return _translated(self.names) or self.code

    @property
    def definition(self) -> str:
        return _translated(self.definitions)


class Questionnaire(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    names = models.JSONField(_("names"), default=dict)
    period_kind = models.CharField(
        _("period"), max_length=8, choices=[(str(k), v) for k, v in KIND_LABELS.items()]
    )
    indicators = models.ManyToManyField(Indicator, through="QuestionnaireItem", related_name="+")

    field_classes: ClassVar[dict[str, FieldClass]] = dict.fromkeys(
        ("id", "code", "names", "period_kind", "indicators"), PUBLIC
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("questionnaire")

    def __str__(self) -> str:
        return _translated(self.names) or self.code


class QuestionnaireItem(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+")
    position = models.PositiveIntegerField(_("position"))
    #: The question's label in the questionnaire: ``7 (a)``.
    number = models.CharField(_("number"), max_length=20, blank=True)

    field_classes: ClassVar[dict[str, FieldClass]] = dict.fromkeys(
        ("id", "questionnaire", "indicator", "position", "number"), PUBLIC
    )

    class Meta:
        ordering = ["questionnaire", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "indicator"], name="questionnaire_indicator_once"
            )
        ]


class ReportingCommunity(models.Model):
    """A sharing agreement for returns: organisations that see each other's submitted returns,
    on condition of their own (reciprocity). A regional deployment's administrators form them;
    two organisations alone make a bilateral one.

    ``window`` is how many later periods an organisation's own submission also opens: 0 for the
    same period only; with N, a member sees a partner's return for a period when it submitted
    for that period or any of the N before it. An organisation in several communities sees the
    members of each under that community's own window."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    members = models.ManyToManyField(Organisation, related_name="reporting_communities")
    window = models.PositiveSmallIntegerField(_("later periods opened"), default=0)

    field_classes: ClassVar[dict[str, FieldClass]] = dict.fromkeys(
        ("id", "code", "name", "members", "window"), INTERNAL
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("reporting community")
        verbose_name_plural = _("reporting communities")

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    DRAFT = "draft", _("draft")
    AWAITING_APPROVAL = "awaiting_approval", _("awaiting approval")
    SUBMITTED = "submitted", _("submitted")


class ReturnQuerySet(models.QuerySet["Return"]):
    def visible_to(self, user: Any) -> ReturnQuerySet:
        """The returns ``user`` may read (``orgs.access.visible_returns``: reciprocity)."""
        from waypoint.orgs.access import visible_returns

        return self.filter(pk__in=visible_returns(user).values("pk"))

    def submitted(self) -> ReturnQuerySet:
        return self.filter(status=Status.SUBMITTED)

    def current(self) -> ReturnQuerySet:
        """The latest submitted version of each organisation's return per questionnaire and
        period."""
        later = Return.objects.filter(
            organisation=models.OuterRef("organisation"),
            questionnaire=models.OuterRef("questionnaire"),
            period=models.OuterRef("period"),
            status=Status.SUBMITTED,
            version__gt=models.OuterRef("version"),
        )
        return self.submitted().exclude(models.Exists(later))


class Return(models.Model):
    """One organisation's answer to a questionnaire for a period, in one version."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="returns")
    questionnaire = models.ForeignKey(Questionnaire, models.PROTECT, related_name="returns")
    period = models.CharField(_("period"), max_length=7)
    version = models.PositiveIntegerField(_("version"), default=1)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    #: Why this version replaces the previous one (required from version 2 on).
    reason = models.TextField(_("reason for the revision"), blank=True)
    #: How the figures were obtained (``entered``, ``prefilled``, ``imported:<file>``).
    origin = models.CharField(_("origin"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)

    objects = ReturnQuerySet.as_manager()

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "organisation": PUBLIC,
        "questionnaire": PUBLIC,
        "period": PUBLIC,
        "version": PUBLIC,
        "status": INTERNAL,
        "reason": INTERNAL,
        "origin": INTERNAL,
        "created_by": INTERNAL,
        "created_at": INTERNAL,
        "submitted_by": INTERNAL,
        "submitted_at": INTERNAL,
        "approved_by": INTERNAL,
        "approved_at": INTERNAL,
    }

    class Meta:
        ordering = ["organisation", "questionnaire", "period", "version"]
        verbose_name = _("return")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "questionnaire", "period", "version"],
                name="return_version_once",
            ),
            # One version in the works at a time: drafts and versions awaiting approval.
            models.UniqueConstraint(
                fields=["organisation", "questionnaire", "period"],
                condition=~models.Q(status="submitted"),
                name="return_one_open_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.code} {self.questionnaire.code} {self.period} v{self.version}"

    @property
    def editable(self) -> bool:
        return self.status == Status.DRAFT


class ReturnValue(models.Model):
    """One figure of a return: an indicator for one combination of breakdown categories.

    ``value`` is None when the figure is censored (``censored_below``: the publisher says only
    that it is fewer than this) or not available; a censored figure is never read as 0."""

    of_return = models.ForeignKey(Return, models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, models.PROTECT, related_name="+")
    #: Breakdown name → category code; ``{}`` for the indicator's total.
    categories = models.JSONField(_("categories"), default=dict, blank=True)
    #: The categories as sorted ``name=code`` pairs joined by ``;``, unique per indicator.
    key = models.CharField(max_length=300)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2, null=True, blank=True)
    censored_below = models.PositiveIntegerField(_("fewer than"), null=True, blank=True)
    #: For a prefilled figure, how it was derived from the organisation's records.
    derivation = models.TextField(_("how it was derived"), blank=True)
    note = models.TextField(_("note"), blank=True)

    field_classes: ClassVar[dict[str, FieldClass]] = dict.fromkeys(
        (
            "id",
            "of_return",
            "indicator",
            "categories",
            "key",
            "value",
            "censored_below",
            "derivation",
            "note",
        ),
        PUBLIC,
    )

    class Meta:
        ordering = ["of_return", "indicator", "key"]
        constraints = [
            models.UniqueConstraint(
                fields=["of_return", "indicator", "key"], name="return_value_once"
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0) | models.Q(value__isnull=True),
                name="return_value_not_negative",
            ),
        ]

    def save(self, *args: object, **kwargs: object) -> None:
        self.key = self.key_of(self.categories)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @staticmethod
    def key_of(categories: dict[str, str]) -> str:
        return ";".join(f"{name}={code}" for name, code in sorted(categories.items()))
