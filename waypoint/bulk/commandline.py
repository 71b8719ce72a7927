"""What the import commands share: who imports for which organisation, how a usage error is
told, and the progress bars on the terminal.

``waypoint import`` (incidents) and ``waypoint returns-import`` (aggregate figures) take the same
``--org``, ``--user``, ``--json`` and ``--no-progress`` options and fail the same way: exit status
2, with the message on standard error, or as ``{"error": …}`` with ``--json``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from waypoint.bulk.sources import SourceError
from waypoint.orgs.access import AccessDenied
from waypoint.orgs.models import Organisation


class UsageError(Exception):
    """The command cannot run as asked: unknown organisation or user, unreadable file, no right
    to record for the organisation."""


def add_common_arguments(parser: CommandParser, *, owner_help: str) -> None:
    parser.add_argument("--org", required=True, help=owner_help)
    parser.add_argument("--user", required=True, help="user name of the person importing")


def add_output_arguments(parser: CommandParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-progress", action="store_true", help="show no progress bar")


def importer(options: dict[str, Any]) -> tuple[Organisation, Any]:
    """The organisation and the user the options name."""
    organisation = Organisation.objects.filter(code=options["org"]).first()
    if organisation is None:
        raise UsageError(f"no organisation with code {options['org']!r}")
    user = get_user_model().objects.filter(username=options["user"]).first()
    if user is None:
        raise UsageError(f"no user named {options['user']!r}")
    return organisation, user


@contextmanager
def as_usage_errors(user: Any, organisation: Organisation) -> Iterator[None]:
    """An unreadable file or a refused right to record, told as a usage error."""
    try:
        yield
    except SourceError as error:
        raise UsageError(str(error)) from error
    except AccessDenied as error:
        raise UsageError(
            f"{user.get_username()} may not record for {organisation.code}: {error}"
        ) from error


def fail(command: BaseCommand, name: str, options: dict[str, Any], message: str) -> None:
    """Tell a usage error and exit with status 2."""
    if options["json"]:
        command.stdout.write(json.dumps({"error": {"code": "usage", "message": message}}))
    else:
        command.stderr.write(f"waypoint {name}: {message}")
    sys.exit(2)


class Progress:
    """Progress bars on standard error, one per stage (``reading`` rows, then ``writing``…),
    each fed with (stage, done, expected); a new stage closes the bar before it."""

    UNITS = {"reading": " rows", "importing": " rows", "statistics": " tables"}

    def __init__(self) -> None:
        self.bars: dict[str, Any] = {}
        self.done: dict[str, int] = {}

    @classmethod
    def shown(cls, options: dict[str, Any]) -> Progress | None:
        """Bars for a terminal, unless the output is JSON or the user asked for none."""
        if options["json"] or options["no_progress"] or not sys.stderr.isatty():
            return None
        return cls()

    def update(self, stage: str, done: int, expected: int | None) -> None:
        bar = self.bars.get(stage)
        if bar is None:
            for other in self.bars.values():
                other.close()
            unit = self.UNITS.get(stage, " returns")
            bar = self.bars[stage] = tqdm(unit=unit, desc=stage, file=sys.stderr)
            self.done[stage] = 0
        if expected and bar.total != expected and expected >= done:
            bar.total = expected
        bar.update(done - self.done[stage])
        self.done[stage] = done

    def of_stage(self, stage: str) -> Callable[[int, int | None], None]:
        """An update for one stage alone, fed with (done, expected)."""
        return lambda done, expected: self.update(stage, done, expected)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
