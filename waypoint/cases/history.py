"""What a change to an incident changed, value by value, and the incident's history as its owner
reads it.

``differences`` compares the stored incident with the draft that replaces it: the incident's own
fields, its persons (matched by public id) with their victimisation, offender record and
identifiers, and its route legs (by position). Public and internal values are kept with the
change; owner-only values (personal, restricted, firewalled) are sealed at rest and never copied
out: for them the change is recorded as made, without its values.

``history`` lists what happened to an incident, newest first: saves with their changes, status
changes and sharing changes, each with who and when.
"""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from waypoint.cases.models import (
    FieldChange,
    Incident,
    IncidentRevision,
    OffenderRecord,
    Person,
    RouteLeg,
    Victimisation,
)
from waypoint.cases.presentation import TECHNICAL, display
from waypoint.cases.validation import IncidentDraft
from waypoint.lib.fieldclasses import OWNER_ONLY
from waypoint.reference import catalogue
from waypoint.vault.sealing import Sealed

#: Fields a change never reports: keys, bookkeeping, and what changes through its own workflow
#: (status and label, which have their own history).
UNREPORTED = frozenset(
    {
        *TECHNICAL,
        "owner",
        "created_by",
        "created_at",
        "updated_at",
        "status",
        "label",
        "value_index",
    }
)
#: The model each part of a path names.
PART_MODELS: dict[str, type[models.Model]] = {
    "incident": Incident,
    "persons": Person,
    "victimisation": Victimisation,
    "offender": OffenderRecord,
    "legs": RouteLeg,
}


@dataclass(frozen=True)
class Difference:
    path: str
    kind: str = FieldChange.Kind.CHANGED
    before: Any = None
    after: Any = None
    withheld: bool = False


def differences(stored: Incident, draft: IncidentDraft) -> list[Difference]:
    """What replacing ``stored`` (as it is in the database) with ``draft`` changes."""
    found = list(_row_differences("incident", stored, draft.incident))
    found += _person_differences(stored, draft)
    found += _leg_differences(list(stored.legs.all()), draft.legs)
    return found


def _person_differences(stored: Incident, draft: IncidentDraft) -> list[Difference]:
    persons = list(
        stored.persons.select_related("victimisation", "offender").prefetch_related("identifiers")
    )
    by_id = {person.public_id: person for person in persons}
    found: list[Difference] = []
    kept = set()
    for number, person_draft in enumerate(draft.persons, start=1):
        path, new = f"persons[{number}]", person_draft.person
        old = by_id.get(new.public_id)
        if old is None:
            found.append(Difference(path, FieldChange.Kind.ADDED, after=new.role))
            continue
        kept.add(old.pk)
        found += _row_differences(path, old, new)
        victimisation = getattr(old, "victimisation", None)
        found += _optional_row(f"{path}.victimisation", victimisation, person_draft.victimisation)
        offender = getattr(old, "offender", None)
        found += _optional_row(f"{path}.offender", offender, person_draft.offender)
        before = sorted(str(identifier.public_id) for identifier in old.identifiers.all())
        after = sorted(str(identifier.public_id) for identifier in person_draft.identifiers)
        new_values = any(isinstance(i.value, str) for i in person_draft.identifiers)
        if before != after or new_values:
            found.append(Difference(f"{path}.identifiers", withheld=True))
    for number, old in enumerate(persons, start=1):
        if old.pk not in kept:
            found.append(Difference(f"persons[{number}]", FieldChange.Kind.REMOVED, old.role))
    return found


def _leg_differences(stored: list[RouteLeg], legs: list[RouteLeg]) -> list[Difference]:
    found: list[Difference] = []
    for number, (old, new) in enumerate(zip(stored, legs, strict=False), start=1):
        found += _row_differences(f"legs[{number}]", old, new)
    for number in range(len(stored) + 1, len(legs) + 1):
        found.append(Difference(f"legs[{number}]", FieldChange.Kind.ADDED))
    for number in range(len(legs) + 1, len(stored) + 1):
        found.append(Difference(f"legs[{number}]", FieldChange.Kind.REMOVED))
    return found


def _optional_row(
    path: str, old: models.Model | None, new: models.Model | None
) -> list[Difference]:
    """Differences of a one-to-one row that may be missing on either side (compared with a row
    of defaults)."""
    if old is None:
        if new is None:
            return []
        old = type(new)()
    elif new is None:
        new = type(old)()
    return list(_row_differences(path, old, new))


def _row_differences(path: str, old: models.Model, new: models.Model) -> Iterator[Difference]:
    classes = type(new).field_classes  # type: ignore[attr-defined]
    for model_field in type(new)._meta.concrete_fields:
        name = model_field.name
        if name in UNREPORTED or model_field.is_relation:
            continue
        before, after = getattr(old, model_field.attname), getattr(new, model_field.attname)
        if classes.get(name) in OWNER_ONLY:
            if _sealed_differs(before, after):
                yield Difference(f"{path}.{name}", withheld=True)
        elif not _same(before, after):
            yield Difference(f"{path}.{name}", before=_json(before), after=_json(after))


def _sealed_differs(before: Any, after: Any) -> bool:
    if isinstance(after, Sealed) or isinstance(before, Sealed):
        return before != after  # kept as stored, or new plaintext for a sealed value
    return (before or "") != (after or "")


def _same(before: Any, after: Any) -> bool:
    empty: tuple[Any, ...] = ("", None, [])
    if before in empty and after in empty:
        return True
    if isinstance(before, list) and isinstance(after, list):
        return sorted(before) == sorted(after)  # a list of codes is a set: order says nothing
    return bool(before == after)


def _json(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list):
        return list(value)
    return value


# Reading the history


@dataclass(frozen=True)
class ChangeLine:
    """One change as the owner reads it."""

    where: str
    what: str
    before: str = ""
    after: str = ""
    withheld: bool = False
    kind: str = FieldChange.Kind.CHANGED


@dataclass
class HistoryEntry:
    at: datetime.datetime
    who: str
    summary: str
    changes: list[ChangeLine] = field(default_factory=list)
    note: str = ""


def history(incident: Incident) -> list[HistoryEntry]:
    """Everything recorded about changes to the incident, newest first. The caller has checked
    that the viewer belongs to the owner organisation."""
    entries = [_revision_entry(revision) for revision in _revisions(incident)]
    entries += [
        HistoryEntry(
            at=step.at,
            who=_who(step.actor),
            summary=_("Status: %(before)s → %(after)s")
            % {
                "before": step.get_from_status_display() or _("new"),
                "after": step.get_to_status_display(),
            },
        )
        for step in incident.status_history.select_related("actor")
    ]
    entries += [
        entry
        for change in incident.label_changes.select_related("requested_by", "decided_by")
        for entry in _label_entries(change)
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _revisions(incident: Incident) -> list[IncidentRevision]:
    return list(incident.revisions.select_related("actor").prefetch_related("changes"))


def _revision_entry(revision: IncidentRevision) -> HistoryEntry:
    if revision.kind == "created":
        summary = _("Recorded the incident")
    else:
        count = len(revision.changes.all())
        summary = ngettext("Changed %(count)s value", "Changed %(count)s values", count) % {
            "count": localize(count)
        }
    return HistoryEntry(
        at=revision.at,
        who=_who(revision.actor),
        summary=summary,
        changes=[change_line(change) for change in revision.changes.all()],
    )


def _label_entries(change: Any) -> list[HistoryEntry]:
    text = {"from": change.get_from_label_display(), "to": change.get_to_label_display()}
    requested = HistoryEntry(
        at=change.requested_at,
        who=_who(change.requested_by),
        summary=_("Sharing: asked to change %(from)s to %(to)s") % text,
    )
    if change.decided_at is None:
        requested.note = _("Awaiting approval by a second person.")
        return [requested]
    if change.decided_by_id == change.requested_by_id and change.status == "approved":
        requested.summary = _("Sharing: changed %(from)s to %(to)s") % text
        return [requested]
    decided = HistoryEntry(
        at=change.decided_at,
        who=_who(change.decided_by),
        summary=_("Sharing: the change to %(to)s was %(status)s")
        % {"to": text["to"], "status": change.get_status_display()},
    )
    return [decided, requested]


def _who(user: Any) -> str:
    if user is None:
        return _("a removed user")
    return str(user.get_full_name() or user.get_username())


PATH_PART = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?$")


def change_line(change: FieldChange) -> ChangeLine:
    """A stored change in words: where it is, which value, before and after in the reader's
    language (codes as their labels, dates and numbers as the reader's locale writes them)."""
    where, model, name = _place(change.path)
    model_field = _field(model, name)
    what = str(model_field.verbose_name) if model_field is not None else ""
    if change.kind != FieldChange.Kind.CHANGED or model_field is None:
        role = change.after or change.before
        if model is Person and isinstance(role, str):
            what = catalogue.term_label("person_role", role)
        return ChangeLine(where=where, what=what, kind=change.kind, withheld=change.withheld)
    return ChangeLine(
        where=where,
        what=what,
        before=_shown(model_field, change.before),
        after=_shown(model_field, change.after),
        withheld=change.withheld,
    )


def _place(path: str) -> tuple[str, type[models.Model] | None, str]:
    """Where a path points, in words ("Person 2 › victimisation"), the model of the row it ends
    in and the field name (empty for a whole row)."""
    words, model, name = [], None, ""
    for part in path.split("."):
        match = PATH_PART.match(part)
        if match is None:
            break
        key, number = match.groups()
        if key == "identifiers":
            words.append(_("personal identifiers"))
            model = None
        elif key in PART_MODELS:
            words.append(_part_words(key, number))
            model = PART_MODELS[key]
        else:
            name = key
    return " › ".join(words), model, name


def _part_words(key: str, number: str | None) -> str:
    if key == "persons":
        return _("Person %(number)s") % {"number": number}
    if key == "legs":
        return _("Leg %(number)s") % {"number": number}
    if key == "victimisation":
        return _("victimisation")
    if key == "offender":
        return _("criminal-justice outcome")
    return _("Incident")


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None or not name:
        return None
    try:
        found = model._meta.get_field(name)
    except Exception:
        return None
    return found if isinstance(found, models.Field) else None


def _shown(model_field: models.Field, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if isinstance(model_field, models.DecimalField | models.IntegerField | models.FloatField):
        try:
            return str(localize(decimal.Decimal(str(value))))
        except decimal.InvalidOperation:
            return str(value)
    return display(model_field, value)
