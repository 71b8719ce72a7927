"""``waypoint work_jobs [--once]``: run queued imports (the worker beside the web server)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from waypoint.bulk.jobs import work


class Command(BaseCommand):
    help = "Run queued import jobs; with --once, stop when none is left."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true")
        parser.add_argument("--poll", type=float, default=2.0, help="seconds between looks")

    def handle(self, *args: Any, **options: Any) -> None:
        done = work(once=options["once"], poll=options["poll"])
        self.stdout.write(f"{done} jobs run")
