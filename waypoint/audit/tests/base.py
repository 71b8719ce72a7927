"""Shared fixtures of the audit tests: two auditors, a way to run the command, and a way to tamper
with the log as a database superuser could."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from waypoint.audit import protection
from waypoint.audit.log import Target, record
from waypoint.audit.models import Action, AuditEvent
from waypoint.orgs.models import Role
from waypoint.test import BaseTestCase


class AuditTestCase(BaseTestCase):
    ines: User
    omar: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.ines = cls.make_user("ines", cls.org_a, Role.AUDITOR)
        cls.omar = cls.make_user("omar", cls.org_b, Role.AUDITOR)

    def some_events(self, count: int) -> list[AuditEvent]:
        return [
            record(
                actor=self.bruno,
                action=Action.UPDATE,
                organisation=self.org_a,
                target=Target("incident", f"00000000-0000-4000-8000-{number:012d}", self.org_a),
                details={"fields": ["status"]},
            )
            for number in range(count)
        ]

    def audit(self, *args: str) -> tuple[int, str, str]:
        """Run ``waypoint audit ARGS``: the exit status, what it printed and its error."""
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("audit", *args, stdout=out, stderr=err)
        except CommandError as error:
            return error.returncode, out.getvalue(), f"{err.getvalue()}{error}"
        return 0, out.getvalue(), err.getvalue()


@contextmanager
def tampering() -> Iterator[Any]:
    """Drop the append-only triggers, as a database superuser could, and hand over a cursor; the
    triggers come back afterwards (and the test's transaction undoes it all anyway)."""
    protection.remove(connection)
    try:
        with connection.cursor() as cursor:
            yield cursor
    finally:
        protection.install(connection)
