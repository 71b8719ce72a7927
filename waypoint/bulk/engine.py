"""Running an import: read, validate, and write everything or nothing.

The whole import is one database transaction. Records are read, validated and written in
batches, so memory holds a batch, not the file; if any record is rejected (and the user did not
ask for ``accept_valid``), or this is a dry run, the transaction is rolled back at the end and the
database is exactly as before. A killed process, a full disk or a lost connection ends the
transaction the same way: the database never sees a half import.

A record's reference (unique within the owner) decides what happens to it: a new reference is
created; a known one whose content is unchanged (same keyed fingerprint as when last imported)
is left alone; a known one with new content is updated in place.
"""

from __future__ import annotations

import csv
import datetime
import functools
import gc
import itertools
import operator
import re
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from waypoint.analytics import summary_triggers
from waypoint.audit.log import record as audit
from waypoint.audit.models import Action
from waypoint.bulk import importers
from waypoint.bulk.formats import Format, ReadContext
from waypoint.bulk.formulas import neutralise
from waypoint.bulk.mapping import Issue, SourceRecord, text_of
from waypoint.bulk.models import ImportedRecord, ImportJob
from waypoint.bulk.sources import SourceError, open_tables
from waypoint.cases import instances, writing
from waypoint.cases.models import (
    Incident,
    Label,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Selector,
    Victimisation,
)
from waypoint.cases.validation import IncidentDraft, PersonDraft, StageStep, validate
from waypoint.orgs.access import require_recorder
from waypoint.orgs.models import Organisation
from waypoint.vault import crypto, keys

BATCH = 500
T = TypeVar("T")
#: Problems kept in memory and in the job row; the CSV report has them all.
ERRORS_KEPT = 1000
#: The label that names the importer among the users who may see a record (an enum member is
#: slow to look up for every record).
_AMBER_STRICT = Label.AMBER_STRICT.value
#: Fields of an incident an import does not change on an existing record.
KEPT_ON_UPDATE = frozenset(
    {"id", "public_id", "owner", "created_by", "created_at", "updated_at", "label", "status"}
)


class RolledBack(Exception):
    """Raised inside the transaction to undo it: a dry run, or rows were rejected."""


@dataclass
class ImportReport:
    format: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rows_read: int = 0
    error_count: int = 0
    errors: list[Issue] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    dry_run: bool = False
    #: Whether anything was written (false for a dry run and for a rejected import).
    written: bool = False
    #: With accept_valid: the file the rejected rows were written to, if any.
    rejected_file: str = ""

    @property
    def accepted(self) -> int:
        return self.created + self.updated + self.unchanged

    def add_problem(self, issue: Issue) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append(issue)

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "rows_read": self.rows_read,
            "dry_run": self.dry_run,
            "written": self.written,
            "error_count": self.error_count,
            "errors": [issue.as_dict() for issue in self.errors],
            "notices": self.notices,
            "rejected_file": self.rejected_file,
        }


@dataclass
class ImportOptions:
    format: str = "auto"
    label: str | None = None
    dry_run: bool = False
    accept_valid: bool = False
    #: Where to write every problem as CSV (the downloadable report).
    report_path: Path | None = None
    #: With accept_valid: where to write the rejected rows with their reasons, to fix and re-import.
    rejected_path: Path | None = None
    #: Called with the number of rows read so far and the expected total (or None).
    progress: Callable[[int, int | None], None] | None = None
    job: ImportJob | None = None


def run_import(
    *,
    actor: Any,
    organisation: Organisation,
    path: str | Path,
    name: str | None = None,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Import a file for ``organisation``; answer what happened.

    Raises ``SourceError`` when the file cannot be read as a table at all and ``AccessDenied``
    when the actor may not record for the organisation; nothing is written in either case.
    """
    options = options or ImportOptions()
    require_recorder(actor, organisation)
    if options.label and options.label not in Label.values:
        raise SourceError(name or str(path), f"unknown sharing label {options.label!r}")
    tables = open_tables(path, name)
    fmt = importers.detect(tables) if options.format == "auto" else importers.get(options.format)
    report = ImportReport(format=fmt.name, dry_run=options.dry_run)
    for table in tables:
        report.notices += [f"{table.file}: {note}" for note in table.notes]
    context = ReadContext(label=options.label or Label.RED)
    expected = sum(table.size_hint or 0 for table in tables) or None
    run = _Run(actor, organisation, options, report, expected)
    try:
        with (
            transaction.atomic(),
            run.outputs(),
            connection.cursor() as cursor,
            writing.larger_cache(cursor),
            writing.without_cycle_collection(),
            summary_triggers.set_aside([organisation.pk]),
        ):
            run.process(fmt, tables, context)
            report.notices += context.notices
            if options.dry_run or (report.rejected and not options.accept_valid):
                raise RolledBack
            run.finish(fmt)
            report.written = True
    except RolledBack:
        report.written = False
    return report


class _Run:
    def __init__(
        self,
        actor: Any,
        organisation: Organisation,
        options: ImportOptions,
        report: ImportReport,
        expected: int | None,
    ) -> None:
        self.actor, self.organisation, self.options, self.report = (
            actor,
            organisation,
            options,
            report,
        )
        self.expected = expected
        self.actor_id, self.organisation_id = actor.pk, organisation.pk
        self.seen: dict[str, int] = {}
        self.index_key = keys.index_key()
        self.now = timezone.now()
        self.writer: _Writer | None = None
        self.report_out: _ReportWriter | None = None
        self.rejected_out: _RejectedRows | None = None

    def outputs(self) -> Any:
        return _Outputs(self)

    def process(self, fmt: Format, tables: list[Any], context: ReadContext) -> None:
        def prepared() -> Iterator[_Prepared | _Notices]:
            for record in fmt.read(tables, context):
                yield self._prepare(record)
            yield _Notices(context.notices)

        for number, batch in enumerate(_batched(prepared(), BATCH), start=1):
            valid = [
                item
                for item in batch
                if self._accept(item, context) and isinstance(item, _Prepared)
            ]
            self._store(valid)
            del batch, valid
            if number % 20 == 0:
                # The cycle collector is paused: its passes over every live object took about a
                # third of the time. Records make few cycles (a rejection's traceback), which
                # are collected from time to time with the young objects they belong to.
                gc.collect(1)
            if self.options.progress:
                self.options.progress(self.report.rows_read, self.expected)

    def _prepare(self, record: SourceRecord) -> _Prepared:
        """Check a record and, when it passes, turn it into the rows to write."""
        issues = list(record.issues)
        first_row = self.seen.get(record.reference)
        if first_row is not None and not issues:
            issues.append(_duplicate(record, first_row))
        elif record.reference:
            self.seen[record.reference] = record.rows[0].number if record.rows else 0
        if record.draft is not None:
            # Validated without the owner: the reference is known to the owner when this is
            # an update, which the uniqueness rule would reject.
            issues += _follow_up(record, issues, validate(record.draft))
        if not issues and record.draft is None:
            issues.append(_unreadable(record))
        if issues:
            return _Prepared(record.reference, len(record.rows), issues, rows=record.rows)
        assert record.draft is not None
        rows = _as_record(record.draft, self.actor_id, self.organisation_id, self.now)
        return _Prepared(
            record.reference,
            len(record.rows),
            issues,
            record=rows,
            fingerprint=_fingerprint(rows, record.draft, self.index_key),
            person_keys=record.person_keys,
            incident_fields=record.incident_fields,
        )

    def _accept(self, item: _Prepared | _Notices, context: ReadContext) -> bool:
        if isinstance(item, _Notices):
            # What the reader noticed (extra columns…), from whichever process read.
            context.notices[:] = item.notices
            return False
        self.report.rows_read += item.rows_read
        if item.issues:
            self._reject(item, item.issues)
            return False
        return True

    def _reject(self, record: _Prepared, issues: list[Issue]) -> None:
        self.report.rejected += 1
        for issue in issues:
            self.report.add_problem(issue)
            if self.report_out:
                self.report_out.write(issue)
        if self.rejected_out:
            self.rejected_out.write(record, issues)

    def _store(self, records: list[_Prepared]) -> None:
        if not records:
            return
        existing = _existing(self.organisation, [record.reference for record in records])
        writing_now = not self.options.dry_run and (
            self.options.accept_valid or not self.report.rejected
        )
        for record in records:
            assert record.record is not None
            known = existing.get(record.reference)
            if known is None:
                self.report.created += 1
                if writing_now:
                    self._writer().create(record.record, record.fingerprint)
            elif known[1] == record.fingerprint:
                self.report.unchanged += 1
            else:
                self.report.updated += 1
                if writing_now:
                    self._writer().update(known[0], record)
        if self.writer and writing_now:
            self.writer.flush()

    def _writer(self) -> _Writer:
        if self.writer is None:
            self.writer = _Writer(self.actor, self.organisation, self.options.job)
        return self.writer

    def finish(self, fmt: Format) -> None:
        if self.writer:
            self.writer.close()
        report = self.report
        if not (report.created or report.updated):
            # Every record was unchanged or rejected: nothing was written, so nothing happened
            # to record.
            return
        audit(
            actor=self.actor,
            action=Action.IMPORT,
            organisation=self.organisation,
            target=None,
            details={
                "format": fmt.name,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "rejected": report.rejected,
                "dry_run": report.dry_run,
                **({"job": str(self.options.job.public_id)} if self.options.job else {}),
            },
        )


@dataclass(slots=True)
class _Prepared:
    """A record read and checked: its problems, or the rows to write and their fingerprint."""

    reference: str
    rows_read: int
    issues: list[Issue]
    #: The rows as read, kept for the rejected-rows file when the record is rejected.
    rows: list[Any] = field(default_factory=list)
    record: writing.IncidentRecord | None = None
    fingerprint: str = ""
    person_keys: list[str] = field(default_factory=list)
    incident_fields: frozenset[str] | None = None


@dataclass(slots=True)
class _Notices:
    notices: list[str]


class _Outputs:
    """Open the report and rejected-rows files for the run and close them however it ends."""

    def __init__(self, run: _Run) -> None:
        self.run = run

    def __enter__(self) -> None:
        options = self.run.options
        if options.report_path:
            self.run.report_out = _ReportWriter(options.report_path)
        if options.rejected_path and options.accept_valid:
            self.run.rejected_out = _RejectedRows(options.rejected_path)

    def __exit__(self, *exc: object) -> None:
        for output in (self.run.report_out, self.run.rejected_out):
            if output:
                output.close()
        rejected = self.run.rejected_out
        if rejected and rejected.written_to:
            self.run.report.rejected_file = str(rejected.written_to)


def _batched(records: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(records)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


#: Rules that read the incident's kinds or a person's role besides the value they name.
RULES_ACROSS_PARTS = frozenset(
    {
        "role_kind_mismatch",
        "victimisation_for_role",
        "offender_for_role",
        "exploitation_outside_trafficking",
        "identification_for_role",
    }
)


def _follow_up(record: SourceRecord, rejected: list[Issue], problems: list[Any]) -> list[Issue]:
    """The rules a record breaks, besides the cells already rejected, so that one report names
    every problem of the file.

    A rejected cell leaves its value out of the draft. What the rules then say about that value
    (blank, missing) is about the same cell and is left out; so are a rule about the record as a
    whole and a rule that reads the kinds or a role, which may only follow from the value left
    out.
    """
    issues = [_issue_for(record, problem) for problem in problems]
    if not rejected:
        return issues
    cells = {(issue.file, issue.sheet, issue.row, issue.column) for issue in rejected}
    return [
        issue
        for issue, problem in zip(issues, problems, strict=True)
        if record.locate(problem.path) is not None
        and (issue.file, issue.sheet, issue.row, issue.column) not in cells
        and problem.code not in RULES_ACROSS_PARTS
    ]


def _issue_for(record: SourceRecord, problem: Any) -> Issue:
    cell = record.locate(problem.path)
    first = record.rows[0] if record.rows else None
    return Issue(
        file=cell.file if cell else (first.file if first else ""),
        sheet=cell.sheet if cell else (first.sheet if first else ""),
        row=cell.row if cell else (first.number if first else None),
        column=cell.column if cell else problem.path,
        value=cell.value if cell else "",
        reason=problem.message,
        accepted=_accepted_from(problem.message),
        code=problem.code,
        reference=record.reference,
    )


def _accepted_from(message: str) -> str:
    """The suggestions a field's own message gives ("did you mean ITA, ITL?")."""
    marker = "did you mean "
    if marker in message:
        return message.split(marker, 1)[1].rstrip("?").strip()
    if "allowed: " in message:
        return message.split("allowed: ", 1)[1].rstrip(".").strip()
    return ""


def _duplicate(record: SourceRecord, first_row: int) -> Issue:
    row = record.rows[0] if record.rows else None
    return Issue(
        file=row.file if row else "",
        sheet=row.sheet if row else "",
        row=row.number if row else None,
        column="reference",
        value=record.reference,
        reason=_("The reference is used twice in the file (first on row %(row)s).")
        % {"row": first_row},
        accepted=_("a reference unique within the file"),
        code="duplicate_reference",
        reference=record.reference,
    )


def _unreadable(record: SourceRecord) -> Issue:
    row = record.rows[0] if record.rows else None
    return Issue(
        file=row.file if row else "",
        sheet=row.sheet if row else "",
        row=row.number if row else None,
        column="",
        value="",
        reason=_("The row could not be read as an incident."),
        reference=record.reference,
    )


def _existing(organisation: Organisation, references: list[str]) -> dict[str, tuple[int, str]]:
    """Reference → (incident id, fingerprint of its last import) for references already used.

    An import writes for its own organisation, and a reference is unique within it whoever may
    see the record, so this look-up is by owner rather than through the visibility rule. It is
    plain SQL: the ORM prepared each of a batch's references one by one, which cost more than
    the query itself.
    """
    with connection.cursor() as cursor:
        cursor.execute(_existing_sql(len(references)), [organisation.pk, *references])
        rows = cursor.fetchall()
    return {reference: (pk, fingerprint or "") for reference, pk, fingerprint in rows}


@functools.lru_cache(maxsize=8)
def _existing_sql(count: int) -> str:
    def column(model: type[models.Model], name: str) -> str:
        columns = {field.name: str(field.column) for field in model._meta.concrete_fields}
        return connection.ops.quote_name(columns[name])

    incidents = connection.ops.quote_name(Incident._meta.db_table)
    records = connection.ops.quote_name(ImportedRecord._meta.db_table)
    reference, incident_id = column(Incident, "reference"), column(Incident, "id")
    marks = ", ".join(["%s"] * count)
    return (
        f"SELECT i.{reference}, i.{incident_id}, r.{column(ImportedRecord, 'fingerprint')} "
        f"FROM {incidents} i LEFT OUTER JOIN {records} r "
        f"ON r.{column(ImportedRecord, 'incident')} = i.{incident_id} "
        f"WHERE i.{column(Incident, 'owner')} = %s AND i.{reference} IN ({marks})"
    )


# Fingerprints -------------------------------------------------------------------------------

#: What a fingerprint leaves out: links and ids, which the database gives.
SKIPPED = frozenset(
    {"id", "public_id", "incident_id", "person_id", "offender_id", "owner_id", "created_by_id"}
)
SKIPPED |= {"value_index", "created_at", "updated_at", "status"}
#: What an import never changes on a known record is not part of what it compares either: the
#: same file imported with another ``--label`` for new records leaves known ones unchanged.
SKIPPED |= {"label"}


def _fingerprint(rows: writing.IncidentRecord, draft: IncidentDraft, index_key: bytes) -> str:
    """A keyed hash of everything the file says about the incident: every value but links, ids
    and what an import never changes, in the models' field order."""
    compared = _compared()
    person, identifier = compared[Person], compared[PersonIdentifier]
    victimisation, offender = compared[Victimisation], compared[OffenderRecord]
    content = (
        compared[Incident](rows.incident),
        [
            (
                person(row.person),
                [identifier(each) for each in row.identifiers] if row.identifiers else [],
                row.victimisation and victimisation(row.victimisation),
                row.offender and offender(row.offender),
                [(step.stage, step.effective_on, step.note) for step in person_draft.stages]
                if person_draft.stages
                else [],
            )
            for row, person_draft in zip(rows.persons, draft.persons, strict=True)
        ],
        [compared[RouteLeg](leg) for leg in rows.legs],
        [(compared[Selector](row), index) for row, index in rows.selectors],
    )
    # The repr of codes, numbers, dates and lists of them is canonical, and far cheaper than
    # JSON with sorted keys.
    return crypto.blind_index(index_key, "import-fingerprint/2", repr(content))


@functools.cache
def _compared() -> dict[type[models.Model], Callable[[dict[str, Any]], tuple[Any, ...]]]:
    """Per model, what its fingerprint compares of a row, in field order."""
    return {model: _compared_values(model) for model in FINGERPRINTED}


def _compared_values(model: type[models.Model]) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    names = [name for name in _attnames(model) if name not in SKIPPED]
    assert len(names) > 1, model  # itemgetter of one name answers a value, not a tuple
    return operator.itemgetter(*names)


#: The models whose rows an import fingerprints.
FINGERPRINTED = (
    Incident,
    Person,
    PersonIdentifier,
    Victimisation,
    OffenderRecord,
    RouteLeg,
    Selector,
)


# Writing ------------------------------------------------------------------------------------


class _Writer:
    """New incidents go through the bulk writer; changed ones are updated in place."""

    def __init__(self, actor: Any, organisation: Organisation, job: ImportJob | None) -> None:
        self.actor, self.organisation, self.job = actor, organisation, job
        self.sealer = writing.BulkSealer()
        self.tables = {model: writing.Table(model, self.sealer) for model in writing.MODELS}
        self.fingerprints: list[tuple[int, str, int | None]] = []
        self.strict: list[tuple[int, int]] = []
        self.job_id = job.pk if job else None
        self.cursor = connection.cursor()

    def create(self, record: writing.IncidentRecord, fingerprint: str) -> None:
        incident_id = writing.add_record(record, self.tables)
        self.fingerprints.append((incident_id, fingerprint, self.job_id))
        if record.incident["label"] == _AMBER_STRICT:
            self.strict.append((incident_id, self.actor.pk))

    def update(self, incident_id: int, source: _Prepared) -> None:
        """Change the incident's fields the file gives (a file without a column leaves that
        field as it was: an export without sealed values does not erase them) and replace the
        rows beneath it with the file's."""
        self.flush()
        record = source.record
        assert record is not None
        incident = Incident.objects.get(pk=incident_id)
        given = source.incident_fields
        for model_field in Incident._meta.concrete_fields:
            if model_field.name in KEPT_ON_UPDATE or (
                given is not None and model_field.name not in given
            ):
                continue
            setattr(incident, model_field.attname, record.incident[model_field.attname])
        incident.save()
        _keep_person_ids(incident, record, source.person_keys)
        incident.persons.all().delete()
        RouteLeg.objects.filter(incident=incident).delete()
        Selector.objects.filter(incident=incident).delete()
        writing.add_record(record, self.tables, incident_id=incident_id)
        ImportedRecord.objects.update_or_create(
            incident_id=incident_id,
            defaults={"fingerprint": source.fingerprint, "job": self.job},
        )

    def flush(self) -> None:
        writing.flush_tables(self.tables, self.cursor)
        if self.fingerprints:
            self.cursor.executemany(_fingerprint_sql(), self.fingerprints)
            self.fingerprints = []
        if self.strict:
            self.cursor.executemany(_named_user_sql(), self.strict)
            self.strict = []

    def close(self) -> None:
        self.flush()
        self.cursor.close()


@functools.cache
def _fingerprint_sql() -> str:
    # Worked out once the database (and its quoting) is known.
    return _insert(ImportedRecord, ["incident_id", "fingerprint", "job_id"])


@functools.cache
def _named_user_sql() -> str:
    return _insert(Incident.named_users.through, ["incident_id", "user_id"])


def _insert(model: type[models.Model], attnames: list[str]) -> str:
    quote = connection.ops.quote_name
    fields = {field.attname: str(field.column) for field in model._meta.concrete_fields}
    columns = ", ".join(quote(fields[attname]) for attname in attnames)
    marks = ", ".join(["%s"] * len(attnames))
    return f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"


def _keep_person_ids(
    incident: Incident, record: writing.IncidentRecord, person_keys: list[str]
) -> None:
    """Persons the file names by their public id (``person_ref``, as an export writes it) keep
    it when their incident is rewritten, so that links to them stay valid."""
    known = set(incident.persons.values_list("public_id", flat=True))
    for person, key in zip(record.persons, person_keys, strict=False):
        try:
            public_id = uuid.UUID(key.strip())
        except ValueError:
            continue
        if public_id in known:
            known.discard(public_id)
            person.person["public_id"] = public_id


def _as_record(
    draft: IncidentDraft, actor_id: int, owner_id: int, now: datetime.datetime
) -> writing.IncidentRecord:
    incident = _row(draft.incident)
    incident.update(owner_id=owner_id, created_by_id=actor_id, created_at=now, updated_at=now)
    history = [
        {
            "public_id": instances.uuid4(),
            "from_status": "",
            "to_status": draft.incident.status,
            "actor_id": actor_id,
            "at": now,
            "reason": "",
        }
    ]
    persons = [_person_record(person, actor_id, now) for person in draft.persons]
    selectors = [(_row(s.selector), s.person_index) for s in draft.selectors]
    return writing.IncidentRecord(
        incident=incident,
        history=history,
        persons=persons,
        legs=[_row(leg) for leg in draft.legs],
        selectors=selectors,
    )


def _person_record(
    draft: PersonDraft, actor_id: int, now: datetime.datetime
) -> writing.PersonRecord:
    stages = []
    if draft.offender is not None:
        previous = ""
        for step in draft.stages or [StageStep(draft.offender.stage)]:
            stages.append(
                {
                    "public_id": instances.uuid4(),
                    "from_stage": previous,
                    "to_stage": step.stage,
                    "effective_on": step.effective_on,
                    "actor_id": actor_id,
                    "recorded_at": now,
                    "note": step.note,
                }
            )
            previous = step.stage
    return writing.PersonRecord(
        person=_row(draft.person),
        identifiers=[_row(identifier) for identifier in draft.identifiers],
        victimisation=_row(draft.victimisation) if draft.victimisation else None,
        offender=_row(draft.offender) if draft.offender else None,
        stages=stages,
    )


def _row(instance: models.Model) -> dict[str, Any]:
    """The instance's attributes, as the row to write.

    Every concrete field's attname is among them (``Model()`` and ``instances.build`` set them
    all), and the writer and the fingerprint read only those: the draft is not used again, so
    its attributes serve as the row rather than a copy made for each of a file's rows.
    """
    return instance.__dict__


@functools.cache
def _attnames(model: type[models.Model]) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


# Reports ------------------------------------------------------------------------------------

#: A plain number, such as a negative longitude.
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
REPORT_COLUMNS = (
    "file",
    "sheet",
    "row",
    "column",
    "value",
    "reason",
    "accepted",
    "code",
    "reference",
)


class _ReportWriter:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.handle = path.open("w", newline="", encoding="utf-8-sig")
        self.writer = csv.writer(self.handle)
        self.writer.writerow(REPORT_COLUMNS)

    def write(self, issue: Issue) -> None:
        values = issue.as_dict()
        self.writer.writerow([_safe(values[column]) for column in REPORT_COLUMNS])

    def close(self) -> None:
        self.handle.close()


class _RejectedRows:
    """The rejected rows as they were in the file, with an ``errors`` column, to fix and import
    again: one CSV for a one-table file; for a workbook or archive with several tables (the
    native ``legs``), a ZIP of one CSV per table, which the importer reads as it is. Nothing is
    written when no row is rejected."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder = tempfile.TemporaryDirectory(prefix="waypoint-rejected-")
        self.tables: dict[str, tuple[Any, csv.DictWriter[str]]] = {}
        #: Where the rows went, once closed (None when nothing was rejected).
        self.written_to: Path | None = None

    def write(self, record: _Prepared, issues: list[Issue]) -> None:
        for row in record.rows:
            reasons = [issue for issue in issues if issue.row in (row.number, None)] or issues
            values = {key: text_of(value) for key, value in row.values.items()}
            values["errors"] = " | ".join(
                f"{issue.column}: {issue.reason}"
                + (f" (accepted: {issue.accepted})" if issue.accepted else "")
                for issue in reasons
            )
            writer = self._writer(_table_name(row), values)
            writer.writerow({key: _safe(value) for key, value in values.items()})

    def _writer(self, table: str, values: dict[str, str]) -> csv.DictWriter[str]:
        if table not in self.tables:
            handle = (Path(self.folder.name) / f"{table}.csv").open(
                "w", newline="", encoding="utf-8-sig"
            )
            writer = csv.DictWriter(handle, fieldnames=list(values), extrasaction="ignore")
            writer.writeheader()
            self.tables[table] = (handle, writer)
        return self.tables[table][1]

    def close(self) -> None:
        for handle, _writer in self.tables.values():
            handle.close()
        files = sorted(Path(self.folder.name).glob("*.csv"))
        if len(files) == 1:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(files[0], self.path)
            self.written_to = self.path
        elif files:
            self.written_to = self.path.with_suffix(".zip")
            with zipfile.ZipFile(self.written_to, "w", zipfile.ZIP_DEFLATED) as archive:
                for file in files:
                    archive.write(file, file.name)
        self.folder.cleanup()


def _table_name(row: Any) -> str:
    """The table a row came from: its sheet, or the CSV file's name (a ZIP member's too)."""
    if row.sheet:
        return re.sub(r"[^\w-]+", "_", row.sheet)
    return Path(row.file.rsplit(":", 1)[-1]).stem or "rows"


def _safe(value: Any) -> Any:
    """Keep a spreadsheet from running a value of the report as a formula.

    The exporters' quoting, which the importer takes off text again, so that the rejected rows
    import again as they were. A number is left as it is, as the exporters leave it: a
    spreadsheet reads ``-1.29`` as a number, and the importer reads a number column as written.
    """
    text = "" if value is None else str(value)
    return text if _NUMBER.fullmatch(text) else neutralise(text)
