"""Exporting incidents: the action behind ``waypoint export`` (and any download of records).

An export reads only what the user may see, through ``Incident.objects.visible_to(user)``, and
as they may see it (``waypoint.bulk.exporters.base.export_rows``). Every export is recorded in the
audit log, an empty one too: one ``export`` event for each organisation whose records it holds
(so that the owner's auditors see who took its records away), all naming the same export id.
Sealed values leave only when a member of the owner organisation asks, with a justification, and
only for that organisation's records; such an export adds a ``reveal`` event with the
justification for each organisation revealed.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import IO, Any

from django.db import transaction

from waypoint.audit.log import MAX_JUSTIFICATION, Target, record, sole_organisation
from waypoint.audit.models import Action
from waypoint.bulk import exporters
from waypoint.bulk.exporters.base import ExportRows, Tally, export_rows
from waypoint.cases.models import INCIDENT_PLACE_ANSWERS, Incident, IncidentQuerySet, Label
from waypoint.orgs.access import member_organisations
from waypoint.orgs.models import Organisation

#: Names of the sealed fields a revealed export holds, for the audit log.
REVEALED_FIELDS = [
    "incident.narrative",
    "incident.sources",
    "incident.selectors",
    "person.migration_status",
    "person.identifiers",
    "offender.stages.note",
]


class ExportRefused(Exception):
    """The export cannot be made as asked (nothing was read or written)."""


def label_code(text: str) -> str:
    """``red``, ``amber+strict``, ``TLP:AMBER+STRICT``, ``amber_strict`` … → the label's code."""
    code = text.strip().lower().removeprefix("tlp:").replace("+", "_").replace("-", "_")
    if code not in Label.values:
        raise ExportRefused(f"unknown label {text!r}; accepted: {', '.join(Label.values)}")
    return code


@dataclass(frozen=True)
class ExportFilters:
    """Which of the visible incidents to export; empty values do not filter."""

    year: int | None = None
    kind: str = ""
    country: str = ""
    label: str = ""
    #: The owner organisation's code.
    owner: str = ""

    @classmethod
    def of(cls, filters: ExportFilters | Mapping[str, Any] | None) -> ExportFilters:
        """Filters from a mapping (an API query's values), normalised; None for none."""
        if filters is None:
            return cls()
        if isinstance(filters, ExportFilters):
            return filters
        unknown = sorted(set(filters) - {f.name for f in fields(cls)})
        if unknown:
            raise ExportRefused(f"unknown filter {', '.join(unknown)}")
        given = {key: value for key, value in filters.items() if value not in (None, "")}
        if "country" in given:
            code = str(given["country"]).strip()
            given["country"] = (
                code.lower() if code.lower() in INCIDENT_PLACE_ANSWERS else code.upper()
            )
        if "kind" in given:
            given["kind"] = str(given["kind"]).strip().lower()
        if "label" in given:
            given["label"] = label_code(str(given["label"]))
        return cls(**given)

    def apply(self, incidents: IncidentQuerySet) -> IncidentQuerySet:
        if self.year is not None:
            incidents = incidents.occurred_in(self.year)
        if self.kind:
            incidents = incidents.of_kind(self.kind)
        if self.country:
            incidents = incidents.filter(country=self.country)
        if self.label:
            incidents = incidents.filter(label=self.label)
        if self.owner:
            incidents = incidents.filter(owner__code=self.owner)
        return incidents

    def names(self) -> list[str]:
        """The filters in use, by name (the audit log records names, not values)."""
        return [name for name, value in vars(self).items() if value not in (None, "")]


@dataclass(frozen=True)
class ExportResult:
    #: The export's public id, named by its audit events.
    id: str
    format: str
    #: Data rows written (table rows; objects for JSON).
    rows: int
    total: Tally
    #: What each organisation's records contributed, by organisation code.
    by_owner: dict[str, Tally] = field(default_factory=dict)

    @property
    def incidents(self) -> int:
        return self.total.incidents

    @property
    def revealed(self) -> int:
        """Incidents whose sealed values the export holds."""
        return self.total.revealed


def export_incidents(
    *,
    actor: Any,
    format: str,
    out: IO[bytes],
    filters: ExportFilters | Mapping[str, Any] | None = None,
    reveal: bool = False,
    justification: str = "",
    archive: bool = False,
    progress: Callable[[int], None] | None = None,
) -> ExportResult:
    """Write the incidents ``actor`` may see (narrowed by ``filters``) to ``out`` in ``format``.

    ``filters`` is an ``ExportFilters`` or a mapping of its fields (``{"year": 2024}``).
    ``archive`` asks for the ZIP variant of a format (CSV: one file per table). ``reveal`` (with
    the user's ``justification``) includes the sealed values of the records of the actor's own
    organisations; partners' records stay de-identified. ``progress`` is told how many incidents
    each chunk wrote. Raises ``ExportRefused`` before reading anything when the request cannot be
    served. The audit events are written after the file, whether it was completed or not.
    """
    exporter = _exporter(format, archive)
    justification = _checked_reveal(actor, reveal, justification)
    filters = ExportFilters.of(filters)
    incidents = filters.apply(Incident.objects.visible_to(actor))
    rows = export_rows(actor, incidents, reveal=reveal, on_chunk=progress)
    audit = _Audit(actor, str(uuid.uuid4()), exporter.name, filters, justification)
    try:
        written = exporter.write(rows, out)
    except BaseException:
        audit.record(rows, complete=False)
        raise
    audit.record(rows, complete=True)
    return ExportResult(
        id=audit.export_id,
        format=exporter.name,
        rows=written,
        total=rows.total(),
        by_owner=rows.tallies,
    )


def count_incidents(actor: Any, filters: ExportFilters | Mapping[str, Any] | None = None) -> int:
    """How many incidents an export with these filters would hold (for progress bars)."""
    return ExportFilters.of(filters).apply(Incident.objects.visible_to(actor)).count()


def _exporter(format: str, archive: bool) -> Any:
    try:
        return exporters.get(format, archive=archive)
    except KeyError:
        if archive and format in exporters.NAMES:
            raise ExportRefused(f"the {format} format is not written as a ZIP archive") from None
        raise ExportRefused(
            f"unknown format {format!r}; use one of {', '.join(exporters.NAMES)}"
        ) from None


def _checked_reveal(actor: Any, reveal: bool, justification: str) -> str:
    """The justification to record, or ExportRefused."""
    justification = justification.strip()
    if not reveal:
        if justification:
            raise ExportRefused("a justification is given only to reveal sealed values")
        return ""
    if not justification:
        raise ExportRefused("say why the sealed values are needed (a justification)")
    if len(justification) > MAX_JUSTIFICATION:
        raise ExportRefused(f"a justification has at most {MAX_JUSTIFICATION} characters")
    if not member_organisations(actor):
        raise ExportRefused(
            "only members of the organisation that owns the records can reveal sealed values"
        )
    return justification


@dataclass(frozen=True)
class _Audit:
    """The audit events of one export."""

    actor: Any
    export_id: str
    format: str
    filters: ExportFilters
    justification: str

    def record(self, rows: ExportRows, *, complete: bool) -> None:
        acting_for = sole_organisation(self.actor)
        codes = list(rows.tallies)
        owners = {org.code: org for org in Organisation.objects.filter(code__in=codes)}
        with transaction.atomic():
            for code, tally in sorted(rows.tallies.items()) or [("", Tally())]:
                target = Target("export", self.export_id, owners.get(code))
                self._export(acting_for, target, tally, complete)
                if tally.revealed:
                    self._reveal(owners[code], target, tally)

    def _export(
        self, acting_for: Organisation | None, target: Target, tally: Tally, complete: bool
    ) -> None:
        record(
            actor=self.actor,
            action=Action.EXPORT,
            organisation=acting_for,
            target=target,
            details={
                "format": self.format,
                "count": tally.incidents,
                "persons": tally.persons,
                "legs": tally.legs,
                "selectors": tally.selectors,
                "fields": self.filters.names(),
                "result": "complete" if complete else "failed",
            },
            justification=self.justification,
        )

    def _reveal(self, owner: Organisation, target: Target, tally: Tally) -> None:
        record(
            actor=self.actor,
            action=Action.REVEAL,
            organisation=owner,
            target=target,
            details={"format": self.format, "count": tally.revealed, "fields": REVEALED_FIELDS},
            justification=self.justification,
        )
