"""Incident documents: an incident as a JSON-shaped mapping, read into a draft and written out as
a viewer may see it. The API speaks them; importers and exporters of other formats can too.

A document holds the incident's own fields at the top, then ``persons`` (each with
``identifiers``, ``victimisation`` and ``offender`` with its ``stages``), ``legs`` and
``selectors``. Field names are the model's; codes are reference codes; dates are ISO dates.

Reading (``draft_from_document``) checks the document's shape and answers every problem at once,
with the path of the value in the validation rules' style (``incident.country``,
``persons[2].age``, counting from 1); ``document_path`` turns such a path into the document's own
(``country``). The rules of the data model are checked afterwards by the action that writes the
draft. Owner-only values (personal, restricted, firewalled) are write-only: they are never
written out (see ``incident_document``), and when a document updates a stored incident, an
owner-only value the document leaves out is kept as stored, for the incident and for every row
the document names by its ``id`` (a person, an identifier, a stage, a selector). Rows keep their
public ids, so the kept values stay sealed as they are: nothing is decrypted to keep them.

Writing (``incident_document``) follows the field rules of ``waypoint.cases.presentation``
(``fields_of``): partners never see owner-only fields, nor their presence; where the owner asks,
a partner sees dates coarsened to the month (the first day of the month, with the precision
``month``) and no precise place.
"""

from __future__ import annotations

import datetime
import decimal
import functools
import math
from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from waypoint.cases.actions import KeptStep
from waypoint.cases.models import (
    INCIDENT_WORKFLOW,
    Incident,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
    StageChange,
    Victimisation,
)
from waypoint.cases.presentation import TECHNICAL, fields_of
from waypoint.cases.validation import (
    IncidentDraft,
    IncidentInvalid,
    PersonDraft,
    Problem,
    SelectorDraft,
    StageStep,
)
from waypoint.vault.fields import SealedTextField

#: Keys a document written out carries that a document read in may repeat and that are ignored
#: (the incident's ``owner`` is the caller's to check).
READ_ONLY = frozenset({"id", "owner", "created_at", "updated_at", "deidentified", "coarsened"})
#: What a missing key reads as, apart from None (which a document may give for "no value").
ABSENT: Any = object()


def writable_fields(model: type[models.Model]) -> list[models.Field]:
    """The fields of ``model`` a document gives: editable, not keys, not links to other rows."""
    return [
        field
        for field in model._meta.concrete_fields
        if field.editable and not field.is_relation and field.name not in TECHNICAL
    ]


def document_path(path: str) -> str:
    """A problem's path in the document, where the incident's own fields are at the top."""
    if path == "incident":
        return ""
    return path.removeprefix("incident.")


def draft_from_document(
    document: Mapping[str, Any], *, existing: Incident | None = None
) -> IncidentDraft:
    """Read a document into an unsaved draft, or raise ``IncidentInvalid`` naming every problem
    of shape (the data-model rules are checked when the draft is written).

    ``existing`` is the stored incident the document replaces: its owner-only values are kept
    where the document leaves them out, and the document's ``id`` keys name its rows.
    """
    reader = _Reader(existing)
    draft = reader.read(document)
    if reader.problems:
        raise IncidentInvalid(reader.problems)
    return draft


class _Reader:
    def __init__(self, existing: Incident | None) -> None:
        self.problems: list[Problem] = []
        self.existing = existing
        persons = (
            existing.persons.select_related("victimisation", "offender").prefetch_related(
                "identifiers", "offender__stage_history"
            )
            if existing is not None
            else []
        )
        self.stored_persons = {str(person.public_id): person for person in persons}
        selectors = existing.selectors.all() if existing is not None else []
        self.stored_selectors = {str(selector.public_id): selector for selector in selectors}
        #: Stored rows the document has named already (each may be named once).
        self.claimed: set[Any] = set()

    def problem(self, path: str, message: str, code: str) -> None:
        self.problems.append(Problem(path, message, code))

    def read(self, document: Mapping[str, Any]) -> IncidentDraft:
        if not isinstance(document, Mapping):
            self.problem("incident", _("Give the incident as an object."), "not_an_object")
            return IncidentDraft(Incident())
        incident = self.incident(document)
        persons = [
            self.person(f"persons[{number}]", entry)
            for number, entry in enumerate(self.items(document, "persons", "persons"), start=1)
        ]
        legs = [
            self.leg(f"legs[{number}]", number, entry)
            for number, entry in enumerate(self.items(document, "legs", "legs"), start=1)
        ]
        if "selectors" in document or self.existing is None:
            selectors = [
                self.selector(f"selectors[{number}]", entry)
                for number, entry in enumerate(
                    self.items(document, "selectors", "selectors"), start=1
                )
            ]
        else:
            selectors = self.kept_selectors(persons)
        return IncidentDraft(incident, persons, legs, selectors)

    # The incident and its rows

    def incident(self, document: Mapping[str, Any]) -> Incident:
        skip = {"persons", "legs", "selectors"} | READ_ONLY
        values = self.fields(Incident, document, "incident", extra=skip)
        existing = self.existing
        if existing is not None:
            for name in ("label", "status", *_owner_only(Incident)):
                values.setdefault(name, getattr(existing, name))
        else:
            status = values.get("status") or Incident._meta.get_field("status").get_default()
            if status not in INCIDENT_WORKFLOW.initial:
                allowed = ", ".join(sorted(INCIDENT_WORKFLOW.initial))
                self.problem(
                    "incident.status",
                    _("A new incident starts as one of: %(allowed)s.") % {"allowed": allowed},
                    "status_transition",
                )
        return Incident(**values)

    def person(self, path: str, entry: Any) -> PersonDraft:
        extra = {"id", "identifiers", "victimisation", "offender"}
        values = self.fields(Person, entry, path, extra=extra)
        entry = entry if isinstance(entry, Mapping) else {}
        stored = self.stored(self.stored_persons, entry, path, "person")
        if stored is not None:
            values["public_id"] = stored.public_id
            for name in _owner_only(Person):
                values.setdefault(name, getattr(stored, name))
        draft = PersonDraft(Person(**values))
        draft.identifiers = self.identifiers(path, entry.get("identifiers", ABSENT), stored)
        victimisation = entry.get("victimisation")
        if victimisation is not None:
            draft.victimisation = Victimisation(
                **self.fields(Victimisation, victimisation, f"{path}.victimisation")
            )
        offender = entry.get("offender")
        if offender is not None:
            draft.offender, draft.stages = self.offender(f"{path}.offender", offender, stored)
        return draft

    def identifiers(self, path: str, entries: Any, person: Person | None) -> list[Any]:
        stored = list(person.identifiers.all()) if person is not None else []
        if entries is ABSENT:
            return [_copy_identifier(identifier) for identifier in stored]
        by_id = {str(identifier.public_id): identifier for identifier in stored}
        identifiers = []
        for number, entry in enumerate(self.listed(entries, f"{path}.identifiers"), start=1):
            where = f"{path}.identifiers[{number}]"
            values = self.fields(PersonIdentifier, entry, where, extra={"id"})
            kept = self.stored(by_id, entry, where, "identifier")
            if kept is not None:
                values["public_id"] = kept.public_id
                if "value" not in values:
                    values = self.kept_value(values, kept, where)
            identifiers.append(PersonIdentifier(**values))
        return identifiers

    def offender(
        self, path: str, entry: Any, person: Person | None
    ) -> tuple[OffenderRecord, list[StageStep]]:
        record = OffenderRecord(**self.fields(OffenderRecord, entry, path, extra={"stages"}))
        stored_offender = getattr(person, "offender", None) if person is not None else None
        stored = list(stored_offender.stage_history.all()) if stored_offender else []
        entries = entry.get("stages", ABSENT) if isinstance(entry, Mapping) else ABSENT
        if entries is ABSENT:
            return record, [_kept_step(step) for step in stored]
        by_id = {str(step.public_id): step for step in stored}
        steps = [
            self.step(f"{path}.stages[{number}]", step, by_id)
            for number, step in enumerate(self.listed(entries, f"{path}.stages"), start=1)
        ]
        return record, steps

    def step(self, path: str, entry: Any, stored: dict[str, StageChange]) -> StageStep:
        if not isinstance(entry, Mapping):
            self.problem(path, _("Give the stage as an object."), "not_an_object")
            return StageStep("")
        for key in set(entry) - {"id", "stage", "effective_on", "note"}:
            self.problem(f"{path}.{key}", _("This field is not part of a stage."), "unknown_field")
        stage, note = entry.get("stage"), entry.get("note", ABSENT)
        if not isinstance(stage, str) or not stage:
            self.problem(f"{path}.stage", _("Give the stage reached."), "required")
            stage = ""
        effective_on = self.value(
            StageChange._meta.get_field("effective_on"),
            entry.get("effective_on"),
            f"{path}.effective_on",
        )
        kept = self.stored(stored, entry, path, "stage")
        if note is not ABSENT and note is not None and not isinstance(note, str):
            self.problem(f"{path}.note", _("Give the note as text."), "not_text")
            note = ""
        if kept is None:
            return StageStep(stage, effective_on, "" if note in (ABSENT, None) else note)
        kept_step = _kept_step(kept)
        kept_step.stage, kept_step.effective_on = stage, effective_on
        if note is not ABSENT:
            kept_step.note = note or ""
        return kept_step

    def leg(self, path: str, number: int, entry: Any) -> RouteLeg:
        values = self.fields(RouteLeg, entry, path)
        if values.get("sequence") is None:
            values["sequence"] = number
        return RouteLeg(**values)

    def selector(self, path: str, entry: Any) -> SelectorDraft:
        values = self.fields(Selector, entry, path, extra={"id", "person"})
        entry = entry if isinstance(entry, Mapping) else {}
        kept = self.stored(self.stored_selectors, entry, path, "selector")
        if kept is not None:
            values["public_id"] = kept.public_id
            if "value" not in values:
                values = self.kept_value(values, kept, path)
        number = entry.get("person")
        if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
            self.problem(
                f"{path}.person", _("Give the person's number (1, 2, 3 …)."), "not_a_number"
            )
            number = None
        return SelectorDraft(Selector(**values), None if number is None else number - 1)

    def kept_selectors(self, persons: list[PersonDraft]) -> list[SelectorDraft]:
        """The stored selectors, tied to the same persons where the document keeps them."""
        public_ids: dict[int | None, Any] = {
            person.pk: person.public_id for person in self.stored_persons.values()
        }
        indexes: dict[Any, int] = {
            draft.person.public_id: index for index, draft in enumerate(persons)
        }
        return [
            SelectorDraft(_copy_selector(selector), indexes.get(public_ids.get(selector.person_id)))
            for selector in self.stored_selectors.values()
        ]

    # Shapes and values

    def items(self, document: Mapping[str, Any], key: str, path: str) -> list[Any]:
        return self.listed(document.get(key) or [], path)

    def listed(self, value: Any, path: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(path, _("Give a list."), "not_a_list")
            return []
        return value

    def stored(
        self, rows: Mapping[str, Any], entry: Mapping[str, Any], path: str, what: str
    ) -> Any:
        """The stored row the entry names by ``id``, or None for a new row."""
        public_id = entry.get("id")
        if public_id is None:
            return None
        row = rows.get(str(public_id).lower())
        if row is None:
            self.problem(
                f"{path}.id",
                _("This incident has nothing stored with this id; leave the id out for a new one."),
                "unknown_id",
            )
        elif (what, row.pk) in self.claimed:
            self.problem(f"{path}.id", _("This id is given twice."), "duplicate_id")
            return None
        else:
            self.claimed.add((what, row.pk))
        return row

    def kept_value(self, values: dict[str, Any], kept: Any, path: str) -> dict[str, Any]:
        """An identifier or selector named by id, without a new value: keep the stored one."""
        if values.get("kind", kept.kind) != kept.kind:
            self.problem(
                f"{path}.value",
                _("Give the value again to change the kind of a stored value."),
                "value_needed",
            )
        values.update(kind=kept.kind, value=kept.value, value_index=kept.value_index)
        return values

    def fields(
        self,
        model: type[models.Model],
        entry: Any,
        path: str,
        extra: set[str] | frozenset[str] = frozenset(),
    ) -> dict[str, Any]:
        if not isinstance(entry, Mapping):
            self.problem(path, _("Give an object."), "not_an_object")
            return {}
        known = {field.name: field for field in writable_fields(model)}
        values = {}
        for key, raw in entry.items():
            if key in known:
                value = self.value(known[key], raw, f"{path}.{key}")
                if value is not ABSENT:
                    values[key] = value
            elif key not in extra:
                self.problem(f"{path}.{key}", _("This field is not part of it."), "unknown_field")
        return values

    def value(self, field: Any, raw: Any, path: str) -> Any:
        """The value of one field, converted where JSON has no type for it; None stands for no
        value (the field's default where it cannot be empty)."""
        if raw is None:
            return None if field.null else field.get_default()
        converted = _converted(field, raw)
        if converted is ABSENT:
            self.problem(path, str(_EXPECTED.get(type(field), _("Give a valid value."))), "invalid")
        return converted


_EXPECTED = {
    models.DateField: gettext_lazy("Give a date as YYYY-MM-DD."),
    models.DecimalField: gettext_lazy("Give a number."),
    models.FloatField: gettext_lazy("Give a finite number."),
    SealedTextField: gettext_lazy("Give text."),
}


def _converted(field: Any, raw: Any) -> Any:
    if isinstance(field, models.DateField):
        if isinstance(raw, datetime.date) and not isinstance(raw, datetime.datetime):
            return raw
        try:
            return datetime.date.fromisoformat(raw) if isinstance(raw, str) else ABSENT
        except ValueError:
            return ABSENT
    if isinstance(field, models.DecimalField):
        if isinstance(raw, bool) or not isinstance(raw, int | float | str | decimal.Decimal):
            return ABSENT
        try:
            number = decimal.Decimal(str(raw))
        except decimal.InvalidOperation:
            return ABSENT
        return number if number.is_finite() else ABSENT
    if isinstance(field, models.FloatField):
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            return ABSENT
        return float(raw) if math.isfinite(raw) else ABSENT
    if isinstance(field, SealedTextField) and not isinstance(raw, str):
        return ABSENT
    return raw


def _owner_only(model: type[models.Model]) -> list[str]:
    classes = model.field_classes  # type: ignore[attr-defined]
    return [field.name for field in writable_fields(model) if classes[field.name].owner_only]


def _copy_identifier(identifier: PersonIdentifier) -> PersonIdentifier:
    return PersonIdentifier(
        public_id=identifier.public_id,
        kind=identifier.kind,
        value=identifier.value,
        value_index=identifier.value_index,
    )


def _copy_selector(selector: Selector) -> Selector:
    return Selector(
        public_id=selector.public_id,
        kind=selector.kind,
        value=selector.value,
        value_index=selector.value_index,
    )


def _kept_step(step: StageChange) -> KeptStep:
    return KeptStep(
        stage=step.to_stage,
        effective_on=step.effective_on,
        note=step.note,  # type: ignore[arg-type]  # sealed, bound to the kept public id
        public_id=step.public_id,
        recorded_by_id=step.actor_id,
        recorded_at=step.recorded_at,
    )


# Writing documents out


def coarsened_for(incident: Incident, as_owner: bool) -> bool:
    """Whether a viewer sees the incident's dates and places coarsened (as in the pages)."""
    return not as_owner and incident.coarsen_for_partners


def incident_document(incident: Incident, *, as_owner: bool, detail: bool = True) -> dict[str, Any]:
    """The incident as a viewer may see it: the owner's members (``as_owner``) see every field
    but owner-only values, which a document never carries; partners see the de-identified view.
    Without ``detail``, only the incident's own fields (for lists)."""
    coarsen = coarsened_for(incident, as_owner)
    document: dict[str, Any] = {
        "id": str(incident.public_id),
        "owner": incident.owner.code,
        "label": incident.label,
        "deidentified": not as_owner,
        "coarsened": coarsen,
        **_visible(incident, as_owner, coarsen),
    }
    if coarsen and document.get("date_precision") == "day":
        document["date_precision"] = "month"
    if not detail:
        return document
    persons = list(
        incident.persons.select_related("victimisation", "offender").prefetch_related(
            "identifiers", "offender__stage_history"
        )
    )
    document["persons"] = [_person(person, as_owner, coarsen) for person in persons]
    document["legs"] = [_visible(leg, as_owner, coarsen) for leg in incident.legs.all()]
    if as_owner:
        numbers: dict[int | None, int] = {
            person.pk: number for number, person in enumerate(persons, start=1)
        }
        document["selectors"] = [
            {"id": str(s.public_id), "kind": s.kind, "person": numbers.get(s.person_id)}
            for s in incident.selectors.all()
        ]
    return document


def _person(person: Person, as_owner: bool, coarsen: bool) -> dict[str, Any]:
    document: dict[str, Any] = {"id": str(person.public_id), **_visible(person, as_owner, coarsen)}
    if as_owner:
        document["identifiers"] = [
            {"id": str(identifier.public_id), "kind": identifier.kind}
            for identifier in person.identifiers.all()
        ]
    victimisation = getattr(person, "victimisation", None)
    document["victimisation"] = (
        None if victimisation is None else _visible(victimisation, as_owner, coarsen)
    )
    offender = getattr(person, "offender", None)
    if offender is None:
        document["offender"] = None
    else:
        document["offender"] = {
            **_visible(offender, as_owner, coarsen),
            "stages": [_step(step, as_owner, coarsen) for step in offender.stage_history.all()],
        }
    return document


def _step(step: StageChange, as_owner: bool, coarsen: bool) -> dict[str, Any]:
    visible = _visible(step, as_owner, coarsen)
    return {
        "id": str(step.public_id),
        "stage": visible["to_stage"],
        "effective_on": visible.get("effective_on"),
    }


def _visible(row: models.Model, as_owner: bool, coarsen: bool) -> dict[str, Any]:
    """The fields of one row that the viewer sees, as values (``fields_of`` decides which)."""
    shown = {}
    for name in visible_names(type(row), as_owner, coarsen):
        value = getattr(row, name)
        if (
            coarsen
            and isinstance(value, datetime.date)
            and not isinstance(value, datetime.datetime)
        ):
            value = value.replace(day=1)
        shown[name] = list(value) if isinstance(value, list) else value
    return shown


@functools.cache
def visible_names(model: type[models.Model], as_owner: bool, coarsen: bool) -> tuple[str, ...]:
    """The fields of ``model`` a viewer sees, as the pages decide (``fields_of``), without the
    owner-only ones, which a document never carries. They depend on the model and the viewer
    only, so they are worked out once."""
    views = fields_of(model(), as_owner, coarsen)
    return tuple(view.name for view in views if not view.withheld)
