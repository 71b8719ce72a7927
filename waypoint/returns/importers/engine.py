"""Running a returns import: read the file, group its figures into returns, write all or none.

The file is read first, whole: its figures are grouped by questionnaire and period, one return
each, and a figure the file gives twice is reported (the file does not say which to keep). An
organisation's own file (``native``) with any row that cannot be read stops there, nothing
written; a publisher's file has such rows left out and reported.

Then, in one transaction, each return goes through the actions a person would take: a new one
is started and filled (``actions.start``, ``import_figures``); a draft is refilled; a submitted one
whose figures differ is revised (``actions.revise``, reason "imported from FILE") and refilled;
one whose figures are the file's is left "unchanged", so that importing a file again changes
nothing. A return awaiting approval with other figures is a conflict: nothing is written. With
``submit``, every draft without errors is submitted for approval by a second member. A dry run
does all of it and rolls the transaction back, so that it reports exactly what an import would.
"""

from __future__ import annotations

import csv
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from waypoint.audit.log import record
from waypoint.audit.models import Action
from waypoint.bulk.formulas import neutralise
from waypoint.bulk.mapping import Issue
from waypoint.bulk.sources import Table, open_tables
from waypoint.orgs.access import require_recorder
from waypoint.orgs.models import Organisation
from waypoint.returns import actions, importers
from waypoint.returns.actions import Entry
from waypoint.returns.importers.formats import Format, ImportedFigure, Place, ReadContext
from waypoint.returns.models import Return, ReturnValue, Status
from waypoint.returns.validation import Finding, Severity, errors

#: Figures read between two calls of the progress callback.
PROGRESS_EVERY = 2000
#: ``Return.origin`` holds at most this many characters.
ORIGIN_LENGTH = 200

Progress = Callable[[str, int, int | None], None]


class RolledBack(Exception):
    """Raised inside the transaction to undo it: a dry run, or a conflict."""


@dataclass
class ImportOptions:
    format: str = "auto"
    dry_run: bool = False
    #: Submit each return (without errors) for approval once written.
    submit: bool = False
    #: Called with the stage (``reading``, ``writing``), the count done and the expected total.
    progress: Progress | None = None


@dataclass(frozen=True)
class PlacedFinding:
    """What a check found, with the row of the file that gave the figure it is about."""

    finding: Finding
    place: Place | None

    def as_text(self) -> str:
        if self.place is None:
            return str(self.finding)
        where = self.place.file + (f", sheet {self.place.sheet}" if self.place.sheet else "")
        return f"{where}, row {self.place.row}: {self.finding}"


@dataclass
class ReturnResult:
    """What the import did with one return."""

    questionnaire: str
    period: str
    #: created, revised, replaced (a draft's figures), unchanged, or conflict.
    outcome: str
    figures: int
    version: int = 0
    status: str = ""
    public_id: str = ""
    findings: list[PlacedFinding] = field(default_factory=list)
    submitted: bool = False

    @property
    def errors(self) -> list[PlacedFinding]:
        return [f for f in self.findings if f.finding.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[PlacedFinding]:
        return [f for f in self.findings if f.finding.severity is Severity.WARNING]

    @property
    def label(self) -> str:
        return f"{self.questionnaire} {self.period}"


@dataclass
class ImportReport:
    file: str
    format: str = ""
    rows_read: int = 0
    figures_read: int = 0
    returns: list[ReturnResult] = field(default_factory=list)
    #: Rows (or cells) of a publisher's file that could not be mapped, with the reason.
    left_out: list[Issue] = field(default_factory=list)
    #: Problems that stopped the import (rows of a native file, conflicts): nothing written.
    rejected: list[Issue] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    dry_run: bool = False
    submit: bool = False
    written: bool = False
    seconds: float = 0.0

    def count(self, outcome: str) -> int:
        return sum(1 for result in self.returns if result.outcome == outcome)

    @property
    def figures_written(self) -> int:
        changed = ("created", "revised", "replaced")
        return sum(result.figures for result in self.returns if result.outcome in changed)

    @property
    def rows_left_out(self) -> int:
        return len({(issue.file, issue.sheet, issue.row) for issue in self.left_out})

    @property
    def submitted(self) -> int:
        return sum(1 for result in self.returns if result.submitted)

    @property
    def with_errors(self) -> list[ReturnResult]:
        return [result for result in self.returns if result.errors]

    def left_out_by_reason(self) -> list[tuple[str, int, Counter[str]]]:
        """(reason, rows, values) for each reason rows were left out for, most rows first; a
        figure given more than once counts under one reason, whatever its rows."""
        rows: dict[str, set[tuple[str, str, int | None]]] = defaultdict(set)
        values: dict[str, Counter[str]] = defaultdict(Counter)
        for issue in self.left_out:
            reason = _repeated_reason(issue.code) or issue.reason
            rows[reason].add((issue.file, issue.sheet, issue.row))
            if issue.code not in REPEATED:
                values[reason][issue.value] += 1
        return sorted(
            ((reason, len(found), values[reason]) for reason, found in rows.items()),
            key=lambda item: (-item[1], item[0]),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "format": self.format,
            "rows_read": self.rows_read,
            "figures_read": self.figures_read,
            "created": self.count("created"),
            "revised": self.count("revised"),
            "replaced": self.count("replaced"),
            "unchanged": self.count("unchanged"),
            "figures_written": self.figures_written,
            "rows_left_out": self.rows_left_out,
            "submitted": self.submitted,
            "dry_run": self.dry_run,
            "written": self.written,
            "seconds": round(self.seconds, 2),
            "returns": [
                {
                    "questionnaire": r.questionnaire,
                    "period": r.period,
                    "outcome": r.outcome,
                    "version": r.version,
                    "status": r.status,
                    "figures": r.figures,
                    "submitted": r.submitted,
                    "errors": [f.as_text() for f in r.errors],
                    "warnings": len(r.warnings),
                }
                for r in self.returns
            ],
            "left_out": [issue.as_dict() for issue in self.left_out],
            "rejected": [issue.as_dict() for issue in self.rejected],
            "notices": self.notices,
        }


def run_import(
    *,
    actor: Any,
    organisation: Organisation,
    path: str | Path,
    name: str | None = None,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Import a file of aggregate figures as ``organisation``'s returns; answer what happened.

    Raises ``SourceError`` when the file cannot be read as a table of a known layout and
    ``AccessDenied`` when the actor may not record for the organisation; nothing is written in
    either case.
    """
    options = options or ImportOptions()
    started = time.monotonic()
    require_recorder(actor, organisation)
    shown = name or Path(path).name
    tables = open_tables(path, name)
    fmt = importers.detect(tables) if options.format == "auto" else importers.get(options.format)
    report = ImportReport(
        file=shown, format=fmt.name, dry_run=options.dry_run, submit=options.submit
    )
    report.notices += [f"{table.file}: {note}" for table in tables for note in table.notes]
    context = ReadContext()
    expected = sum(table.size_hint or 0 for table in tables) or None
    returns = _read(fmt, tables, context, report, options.progress, expected)
    report.notices += context.notices
    report.rows_read = context.rows
    planned = _planned(returns, fmt, report, context)
    if not report.rejected:
        try:
            with transaction.atomic():
                _Writer(actor, organisation, shown, options, report, context).write(planned)
                if options.dry_run or report.rejected:
                    raise RolledBack
                report.written = True
        except RolledBack:
            pass
    report.seconds = time.monotonic() - started
    return report


#: Figures by return (questionnaire, period), then by figure (indicator, key).
Grouped = dict[tuple[str, str], dict[tuple[str, str], list[ImportedFigure]]]


def _read(
    fmt: Format,
    tables: list[Table],
    context: ReadContext,
    report: ImportReport,
    progress: Progress | None,
    expected: int | None,
) -> Grouped:
    returns: Grouped = defaultdict(lambda: defaultdict(list))
    problems = report.left_out if fmt.leaves_out else report.rejected
    for item in fmt.read(tables, context):
        if isinstance(item, Issue):
            problems.append(item)
            continue
        key = ReturnValue.key_of(item.categories)
        returns[(item.questionnaire, item.period)][(item.indicator, key)].append(item)
        report.figures_read += 1
        if progress and report.figures_read % PROGRESS_EVERY == 0:
            progress("reading", context.rows, expected)
    if progress:
        progress("reading", context.rows, context.rows)
    return returns


def _planned(
    returns: Grouped, fmt: Format, report: ImportReport, context: ReadContext
) -> dict[tuple[str, str], dict[tuple[str, str], ImportedFigure]]:
    """One figure per indicator and categories in each return; a figure the file gives more
    than once is reported on each of its rows (left out, or rejected for a native file)."""
    problems = report.left_out if fmt.leaves_out else report.rejected
    planned = {}
    for (questionnaire, period), figures in sorted(returns.items()):
        if questionnaire not in context.questionnaires:
            problems.append(_missing_questionnaire(questionnaire, figures))
            continue
        kept = {}
        for key, given in figures.items():
            if len(given) == 1:
                kept[key] = given[0]
            else:
                problems += _repeated(given, fmt.leaves_out)
        planned[(questionnaire, period)] = kept
    return planned


#: Issue codes of a figure the file gives more than once: with different values, the same one.
REPEATED = ("repeated_figure", "repeated_same_figure")


def _repeated(given: list[ImportedFigure], leaves_out: bool) -> list[Issue]:
    rows = ", ".join(str(figure.place.row) for figure in given)
    same = len({(f.value, f.censored_below) for f in given}) == 1
    code = REPEATED[1] if same else REPEATED[0]
    if leaves_out:
        reason = _repeated_reason(code) + " " + _("Rows %(rows)s.") % {"rows": rows}
    else:
        reason = _("The same figure is given %(count)d times (rows %(rows)s).") % {
            "count": len(given),
            "rows": rows,
        }
    return [
        Issue(
            file=figure.place.file,
            sheet=figure.place.sheet,
            row=figure.place.row,
            column=figure.place.column,
            value=_shown(figure),
            reason=reason,
            code=code,
            reference=f"{figure.indicator} [{ReturnValue.key_of(figure.categories)}]",
        )
        for figure in given
    ]


def _repeated_reason(code: str) -> str:
    if code == REPEATED[0]:
        return _(
            "The file gives the same figure more than once, with different values: it is left "
            "out rather than one value chosen."
        )
    if code == REPEATED[1]:
        return _(
            "The file gives the same figure more than once, with the same value: it does not say "
            "whether they are one figure or parts of it, so it is left out."
        )
    return ""


def _shown(figure: ImportedFigure) -> str:
    if figure.value is not None:
        return f"{figure.value}"
    return f"<{figure.censored_below}" if figure.censored_below else ""


def _missing_questionnaire(
    questionnaire: str, figures: dict[tuple[str, str], list[ImportedFigure]]
) -> Issue:
    first = next(iter(figures.values()))[0]
    return Issue(
        file=first.place.file,
        sheet=first.place.sheet,
        row=None,
        column="",
        value=questionnaire,
        reason=_("The questionnaire %(code)s is not in the catalogue.") % {"code": questionnaire},
        code="questionnaire",
    )


class _Writer:
    def __init__(
        self,
        actor: Any,
        organisation: Organisation,
        file: str,
        options: ImportOptions,
        report: ImportReport,
        context: ReadContext,
    ) -> None:
        self.actor, self.organisation, self.file = actor, organisation, file
        self.options, self.report, self.context = options, report, context
        self.origin = f"imported:{file}"[:ORIGIN_LENGTH]
        self.indicators = context.indicators

    def write(self, planned: dict[tuple[str, str], dict[tuple[str, str], ImportedFigure]]) -> None:
        latest = self._latest(planned)
        for number, ((questionnaire, period), figures) in enumerate(planned.items(), start=1):
            result = self._one(questionnaire, period, figures, latest.get((questionnaire, period)))
            self.report.returns.append(result)
            if self.options.progress:
                self.options.progress("writing", number, len(planned))
        self._audit()

    def _latest(self, planned: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Return]:
        """The latest version of each of the organisation's returns the file gives."""
        wanted = set(planned)
        versions = Return.objects.filter(
            organisation=self.organisation,
            questionnaire__code__in={q for q, _p in wanted},
            period__in={p for _q, p in wanted},
        ).select_related("questionnaire")
        latest: dict[tuple[str, str], Return] = {}
        for ret in versions.order_by("version"):
            latest[(ret.questionnaire.code, ret.period)] = ret
        return {key: ret for key, ret in latest.items() if key in wanted}

    def _one(
        self,
        questionnaire: str,
        period: str,
        figures: dict[tuple[str, str], ImportedFigure],
        latest: Return | None,
    ) -> ReturnResult:
        entries = [_entry(figure) for figure in figures.values()]
        outcome, ret, found = self._apply(questionnaire, period, entries, figures, latest)
        result = ReturnResult(questionnaire, period, outcome, len(figures))
        result.findings = _placed(found, figures)
        if self.options.submit and ret.status == Status.DRAFT and not errors(found):
            actions.submit(actor=self.actor, ret=ret)
            ret.status, result.submitted = Status.AWAITING_APPROVAL, True
        result.version, result.status, result.public_id = (
            ret.version,
            ret.status,
            str(ret.public_id),
        )
        return result

    def _apply(
        self,
        questionnaire: str,
        period: str,
        entries: list[Entry],
        figures: dict[tuple[str, str], ImportedFigure],
        latest: Return | None,
    ) -> tuple[str, Return, list[Finding]]:
        """What becomes of the return (its outcome, the version that holds the file's figures,
        and what the checks find in them)."""
        if latest is None:
            ret = actions.start(
                actor=self.actor,
                organisation=self.organisation,
                questionnaire=self.context.questionnaires[questionnaire],
                period=period,
                origin=self.origin,
            )
            return "created", ret, self._fill(ret, entries)
        if _same(latest, figures):
            if latest.status != Status.DRAFT:
                return "unchanged", latest, []
            return "unchanged", latest, actions.findings_for(latest, entries, self.indicators)
        if latest.status == Status.AWAITING_APPROVAL:
            self.report.rejected.append(self._conflict(latest))
            return "conflict", latest, []
        if latest.status == Status.SUBMITTED:
            reason = _("imported from %(file)s") % {"file": self.file}
            revision = actions.revise(actor=self.actor, ret=latest, reason=reason)
            return "revised", revision, self._fill(revision, entries)
        return "replaced", latest, self._fill(latest, entries)

    def _fill(self, ret: Return, entries: list[Entry]) -> list[Finding]:
        return actions.import_figures(
            actor=self.actor, ret=ret, entries=entries, origin=self.origin
        )

    def _conflict(self, ret: Return) -> Issue:
        return Issue(
            file=self.file,
            sheet="",
            row=None,
            column="",
            value=f"{ret.questionnaire.code} {ret.period}",
            reason=_(
                "Version %(version)d of the return for %(period)s awaits approval with other "
                "figures: approve it or send it back, then import again."
            )
            % {"version": ret.version, "period": ret.period},
            code="awaiting_approval",
        )

    def _audit(self) -> None:
        report = self.report
        created, unchanged = report.count("created"), report.count("unchanged")
        updated = report.count("revised") + report.count("replaced")
        if not (created or updated) or report.rejected:
            return
        record(
            actor=self.actor,
            action=Action.IMPORT,
            organisation=self.organisation,
            details={
                "format": report.format,
                "table": "returns",
                "created": created,
                "updated": updated,
                "unchanged": unchanged,
                "rejected": report.rows_left_out,
                "count": report.figures_written,
                "dry_run": report.dry_run,
            },
        )


def _entry(figure: ImportedFigure) -> Entry:
    return Entry(
        figure.indicator, figure.categories, figure.value, figure.censored_below, note=figure.note
    )


def _same(ret: Return, figures: dict[tuple[str, str], ImportedFigure]) -> bool:
    """Whether the return holds exactly the file's figures (values, bounds and notes)."""
    held = {
        (code, key): (value, censored, note)
        for code, key, value, censored, note in ReturnValue.objects.filter(
            of_return=ret
        ).values_list("indicator__code", "key", "value", "censored_below", "note")
    }
    given = {key: (f.value, f.censored_below, f.note) for key, f in figures.items()}
    return held == given


def _placed(
    found: list[Finding], figures: dict[tuple[str, str], ImportedFigure]
) -> list[PlacedFinding]:
    placed = []
    for finding in found:
        figure = figures.get((finding.indicator, finding.key))
        placed.append(PlacedFinding(finding, figure.place if figure else None))
    return placed


# The report file ---------------------------------------------------------------------------

REPORT_COLUMNS = (
    "kind",
    "file",
    "sheet",
    "row",
    "column",
    "value",
    "reason",
    "accepted",
    "code",
    "return",
    "figure",
)


def write_report(report: ImportReport, path: Path) -> None:
    """Every row left out or rejected and every finding about the returns, as CSV."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(REPORT_COLUMNS)
        for kind, issues in (("left_out", report.left_out), ("rejected", report.rejected)):
            for issue in issues:
                writer.writerow(_cells(kind, issue.as_dict()))
        for result in report.returns:
            for placed in result.findings:
                writer.writerow(_cells(placed.finding.severity.value, _finding_row(result, placed)))


def _finding_row(result: ReturnResult, placed: PlacedFinding) -> dict[str, Any]:
    place, finding = placed.place, placed.finding
    return {
        "file": place.file if place else "",
        "sheet": place.sheet if place else "",
        "row": place.row if place else "",
        "column": place.column if place else "",
        "reason": finding.message,
        "code": finding.code,
        "return": result.label,
        "reference": f"{finding.indicator} [{finding.key}]" if finding.indicator else "",
    }


def _cells(kind: str, values: dict[str, Any]) -> list[Any]:
    values = {**values, "kind": kind, "figure": values.get("reference", "")}
    return [neutralise("" if values.get(c) is None else values.get(c, "")) for c in REPORT_COLUMNS]
