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
