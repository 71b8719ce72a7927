"""Keep the reference-code cache in step with the tables behind it."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_migrate, post_save

from waypoint.reference import catalogue
from waypoint.reference.models import Country, Currency, IccsCode, Term


def _clear(**_: Any) -> None:
    catalogue.clear()


for model in (Country, Currency, IccsCode, Term):
    post_save.connect(_clear, sender=model, dispatch_uid=f"reference-save-{model.__name__}")
    post_delete.connect(_clear, sender=model, dispatch_uid=f"reference-delete-{model.__name__}")
post_migrate.connect(_clear, dispatch_uid="reference-migrate")
