"""``waypoint rotate_keys``: give organisations new data keys and re-seal their values."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from waypoint.orgs.models import Organisation
from waypoint.vault import rotation


class Command(BaseCommand):
    help = (
        "Create a new data key version for every organisation (or one), re-seal every value "
        "sealed with an older version, and retire the older versions. Safe to interrupt: "
        "run it again to resume; a run that finds an unfinished rotation only resumes it."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--org", metavar="CODE", help="only this organisation")
        parser.add_argument(
            "--batch",
            type=int,
            default=rotation.BATCH,
            help=f"rows looked at per transaction (default {rotation.BATCH})",
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="only finish unfinished rotations; never start a new one",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["batch"] < 1:
            raise CommandError("--batch must be 1 or more.")
        organisations = Organisation.objects.all()
        if options["org"]:
            organisations = organisations.filter(code=options["org"])
            if not organisations.exists():
                raise CommandError(f"There is no organisation {options['org']}.")
        rotations = rotation.start(organisations, resume_only=options["resume"])
        if not rotations:
            self.stdout.write(_nothing_to_do(options["resume"]))
            return
        self._rotate(rotations, options["batch"], show_progress=options["verbosity"] > 0)

    def _rotate(self, rotations: list[rotation.Rotation], batch: int, show_progress: bool) -> None:
        pending = rotation.pending(rotations)
        for found in rotations:
            left = pending[found.organisation.pk]
            if found.resumed:
                self.stdout.write(
                    f"{found.organisation.code}: resuming the rotation to key version "
                    f"{found.version}; {left} values left to re-seal."
                )
            else:
                self.stdout.write(
                    f"{found.organisation.code}: new key version {found.version}; "
                    f"{left} values to re-seal."
                )
        total = sum(pending.values())
        with tqdm(total=total, file=sys.stderr, unit=" values", disable=not show_progress) as bar:
            rotation.reseal(rotations, batch=batch, progress=bar.update)
        behind = rotation.finish(rotations)
        for found in rotations:
            self.stdout.write(f"{found.organisation.code}: {_outcome(found, behind)}.")


def _outcome(found: rotation.Rotation, left: dict[int, int]) -> str:
    resealed = f"re-sealed {found.resealed} values"
    if found.retired:
        versions = ", ".join(str(version) for version in found.retired)
        return f"{resealed}; retired key version{'s' if len(found.retired) > 1 else ''} {versions}"
    return (
        f"{resealed}; {left[found.organisation.pk]} values are still on older versions: run again"
    )


def _nothing_to_do(resume: bool) -> str:
    if resume:
        return "Nothing to do: no rotation is unfinished."
    return "Nothing to do: no organisation has sealed values yet."
