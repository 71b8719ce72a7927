"""``waypoint refresh_statistics [--all] [--install-triggers] [--no-progress]``: count the
statistics summary again.

The standard tables add up counts kept per organisation and sharing label
(``analytics.statistics.summary``); an organisation whose records changed since is counted from
its records until this runs (the worker, ``waypoint work_jobs``, runs it between jobs; imports
run it for the organisation they wrote to). ``--all`` counts every organisation again, changed
or not.

The summary can be trusted only while the database triggers that mark it out of date are in
place; if one is missing the command says so and exits 1 without counting anything, and
``--install-triggers`` puts them back (as the tables' owner) and counts every organisation again.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.db.models import F
from tqdm import tqdm

from waypoint.analytics import summary_triggers
from waypoint.analytics.models import SummaryState
from waypoint.analytics.statistics import summary


class Command(BaseCommand):
    help = "Count the statistics summary again for the organisations whose records changed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="count every organisation again, changed or not"
        )
        parser.add_argument("--no-progress", action="store_true", help="show no progress bar")

        parser.add_argument(
            "--install-triggers",
            action="store_true",
            help="put back missing triggers, then count every organisation again",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["install_triggers"]:
            summary_triggers.install(connection)
            summary_triggers.mark_every_owner(connection)
        missing = summary_triggers.missing_triggers(connection)
        if missing:
            raise CommandError(
                "the triggers that mark the statistics summary out of date are missing "
                f"({', '.join(missing)}); run `waypoint refresh_statistics --install-triggers`",
                returncode=1,
            )
        if options["all"]:
            SummaryState.objects.update(built=F("version") - 1)
        bar = None
        if not options["no_progress"]:
            bar = tqdm(total=len(summary.summarised_tables()), unit="table", file=sys.stderr)

        def progress(done: int, total: int) -> None:
            if bar is not None:
                bar.update(done - bar.n)

        try:
            done = summary.refresh(progress=progress)
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(
            f"{done.organisations} organisation{'' if done.organisations == 1 else 's'} "
            f"counted again, {done.rows} summary rows"
        )
