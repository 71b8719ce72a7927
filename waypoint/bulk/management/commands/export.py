"""``waypoint export --user USERNAME --format csv|xlsx|json|htcds --out PATH [filters]
[--reveal --justification TEXT]``

Writes the incidents the user may see, as they may see them (partners get the de-identified
view). ``--format csv`` with a ``.zip`` path writes both tables (``incidents.csv``, ``legs.csv``).
The file is written beside PATH under a temporary name, readable by its owner only, and moved into
place once the export is in the audit log. Exit status: 0 when written (an empty export too), 2 on
a usage error.
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from waypoint.bulk import exporters
from waypoint.bulk.exporting import (
    ExportFilters,
    ExportRefused,
    ExportResult,
    count_incidents,
    export_incidents,
    label_code,
)
from waypoint.cases.models import INCIDENT_PLACE_ANSWERS
from waypoint.orgs.access import member_organisations
from waypoint.orgs.management.arguments import existing_organisation, term
from waypoint.reference import catalogue

USAGE = 2
FIRST_YEAR = 1900


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE)


class Command(BaseCommand):
    help = (
        "Export the incidents a user may see, as that user may see them, to a CSV, XLSX, JSON "
        "or HTCDS file."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="USERNAME", help="who exports")
        parser.add_argument("--format", required=True, choices=exporters.NAMES)
        parser.add_argument(
            "--out",
            required=True,
            metavar="PATH",
            help="the file to write (csv: .zip for both tables)",
        )
        parser.add_argument("--year", type=int, help="incidents that started in this year")
        parser.add_argument("--kind", help="incidents of this kind (a code of incident_kind)")
        parser.add_argument("--country", help="incidents in this country (ISO 3166-1 alpha-3)")
        parser.add_argument("--label", help="incidents with this sharing label (red, amber, …)")
        parser.add_argument("--owner", metavar="ORG", help="incidents of this organisation")
        parser.add_argument(
            "--reveal",
            action="store_true",
            help="include the sealed values of your own organisation's records (needs --justification)",
        )
        parser.add_argument(
            "--justification", default="", help="why the sealed values are needed (recorded)"
        )
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        user = _user(options["user"])
        filters = _filters(options)
        path = _out(options["out"], options["format"])
        archive = path.suffix.lower() == ".zip"
        bar = self._bar(user, filters, options)
        try:
            result = self._write(user, filters, path, archive, bar, options)
        except ExportRefused as refusal:
            raise usage_error(str(refusal)) from None
        finally:
            if bar is not None:
                bar.close()
        self._report(user, result, path)

    def _write(
        self,
        user: Any,
        filters: ExportFilters,
        path: Path,
        archive: bool,
        bar: Any,
        options: dict[str, Any],
    ) -> ExportResult:
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".part"
        )
        try:
            with os.fdopen(descriptor, "wb") as out:
                result = export_incidents(
                    actor=user,
                    format=options["format"],
                    out=out,
                    filters=filters,
                    reveal=options["reveal"],
                    justification=options["justification"],
                    archive=archive,
                    progress=bar.update if bar is not None else None,
                )
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return result

    def _bar(self, user: Any, filters: ExportFilters, options: dict[str, Any]) -> Any:
        if options["no_progress"] or options["verbosity"] == 0 or not sys.stderr.isatty():
            return None
        total = count_incidents(user, filters)
        return tqdm(total=total, unit=" incidents", desc="exporting", file=sys.stderr)

    def _report(self, user: Any, result: ExportResult, path: Path) -> None:
        total = result.total
        self.stdout.write(
            f"Wrote {result.rows} rows to {path}: {total.incidents} incidents, "
            f"{total.persons} persons, {total.legs} route legs ({result.format})."
        )
        own = {organisation.code for organisation in member_organisations(user)}
        others = sorted(code for code in result.by_owner if code not in own)
        if others:
            named = ", ".join(others) if len(others) <= 5 else f"{len(others)} other organisations"
            self.stdout.write(f"Records of {named} are de-identified, as their owners share them.")
        if result.revealed:
            self.stdout.write(
                f"The file holds the sealed values (names, narratives, contacts, migration "
                f"status) of {result.revealed} records; the export and your justification are "
                "in the audit log. Keep the file safe and delete it when done."
            )


def _user(username: str) -> Any:
    user = get_user_model()._default_manager.filter(username=username).first()
    if user is None or not user.is_active:
        raise usage_error(f"no active user named {username!r}")
    return user


def _filters(options: dict[str, Any]) -> ExportFilters:
    year = options["year"]
    if year is not None and not FIRST_YEAR <= year <= datetime.date.today().year:
        raise usage_error(f"--year {year} is out of range ({FIRST_YEAR} to this year)")
    owner = options["owner"]
    return ExportFilters(
        year=year,
        kind=term(options["kind"], "incident_kind", "kind") if options["kind"] else "",
        country=_country(options["country"]) if options["country"] else "",
        label=_label(options["label"]) if options["label"] else "",
        owner=existing_organisation(owner).code if owner else "",
    )


def _country(value: str) -> str:
    code = value.strip()
    if code.lower() in INCIDENT_PLACE_ANSWERS:
        return code.lower()
    if code.upper() in catalogue.country_codes():
        return code.upper()
    closest = catalogue.closest(code.upper(), catalogue.country_codes())
    hint = f"; did you mean {', '.join(closest)}?" if closest else ""
    raise usage_error(f"unknown country {value!r}: use an ISO 3166-1 alpha-3 code{hint}")


def _label(value: str) -> str:
    try:
        return label_code(value)
    except ExportRefused as refusal:
        raise usage_error(str(refusal)) from None


def _out(value: str, format: str) -> Path:
    path = Path(value).expanduser()
    if path.is_dir():
        raise usage_error(f"--out {value} is a folder; give the file to write")
    if not path.parent.is_dir():
        raise usage_error(f"--out {value}: the folder {path.parent} does not exist")
    if path.suffix.lower() == ".zip" and format not in exporters.ARCHIVES:
        raise usage_error(
            f"a .zip file is written for --format {', '.join(exporters.ARCHIVES)} only "
            f"(one file per table); give {format} a .{exporters.get(format).extension} file"
        )
    return path
