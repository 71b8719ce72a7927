"""The privacy-budget ledger: what each dataset may spend on differentially private releases,
and every spend.

A spend is written by ``analytics.privacy.spend_budget`` in the same transaction as the release it
pays for, and is never changed or deleted: deleting one would hand the budget back while the
figures it bought stay published.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, ClassVar, NoReturn

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from waypoint.lib.fieldclasses import INTERNAL, FieldClass

# ε is kept as a decimal so that ten spends of 0.1 add up to exactly 1.
EPSILON_DIGITS = 12
EPSILON_PLACES = 6


class LedgerError(Exception):
    """Spends of the privacy budget are never changed or deleted."""


class PrivacyBudget(models.Model):
    """The total ε a dataset may spend, when it differs from WAYPOINT_DP_BUDGET. A row is also
    created, with no ε, on a dataset's first spend: spends lock it so that two releases cannot
    both spend the last of a budget."""

    dataset = models.CharField(_("dataset"), max_length=100, unique=True)
    epsilon = models.DecimalField(
        _("total ε"),
        max_digits=EPSILON_DIGITS,
        decimal_places=EPSILON_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text=_("Empty: the default total of the WAYPOINT_DP_BUDGET setting."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "dataset": INTERNAL,
        "epsilon": INTERNAL,
        "note": INTERNAL,
        "created_at": INTERNAL,
    }

    class Meta:
        verbose_name = _("privacy budget")
        verbose_name_plural = _("privacy budgets")
        ordering = ["dataset"]

    def __str__(self) -> str:
        return self.dataset


class PrivacySpendQuerySet(models.QuerySet["PrivacySpend"]):
    def of_dataset(self, dataset: str) -> PrivacySpendQuerySet:
        return self.filter(dataset=dataset)

    def delete(self) -> NoReturn:
        raise LedgerError("spends of the privacy budget are never deleted")


class PrivacySpend(models.Model):
    """One differentially private release: ε spent from a dataset's budget on one table."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.CharField(_("dataset"), max_length=100, db_index=True)
    table_id = models.CharField(_("table"), max_length=100)
    epsilon = models.DecimalField(
        _("ε spent"), max_digits=EPSILON_DIGITS, decimal_places=EPSILON_PLACES
    )
    # The user name is copied so that the ledger still names who spent after a user is deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="privacy_spends",
        verbose_name=_("spent by"),
    )
    actor_username = models.CharField(_("user name"), max_length=150)
    spent_at = models.DateTimeField(_("spent at"), default=timezone.now, db_index=True)
    description = models.CharField(_("description"), max_length=300, blank=True)

    objects = PrivacySpendQuerySet.as_manager()

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "id": INTERNAL,
        "public_id": INTERNAL,
        "dataset": INTERNAL,
        "table_id": INTERNAL,
        "epsilon": INTERNAL,
        "actor": INTERNAL,
        "actor_username": INTERNAL,
        "spent_at": INTERNAL,
        "description": INTERNAL,
    }

    class Meta:
        verbose_name = _("privacy budget spend")
        verbose_name_plural = _("privacy budget spends")
        ordering = ["spent_at", "id"]

    def __str__(self) -> str:
        return f"{self.dataset}: ε {self.epsilon} on {self.table_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise LedgerError("spends of the privacy budget are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise LedgerError("spends of the privacy budget are never deleted")


class SummaryState(models.Model):
    """How far the statistics summary of one organisation's records is up to date.

    ``version`` is raised by database triggers (``analytics.summary_triggers``) whenever one of
    the organisation's incidents, or a person, victimisation, offender record or route leg of
    one, is written or deleted, whatever wrote it; ``built`` is the version the organisation's
    ``SummaryRow`` rows count. While ``built`` is behind, the organisation's records are counted
    from the records themselves. ``counting`` is the version a refresh has started to count:
    once an organisation is out of date and no refresh counts its current version, further
    writes need not raise it again (on SQLite, where triggers run for every row, they don't)."""

    owner = models.OneToOneField(
        "orgs.Organisation",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    version = models.BigIntegerField(_("changes"), default=0)
    built = models.BigIntegerField(_("changes counted"), default=0)
    counting = models.BigIntegerField(_("changes being counted"), default=0)
    built_at = models.DateTimeField(_("counted at"), null=True, blank=True)

    field_classes: ClassVar[dict[str, FieldClass]] = {
        "owner": INTERNAL,
        "version": INTERNAL,
        "built": INTERNAL,
        "counting": INTERNAL,
        "built_at": INTERNAL,
    }

    class Meta:
        verbose_name = _("statistics summary state")
        verbose_name_plural = _("statistics summary states")

    def __str__(self) -> str:
        return f"{self.owner_id}: {self.built}/{self.version}"


#: The measures a summary row can hold (the most a standard table sums).
SUMMARY_MEASURES = 4


class SummaryRow(models.Model):
    """One group of a standard table's single GROUP BY, counted over one organisation's records
    of one sharing label (and consent to publication) alone: what a table adds up for the
    records a user may see whole, by owner and label (``analytics.statistics.summary``).

    ``key`` is the JSON list of the group's values, one per dimension, as the table's query gives
    them; ``year`` repeats the value of its year dimension so that years can be asked for."""

    table_id = models.CharField(_("table"), max_length=100)
    owner = models.ForeignKey(
        "orgs.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("organisation"),
    )
    label = models.CharField(_("label"), max_length=12)
    publish_in_statistics = models.BooleanField(_("published"))
    year = models.IntegerField(_("year"), null=True)
    key = models.TextField(_("group"))
    count = models.BigIntegerField(_("count"))
    m0 = models.FloatField(default=0)
    m1 = models.FloatField(default=0)
    m2 = models.FloatField(default=0)
    m3 = models.FloatField(default=0)

    field_classes: ClassVar[dict[str, FieldClass]] = {
        name: INTERNAL
        for name in (
            "id",
            "table_id",
            "owner",
            "label",
            "publish_in_statistics",
            "year",
            "key",
            "count",
            "m0",
            "m1",
            "m2",
            "m3",
        )
    }

    class Meta:
        verbose_name = _("statistics summary row")
        verbose_name_plural = _("statistics summary rows")
        indexes = [models.Index(fields=["table_id", "owner", "label"], name="summary_table_owner")]

    def __str__(self) -> str:
        return f"{self.table_id} {self.owner_id} {self.label} {self.key}"
