"""Validation of a whole incident before anything is written.

An ``IncidentDraft`` holds unsaved model instances: the incident, its persons with what is
recorded about each, its route legs and selectors. ``validate()`` runs every one-row rule
(``full_clean``) and the rules that need several rows, and answers every problem at once, each
with the path of the value it concerns (``persons[2].age_group``) so that a form can show it
beside the field and an importer can name the row and column.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
import decimal
import itertools
import operator
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import EMPTY_VALUES
from django.db import models
from django.utils.translation import gettext as _

from waypoint.cases.models import (
    STAGE_WORKFLOW,
    Incident,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
    Victimisation,
)
from waypoint.reference.models import MISSING_ANSWERS

MIGRANT_ROLES = frozenset({"smuggled_migrant", "victim"})
ROLES_NEEDING_KIND = {
    "smuggled_migrant": {"smuggling_of_migrants"},
    "victim": {"trafficking_in_persons", "violence_against_migrants"},
}


@dataclass(frozen=True)
class Problem:
    """One rejected value: where it is, what is wrong, and the rule's code."""

    path: str
    message: str
    code: str = "invalid"

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class StageStep:
    stage: str
    effective_on: datetime.date | None = None
    note: str = ""


@dataclass
class PersonDraft:
    person: Person
    identifiers: list[PersonIdentifier] = field(default_factory=list)
    victimisation: Victimisation | None = None
    offender: OffenderRecord | None = None
    #: The offender's criminal-justice history in order; the last step is the current stage.
    stages: list[StageStep] = field(default_factory=list)


@dataclass
class SelectorDraft:
    selector: Selector
    #: Index into ``IncidentDraft.persons`` of the person the selector belongs to, if any.
    person_index: int | None = None


@dataclass
class IncidentDraft:
    incident: Incident
    persons: list[PersonDraft] = field(default_factory=list)
    legs: list[RouteLeg] = field(default_factory=list)
    selectors: list[SelectorDraft] = field(default_factory=list)


class IncidentInvalid(Exception):
    """The draft breaks one or more rules; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems))


def validate(draft: IncidentDraft) -> list[Problem]:
    _forget_other_days()
    problems: list[Problem] = []
    has_owner = draft.incident.owner_id is not None
    # The reference is unique within the owner, so uniqueness is checked once the owner is known.
    problems += _row_problems(
        "incident",
        draft.incident,
        exclude=("created_by",) if has_owner else ("owner", "created_by"),
        unique=has_owner,
    )
    for index, person_draft in enumerate(draft.persons, start=1):
        problems += _person_problems(f"persons[{index}]", person_draft, draft.incident)
    for index, leg in enumerate(draft.legs, start=1):
        problems += _row_problems(f"legs[{index}]", leg, exclude=("incident",))
    problems += _route_problems(draft.legs)
    problems += _count_problems(draft)
    for index, selector_draft in enumerate(draft.selectors, start=1):
        problems += _selector_problems(f"selectors[{index}]", selector_draft, draft)
    return problems


def check(draft: IncidentDraft) -> None:
    problems = validate(draft)
    if problems:
        raise IncidentInvalid(problems)


def _row_problems(
    path: str, instance: models.Model, exclude: tuple[str, ...], unique: bool = False
) -> list[Problem]:
    try:
        full_clean(instance, exclude=exclude, unique=unique)
    except ValidationError as error:
        return list(_flatten(path, error))
    return []


def full_clean(instance: models.Model, exclude: tuple[str, ...], unique: bool) -> None:
    """``Model.full_clean`` with each field's cleaning remembered per value.

    A bulk import checks the same few codes, counts and dates hundreds of thousands of times;
    field cleaning depends only on the field and the value (the instance's other values are
    checked by ``Model.clean``, which runs every time), so its outcome is reused.
    """
    errors: dict[str, Any] = {}
    try:
        _clean_fields(instance, exclude)
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as error:
        errors = error.update_error_dict(errors)
    if unique:
        passed = {*exclude, *(name for name in errors if name != NON_FIELD_ERRORS)}
        for check in (instance.validate_unique, instance.validate_constraints):
            try:
                check(exclude=passed)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


#: Per field, its remembered outcomes by value; per model and excluded fields, what to clean.
_CLEANED: dict[models.Field, dict[Any, Any]] = {}
_PLANS: dict[tuple[type[models.Model], tuple[str, ...]], _FieldPlan] = {}
_CLEANED_LIMIT = 20_000
#: The day the remembered outcomes hold for: a date may be refused for lying in the future.
_cleaned_on: list[datetime.date] = []
#: Until when (``time.time()``) the day need not be asked for again.
_cleaned_until: list[float] = [0.0]


class _FieldPlan:
    """The fields of a model to clean, and the defaults that need no cleaning.

    An instance holds the very object its field's default is (``Model()`` and
    ``instances.build`` both take it from ``Field.get_default()``) for most fields of a record
    read from a file. When cleaning that object changes nothing and finds nothing, a field
    still holding it is passed over, found among the fields in one pass in C rather than by
    the loop below, which runs for every field of every row of an import.
    """

    def __init__(self, model: type[models.Model], exclude: frozenset[str]) -> None:
        fields = [
            f
            for f in model._meta.fields
            if f.name not in exclude
            # An id the database or uuid4 gives is valid by construction.
            and not (isinstance(f, models.UUIDField | models.AutoField) and not f.editable)
        ]
        #: (name, attname, blank, field, remembered outcomes) of each field to clean.
        self.entries = [(f.name, f.attname, f.blank, f, _CLEANED.setdefault(f, {})) for f in fields]
        # The emptiness test below is Django's usual one.
        assert all(tuple(f.empty_values) == tuple(EMPTY_VALUES) for f in fields)
        attnames = [f.attname for f in fields]
        self.values: Callable[[dict[str, Any]], Iterable[Any]] = (
            operator.itemgetter(*attnames) if len(attnames) > 1 else _one_of(attnames)
        )
        self.defaults = tuple(_clean_default(f) for f in fields)

    def to_clean(self, values: dict[str, Any]) -> Iterator[tuple[Any, ...]]:
        """The entries of the fields whose value is not a default known to be clean."""
        return itertools.compress(
            self.entries, map(operator.is_not, self.values(values), self.defaults)
        )


def _one_of(attnames: list[str]) -> Callable[[dict[str, Any]], Iterable[Any]]:
    # itemgetter of one name answers a value, not a tuple (and of none, nothing).
    return lambda values: tuple(values[attname] for attname in attnames)


#: Held by no field: the field is cleaned whatever it holds.
_ALWAYS = object()


def _clean_default(model_field: models.Field) -> Any:
    """The field's default object, when cleaning it leaves it as it is and raises nothing."""
    if model_field.has_default() and callable(model_field.default):
        return _ALWAYS  # a new object each time (a list), never the same one
    default = model_field.get_default()
    if default is not None and not isinstance(default, _IMMUTABLE):
        return _ALWAYS
    try:
        cleaned = model_field.clean(default, None)
    except Exception:
        # Not clean (a required field left blank), or not without an instance: cleaned each
        # time, as before.
        return _ALWAYS
    return default if cleaned is default else _ALWAYS


#: Defaults that may be shared by every instance (text and codes, numbers, dates).
_IMMUTABLE = (str, int, float, decimal.Decimal, datetime.date)


def _field_plan(model: type[models.Model], exclude: tuple[str, ...]) -> _FieldPlan:
    key = (model, exclude)
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = _FieldPlan(model, frozenset(exclude))
    return plan


def _forget_other_days() -> None:
    if time.time() < _cleaned_until[0]:
        return  # the same day: asking for the date for every record cost more than this
    today = datetime.date.today()
    if _cleaned_on != [today]:
        for cleaned in _CLEANED.values():
            cleaned.clear()
        _PLANS.clear()
        _cleaned_on[:] = [today]
    midnight = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time())
    _cleaned_until[0] = midnight.timestamp()  # local time, as date.today() reads it


def _clean_fields(instance: models.Model, exclude: tuple[str, ...]) -> None:
    errors = {}
    values = instance.__dict__
    plan = _PLANS.get((type(instance), exclude)) or _field_plan(type(instance), exclude)
    for name, attname, blank, model_field, cleaned in plan.to_clean(values):
        raw = values[attname]
        kind = type(raw)
        if blank and (raw is None or raw == "" or (kind in _CONTAINERS and not raw)):
            continue
        # Inline rather than in a function: the same few codes, counts and dates recur on
        # every row, and this loop runs for every field of every row of an import.
        outcome = _UNSEEN
        if kind in _PLAIN:
            outcome = cleaned.get((kind, raw), _UNSEEN)
        elif kind is list:
            try:
                outcome = cleaned.get((list, *raw), _UNSEEN)
            except TypeError:  # an item that cannot be hashed: cleaned, not remembered
                outcome = _UNSEEN
        if outcome is _UNSEEN:
            outcome = _clean_field(model_field, raw, instance, cleaned)
        if isinstance(outcome, ValidationError):
            errors[name] = outcome.error_list
        elif kind is list:
            values[attname] = outcome.copy() if type(outcome) is list else copy.copy(outcome)
        else:
            values[attname] = outcome
    if errors:
        raise ValidationError(errors)


_UNSEEN = object()
_CONTAINERS = frozenset({list, tuple, dict})
_PLAIN = frozenset(
    {str, int, float, bool, datetime.date, datetime.datetime, decimal.Decimal, type(None)}
)


def _clean_field(model_field: models.Field, raw: Any, instance: models.Model, cleaned: dict) -> Any:
    """The cleaned value, or the ``ValidationError`` cleaning raised, remembered by value."""
    try:
        outcome = model_field.clean(raw, instance)
    except ValidationError as error:
        outcome = error
    if type(raw) not in _PLAIN and type(raw) is not list:
        # Dicts are not hashable, and ids (UUIDs) never recur.
        return outcome
    if len(cleaned) >= _CLEANED_LIMIT:
        cleaned.clear()
    with contextlib.suppress(TypeError):
        cleaned[_hashable(raw)] = outcome
    return outcome


def _hashable(raw: Any) -> Any:
    if isinstance(raw, list):
        return (list, *raw)
    return (type(raw), raw)


def _flatten(path: str, error: ValidationError) -> Iterator[Problem]:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            where = path if name == "__all__" else f"{path}.{name}"
            for item in errors:
                yield from _flatten_one(where, item)
    else:
        yield from _flatten_one(path, error)


def _flatten_one(where: str, error: ValidationError) -> Iterator[Problem]:
    for item in error.error_list:
        message = item.message % item.params if item.params else item.message
        yield Problem(where, str(message), item.code or "invalid")


def _person_problems(path: str, draft: PersonDraft, incident: Incident) -> list[Problem]:
    person = draft.person
    problems = _row_problems(path, person, exclude=("incident",))
    for index, identifier in enumerate(draft.identifiers, start=1):
        problems += _row_problems(f"{path}.identifiers[{index}]", identifier, exclude=("person",))
    if draft.victimisation is not None:
        problems += _row_problems(f"{path}.victimisation", draft.victimisation, ("person",))
    if draft.offender is not None:
        problems += _row_problems(f"{path}.offender", draft.offender, ("person",))
    problems += _role_problems(path, draft, incident)
    problems += _stage_problems(f"{path}.offender", draft, incident)
    return problems


def _role_problems(path: str, draft: PersonDraft, incident: Incident) -> list[Problem]:
    role, problems = draft.person.role, []
    needed = ROLES_NEEDING_KIND.get(role)
    if needed and needed.isdisjoint(incident.kinds):
        problems.append(
            Problem(
                f"{path}.role",
                _("A “%(role)s” belongs in an incident of kind %(kinds)s.")
                % {"role": role, "kinds": " or ".join(sorted(needed))},
                "role_kind_mismatch",
            )
        )
    if draft.victimisation is not None and role not in MIGRANT_ROLES:
        problems.append(
            Problem(
                f"{path}.victimisation",
                _(
                    "Victimisation is recorded for victims and smuggled migrants, not for a “%(role)s”."
                )
                % {"role": role},
                "victimisation_for_role",
            )
        )
    if draft.offender is not None and role != "offender":
        problems.append(
            Problem(
                f"{path}.offender",
                _("Criminal-justice outcomes are recorded for offenders, not for a “%(role)s”.")
                % {"role": role},
                "offender_for_role",
            )
        )
    if draft.stages and draft.offender is None:
        problems.append(
            Problem(
                f"{path}.offender",
                _("Stages are recorded with an offender record."),
                "stages_without_offender",
            )
        )
    victimisation = draft.victimisation
    if victimisation is not None:
        problems += _victimisation_role_problems(
            f"{path}.victimisation", role, victimisation, incident
        )
    return problems


def _victimisation_role_problems(
    path: str, role: str, victimisation: Victimisation, incident: Incident
) -> list[Problem]:
    problems = []
    exploitation = [f for f in victimisation.exploitation_forms if f not in MISSING_ANSWERS]
    if exploitation and (role != "victim" or "trafficking_in_persons" not in incident.kinds):
        problems.append(
            Problem(
                f"{path}.exploitation_forms",
                _(
                    "Forms of exploitation are recorded for victims in an incident of trafficking in "
                    "persons; record an exploited migrant as a victim and add that kind."
                ),
                "exploitation_outside_trafficking",
            )
        )
    if victimisation.trafficking_identification in ("identified", "presumed") and role != "victim":
        problems.append(
            Problem(
                f"{path}.trafficking_identification",
                _(
                    "Only a person in the role “victim” can be identified as a victim of trafficking."
                ),
                "identification_for_role",
            )
        )
    start = incident.date_start
    for name in ("identified_on", "repatriated_on"):
        value = getattr(victimisation, name)
        if start and value and value < start:
            problems.append(
                Problem(
                    f"{path}.{name}",
                    _("%(date)s is before the incident (%(start)s).")
                    % {"date": value.isoformat(), "start": start.isoformat()},
                    "before_incident",
                )
            )
    return problems


def _stage_problems(path: str, draft: PersonDraft, incident: Incident) -> list[Problem]:
    if draft.offender is None:
        return []
    problems, current, last_date = [], "", None
    steps = draft.stages or [StageStep(draft.offender.stage)]
    for index, step in enumerate(steps, start=1):
        where = f"{path}.stages[{index}]"
        if not STAGE_WORKFLOW.allows(current, step.stage):
            allowed = ", ".join(sorted(STAGE_WORKFLOW.next_states(current)))
            problems.append(
                Problem(
                    where,
                    _(
                        "An offender cannot move from “%(current)s” to “%(stage)s”; allowed: %(allowed)s."
                    )
                    % {
                        "current": current or _("no stage"),
                        "stage": step.stage,
                        "allowed": allowed,
                    },
                    "stage_transition",
                )
            )
        if step.effective_on:
            if last_date and step.effective_on < last_date:
                problems.append(
                    Problem(
                        where,
                        _("%(date)s is before the previous stage (%(previous)s).")
                        % {
                            "date": step.effective_on.isoformat(),
                            "previous": last_date.isoformat(),
                        },
                        "stage_out_of_order",
                    )
                )
            if incident.date_start and step.effective_on < incident.date_start:
                problems.append(
                    Problem(
                        where,
                        _("%(date)s is before the incident (%(start)s).")
                        % {
                            "date": step.effective_on.isoformat(),
                            "start": incident.date_start.isoformat(),
                        },
                        "before_incident",
                    )
                )
            last_date = step.effective_on
        current = step.stage
    if draft.stages and draft.offender.stage != current:
        problems.append(
            Problem(
                f"{path}.stage",
                _("The stage (“%(stage)s”) must be the last step of the history (“%(last)s”).")
                % {"stage": draft.offender.stage, "last": current},
                "stage_not_last",
            )
        )
    return problems


def _route_problems(legs: list[RouteLeg]) -> list[Problem]:
    problems = []
    sequences = [leg.sequence for leg in legs]
    if sequences != list(range(1, len(legs) + 1)):
        problems.append(
            Problem(
                "legs",
                _("Legs must be numbered 1, 2, 3 … in order without gaps; got %(got)s.")
                % {"got": ", ".join(str(s) for s in sequences)},
                "legs_not_ordered",
            )
        )
    for index, leg in enumerate(legs, start=1):
        if index > 1 and leg.from_role == "origin":
            problems.append(
                Problem(
                    f"legs[{index}].from_role",
                    _("Only the first leg departs from the origin."),
                    "origin_not_first",
                )
            )
        if index < len(legs) and leg.to_role == "destination":
            problems.append(
                Problem(
                    f"legs[{index}].to_role",
                    _("Only the last leg arrives at the destination."),
                    "destination_not_last",
                )
            )
    for index, (before, after) in enumerate(itertools.pairwise(legs), start=2):
        problems += _junction_problems(f"legs[{index}]", before, after)
    return problems


def _junction_problems(path: str, before: RouteLeg, after: RouteLeg) -> list[Problem]:
    problems = []
    known = before.to_country not in MISSING_ANSWERS and after.from_country not in MISSING_ANSWERS
    if known and before.to_country != after.from_country:
        problems.append(
            Problem(
                f"{path}.from_country",
                _(
                    "This leg departs from %(departs)s but the previous leg arrived in %(arrived)s; "
                    "legs must join up."
                )
                % {"departs": after.from_country, "arrived": before.to_country},
                "legs_not_contiguous",
            )
        )
    elif (
        before.to_place
        and after.from_place
        and before.to_place.strip().casefold() != after.from_place.strip().casefold()
    ):
        problems.append(
            Problem(
                f"{path}.from_place",
                _(
                    "This leg departs from “%(departs)s” but the previous leg arrived in “%(arrived)s”."
                )
                % {"departs": after.from_place, "arrived": before.to_place},
                "legs_not_contiguous",
            )
        )
    roles = {before.to_role, after.from_role} - {"unknown"}
    if len(roles) > 1:
        problems.append(
            Problem(
                f"{path}.from_role",
                _("The place where legs meet has two roles: %(roles)s.")
                % {"roles": " and ".join(sorted(roles))},
                "junction_roles_differ",
            )
        )
    arrived, departed = before.arrived_on or before.departed_on, after.departed_on
    if arrived and departed and departed < arrived:
        problems.append(
            Problem(
                f"{path}.departed_on",
                _("This leg departs (%(departed)s) before the previous leg arrived (%(arrived)s).")
                % {"departed": departed.isoformat(), "arrived": arrived.isoformat()},
                "legs_overlap",
            )
        )
    return problems


def _count_problems(draft: IncidentDraft) -> list[Problem]:
    incident, problems = draft.incident, []
    itemised = sum(1 for p in draft.persons if p.person.role in MIGRANT_ROLES)
    if incident.migrants_involved is not None and itemised > incident.migrants_involved:
        problems.append(
            Problem(
                "incident.migrants_involved",
                _(
                    "%(itemised)s migrants or victims are itemised, more than the %(involved)s involved."
                )
                % {"itemised": itemised, "involved": incident.migrants_involved},
                "fewer_involved_than_itemised",
            )
        )
    died = sum(
        1
        for p in draft.persons
        if p.victimisation is not None and "death" in p.victimisation.violence_forms
    )
    if incident.dead is not None and died > incident.dead:
        problems.append(
            Problem(
                "incident.dead",
                _("%(died)s itemised persons died, more than the %(dead)s dead recorded.")
                % {"died": died, "dead": incident.dead},
                "fewer_dead_than_itemised",
            )
        )
    return problems


def _selector_problems(path: str, draft: SelectorDraft, incident: IncidentDraft) -> list[Problem]:
    problems = _row_problems(path, draft.selector, exclude=("incident", "person"))
    index = draft.person_index
    if index is not None and not 0 <= index < len(incident.persons):
        problems.append(
            Problem(
                f"{path}.person",
                _("There is no person %(number)s in this incident.") % {"number": index + 1},
                "no_such_person",
            )
        )
    return problems
