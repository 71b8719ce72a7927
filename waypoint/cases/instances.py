"""Model instances built for validation without ``Model.__init__``.

Imports build hundreds of thousands of unsaved instances to validate them; Django's constructor
spends most of its time asking every field for its default through several layers of calls.
``build(Model, values)`` gives the instance ``Model(**values)`` would give (the same attributes,
defaults called afresh for each instance) at a fraction of the cost. Relations are set through
their descriptors, as the constructor sets them.
"""

from __future__ import annotations

import os
import uuid
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
                default = uuid4 if field.default is uuid.uuid4 else field.default
                self.callables.append((field.attname, default))
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
    # A copy of the constants is made at its size at once, where filling the instance's own
    # attributes grew them step by step.
    attributes = plan.constants.copy()
    attributes["_state"] = ModelState()
    instance.__dict__ = attributes
    for attname, default in plan.callables:
        attributes[attname] = default()
    if not values:
        return instance
    if plan.attnames.issuperset(values):
        # The usual case (no relation given as an object), checked and set without a loop in
        # Python.
        attributes.update(values)
        return instance
    for name, value in values.items():
        if name in plan.relations:
            setattr(instance, name, value)
        elif name in plan.attnames:
            attributes[name] = value
        else:
            # Not a field: let the constructor's own error say so.
            raise TypeError(f"{model.__name__}() got unexpected keyword arguments: '{name}'")
    return instance


def uuid4() -> uuid.UUID:
    """A random (version 4) UUID, as ``uuid.uuid4()`` makes, at well under half the cost.

    Public ids are drawn for every incident, person and history row an import builds. The
    random bits come from the operating system 256 UUIDs at a time, and the UUID is made
    without the checks of ``UUID.__init__``: its version and variant bits are set here.
    """
    try:
        bits = _RANDOM.pop()
    except IndexError:
        data = os.urandom(16 * _DRAWN)
        _RANDOM.extend(int.from_bytes(data[at : at + 16], "big") for at in range(16, len(data), 16))
        bits = int.from_bytes(data[:16], "big")
    made = object.__new__(uuid.UUID)
    object.__setattr__(made, "int", (bits & _VARIABLE_BITS) | _VERSION_4)
    object.__setattr__(made, "is_safe", _SAFETY_UNKNOWN)
    return made


_DRAWN = 256
#: Random bits not yet used, as integers of 128 bits.
_RANDOM: list[int] = []
#: A forked process draws its own bits: two processes must never hand out the same ones.
os.register_at_fork(after_in_child=_RANDOM.clear)
#: The version (4) and variant (RFC 4122) bits, as ``UUID(version=4)`` sets them.
_VARIABLE_BITS = ~((0xF000 << 64) | (0xC000 << 48))
_VERSION_4 = (0x4000 << 64) | (0x8000 << 48)
#: An enum member, looked up once (enum attributes are slow to read).
_SAFETY_UNKNOWN = uuid.SafeUUID.unknown
