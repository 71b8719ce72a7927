"""``waypoint import PATH --org CODE --user USERNAME [--format …] [--dry-run] [--accept-valid]``

Exit status: 0 when every row was accepted (and written, unless a dry run); 1 when any row was
rejected (nothing written, or with ``--accept-valid`` only the valid rows); 2 on a usage error
(unknown organisation or user, unreadable file, no right to record).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from waypoint.analytics.statistics import summary
from waypoint.bulk import commandline, importers
from waypoint.bulk.commandline import Progress, UsageError
from waypoint.bulk.engine import ImportOptions, ImportReport, run_import
from waypoint.cases.models import Label

#: Problems printed on the terminal; the --report CSV has them all.
SHOWN = 50


class Command(BaseCommand):
    help = "Import incidents from a CSV, XLSX, ZIP or JSON file; all rows or none by default."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")
        commandline.add_common_arguments(
            parser, owner_help="code of the organisation that owns the records"
        )
        parser.add_argument("--format", default="auto", choices=("auto", *importers.NAMES))
        parser.add_argument(
            "--label",
            choices=Label.values,
            help="sharing label of new records without one (default red)",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate only; write nothing")
        parser.add_argument(
            "--accept-valid",
            action="store_true",
            help="write the valid rows even if others are rejected; rejected rows go to --rejected",
        )
        parser.add_argument("--report", type=Path, help="write every problem to this CSV file")
        parser.add_argument(
            "--rejected",
            type=Path,
            help="with --accept-valid: write the rejected rows and reasons here (default PATH.rejected.csv)",
        )
        commandline.add_output_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = self._run(options)
        except UsageError as error:
            commandline.fail(self, "import", options, str(error))
        self._print(report, options)
        sys.exit(1 if report.rejected else 0)

    def _run(self, options: dict[str, Any]) -> ImportReport:
        organisation, user = commandline.importer(options)
        path = Path(options["path"])
        rejected = options["rejected"]
        if options["accept_valid"] and rejected is None:
            rejected = path.with_name(path.name + ".rejected.csv")
        progress = Progress.shown(options)
        run_options = ImportOptions(
            format=options["format"],
            label=options["label"],
            dry_run=options["dry_run"],
            accept_valid=options["accept_valid"],
            report_path=options["report"],
            rejected_path=rejected,
            progress=progress.of_stage("importing") if progress else None,
        )
        try:
            with commandline.as_usage_errors(user, organisation):
                report = run_import(
                    actor=user, organisation=organisation, path=path, options=run_options
                )
            if report.written and not report.dry_run:
                # So that the statistics count the new records from their summary.
                summary.refresh(
                    [organisation.pk],
                    progress=progress.of_stage("statistics") if progress else None,
                )
            return report
        finally:
            if progress:
                progress.close()

    def _print(self, report: ImportReport, options: dict[str, Any]) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False))
            return
        for notice in report.notices:
            self.stdout.write(f"note: {notice}")
        for issue in report.errors[:SHOWN]:
            self.stdout.write(issue.as_text())
        if report.error_count > SHOWN:
            more = report.error_count - SHOWN
            where = (
                f" (all in {options['report']})"
                if options["report"]
                else " (use --report FILE for all)"
            )
            self.stdout.write(f"… and {more} more problems{where}")
        if report.rejected_file:
            self.stdout.write(
                f"rejected rows, with their reasons, written to {report.rejected_file}"
            )
        self.stdout.write(_summary(report))


def _summary(report: ImportReport) -> str:
    counts = (
        f"{report.rows_read} rows read as {report.format}: {report.created} created, "
        f"{report.updated} updated, {report.unchanged} unchanged, {report.rejected} rejected"
    )
    if report.dry_run:
        return counts + " — dry run, nothing written"
    if not report.written:
        return counts + " — nothing written: fix the rejected rows and import again"
    return counts
