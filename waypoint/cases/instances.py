"""Model instances built for validation without ``Model.__init__``.

Imports build hundreds of thousands of unsaved instances to validate them; Django's constructor
spends most of its time asking every field for its default through several layers of calls.
``build(Model, values)`` gives the instance ``Model(**values)`` would give (the same attributes,
defaults called afresh for each instance) at a fraction of the cost. Relations are set through
their descriptors, as the constructor sets them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django.db import models
from django.db.models.base import ModelState

M = TypeVar("M", bound=models.Model)


class _Plan:
    """What ``Model.__init__`` would do for one model, worked out once."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = model._meta.concrete_fields
        self.constants: dict[str, Any] = {}
        self.callables: list[tuple[str, Callable[[], Any]]] = []
        for field in fields:
            if field.has_default() and callable(field.default):
                self.callables.append((field.attname, field.default))
            else:
                self.constants[field.attname] = field.get_default()
        self.attnames = {field.attname for field in fields}
        self.relations = {field.name for field in fields if field.is_relation}


_PLANS: dict[type[models.Model], _Plan] = {}


def build(model: type[M], values: Mapping[str, Any] | None = None) -> M:
    """``model(**values)``, for unsaved instances built in bulk."""
    plan = _PLANS.get(model)
    if plan is None:
        plan = _PLANS[model] = _Plan(model)
    instance = model.__new__(model)
    instance._state = ModelState()
    attributes = instance.__dict__
    attributes.update(plan.constants)
    for attname, default in plan.callables:
        attributes[attname] = default()
    for name, value in (values or {}).items():
        if name in plan.relations:
            setattr(instance, name, value)
        elif name in plan.attnames:
            attributes[name] = value
        else:
            # Not a field: let the constructor's own error say so.
            raise TypeError(f"{model.__name__}() got unexpected keyword arguments: '{name}'")
    return instance
