"""``waypoint demo``: fill the database with synthetic organisations, users and incidents."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from waypoint.analytics import summary_triggers
from waypoint.analytics.statistics import summary
from waypoint.cases.models import Incident
from waypoint.demo.generate import generate
from waypoint.demo.personas import DEMO_PASSWORD, ORGANISATIONS, USERS, UserSpec
from waypoint.demo.producer import in_background
from waypoint.demo.returns import write_returns
from waypoint.demo.write import ensure_world, write_incidents

URL = "http://127.0.0.1:8000/"
ROLE_NAMES = {
    "reporter": "reporting officer",
    "analyst": "analyst",
    "intake_officer": "intake officer",
    "org_admin": "organisation administrator",
    "auditor": "auditor",
}


class Command(BaseCommand):
    help = (
        "Create demo organisations, users (all with the password "
        f"“{DEMO_PASSWORD}”) and synthetic incidents. Refuses to run in production mode."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--incidents", type=int, default=3000, help="how many incidents (default 3000)"
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed gives the same data (default 1)"
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing if there are incidents already"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.MODE == "production":
            raise CommandError(
                "waypoint demo creates users with a published password and synthetic cases; "
                "it does not run in production mode (set WAYPOINT_MODE=demo).",
                returncode=2,
            )
        count = options["incidents"]
        if count < 0:
            raise CommandError("--incidents must be 0 or more.")
        if options["if_empty"] and Incident.objects.exists():
            self.stdout.write("There are incidents already; nothing to do (--if-empty).")
            return
        rows = self._fill(count, options["seed"], show_progress=options["verbosity"] > 0)
        summary.refresh()  # the statistics of the new records, counted once ahead of time
        self.stdout.write(
            f"Wrote {rows.get('cases.Incident', 0)} incidents and "
            f"{rows.get('returns.Return', 0)} aggregate returns."
        )
        self.stdout.write(credentials_table())
        self.stdout.write(f"\nOpen {URL} and sign in as one of the users above.")

    def _fill(self, count: int, seed: int, show_progress: bool) -> dict[str, int]:
        with transaction.atomic():
            world = ensure_world()
            salt = Incident.objects.order_by("-id").values_list("id", flat=True).first() or 0
            today = timezone.localdate()
            records = in_background(
                lambda: generate(world, seed=seed, count=count, today=today, salt=salt)
            )
            with (
                tqdm(
                    total=count, file=sys.stderr, unit=" incidents", disable=not show_progress
                ) as bar,
                summary_triggers.set_aside(),
            ):
                rows = write_incidents(records, progress=bar.update)
            # Annual returns up to the last whole year, ITA-POL's pre-filled from its records.
            rows["returns.Return"] = write_returns(latest_year=today.year - 1, seed=seed)
            return rows


def credentials_table() -> str:
    rows = [("username", "password", "organisation", "role")]
    rows += [(user.username, DEMO_PASSWORD, _organisation(user), _roles(user)) for user in USERS]
    widths = [max(len(row[column]) for row in rows) for column in range(4)]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


def _organisation(user: UserSpec) -> str:
    if user.organisation is None:
        return "—"
    country = next(spec.country for spec in ORGANISATIONS if spec.code == user.organisation)
    return f"{user.organisation} ({country})"


def _roles(user: UserSpec) -> str:
    if user.platform_admin:
        return "platform administrator"
    if not user.roles:
        return "no organisation"
    return ", ".join(ROLE_NAMES[role] for role in user.roles)
