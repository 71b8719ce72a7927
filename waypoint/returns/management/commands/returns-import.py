"""``waypoint returns-import FILE --org CODE --user USERNAME [--format …] [--dry-run] [--submit]``

Imports aggregate figures as the organisation's returns, all of the file or nothing.

Exit status: 0 when the file was imported as asked (or would be, on a dry run); 1 when nothing
was written (rows of a native file rejected, a return awaiting approval with other figures) or
when ``--submit`` left returns with errors as drafts; 2 on a usage error (unknown organisation
or user, unreadable file, no right to record).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from waypoint.bulk import commandline
from waypoint.bulk.commandline import Progress, UsageError
from waypoint.returns import importers
from waypoint.returns.importers.engine import (
    ImportOptions,
    ImportReport,
    run_import,
    write_report,
)

#: Rows left out or rejected printed one by one; the --report CSV has them all.
SHOWN = 50
#: Findings printed per return.
SHOWN_FINDINGS = 10
#: Values printed beside a reason rows were left out for.
SHOWN_VALUES = 8


class Command(BaseCommand):
    help = (
        "Import aggregate returns from a CSV or XLSX file (native, UNODC GLOTIP or Frontex "
        "layout); all of the file or nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        commandline.add_common_arguments(
            parser, owner_help="code of the organisation whose returns these are"
        )
        parser.add_argument("--format", default="auto", choices=("auto", *importers.NAMES))
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument(
            "--submit",
            action="store_true",
            help="submit each return without errors for approval by a second member",
        )
        parser.add_argument(
            "--report", type=Path, help="write every row left out and every finding to this CSV"
        )
        commandline.add_output_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = self._run(options)
        except UsageError as error:
            commandline.fail(self, "returns-import", options, str(error))
        if options["report"]:
            write_report(report, options["report"])
        self._print(report, options)
        incomplete = report.rejected or (report.submit and report.with_errors)
        sys.exit(1 if incomplete else 0)

    def _run(self, options: dict[str, Any]) -> ImportReport:
        organisation, user = commandline.importer(options)
        progress = Progress.shown(options)
        run_options = ImportOptions(
            format=options["format"],
            dry_run=options["dry_run"],
            submit=options["submit"],
            progress=progress.update if progress else None,
        )
        try:
            with commandline.as_usage_errors(user, organisation):
                return run_import(
                    actor=user, organisation=organisation, path=options["path"], options=run_options
                )
        finally:
            if progress:
                progress.close()

    def _print(self, report: ImportReport, options: dict[str, Any]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        for notice in report.notices:
            self.stdout.write(_("note: %(notice)s") % {"notice": notice})
        self._print_problems(report, options)
        self._print_findings(report)
        for line in summary(report):
            self.stdout.write(line)

    def _print_problems(self, report: ImportReport, options: dict[str, Any]) -> None:
        if report.left_out:
            self.stdout.write(
                _("Rows left out (%(rows)d), by reason:") % {"rows": report.rows_left_out}
            )
            for reason, rows, values in report.left_out_by_reason():
                self.stdout.write(f"  {rows:>6}  {reason}{_values(values)}")
        problems = report.rejected + report.left_out
        for issue in problems[:SHOWN]:
            self.stdout.write(issue.as_text())
        if len(problems) > SHOWN:
            where = (
                _(" (all in %(file)s)") % {"file": options["report"]}
                if options["report"]
                else _(" (use --report FILE for all)")
            )
            self.stdout.write(
                _("… and %(count)d more%(where)s")
                % {"count": len(problems) - SHOWN, "where": where}
            )

    def _print_findings(self, report: ImportReport) -> None:
        for result in report.with_errors:
            self.stdout.write(
                _("%(label)s (%(status)s): %(count)d errors")
                % {"label": result.label, "status": result.status, "count": len(result.errors)}
            )
            for placed in result.errors[:SHOWN_FINDINGS]:
                self.stdout.write(f"  {placed.as_text()}")
            if len(result.errors) > SHOWN_FINDINGS:
                more = len(result.errors) - SHOWN_FINDINGS
                self.stdout.write("  " + _("… and %(count)d more") % {"count": more})


def summary(report: ImportReport) -> list[str]:
    if report.rejected:
        return [
            _(
                "%(rows)d rows read as %(format)s: %(problems)d problems. Nothing written: "
                "correct them and import again."
            )
            % {"rows": report.rows_read, "format": report.format, "problems": len(report.rejected)}
        ]
    lines = [
        _(
            "%(rows)d rows read as %(format)s in %(seconds).1f s: %(figures)d figures in "
            "%(returns)d returns — %(created)d created, %(revised)d revised, %(replaced)d drafts "
            "replaced, %(unchanged)d unchanged; %(written)d figures written; %(left_out)d rows "
            "left out"
        )
        % {
            "rows": report.rows_read,
            "format": report.format,
            "seconds": report.seconds,
            "figures": report.figures_read,
            "returns": len(report.returns),
            "created": report.count("created"),
            "revised": report.count("revised"),
            "replaced": report.count("replaced"),
            "unchanged": report.count("unchanged"),
            "written": report.figures_written,
            "left_out": report.rows_left_out,
        }
    ]
    warnings = sum(len(result.warnings) for result in report.returns)
    if report.with_errors or warnings:
        lines.append(
            _("Checks: %(errors)d returns with errors, %(warnings)d warnings.")
            % {"errors": len(report.with_errors), "warnings": warnings}
        )
    if report.submit:
        lines.append(
            _("%(count)d returns submitted for approval by a second member.")
            % {"count": report.submitted}
        )
        if report.with_errors:
            lines.append(
                _("%(count)d returns with errors were kept as drafts.")
                % {"count": len(report.with_errors)}
            )
    if report.dry_run:
        lines.append(_("Dry run: nothing written."))
    return lines


def _values(values: Any) -> str:
    if len(values) < 2:
        return ""
    shown = ", ".join(
        f"{value or '∅'} {count}" for value, count in values.most_common(SHOWN_VALUES)
    )
    more = ", …" if len(values) > SHOWN_VALUES else ""
    return f" ({shown}{more})"
