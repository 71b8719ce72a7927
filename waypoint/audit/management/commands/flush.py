"""``waypoint flush``: Django's flush, which empties every table, made to work with the audit
log's append-only triggers (which refuse the DELETE or TRUNCATE it runs) and, on SQLite, with the
statistics summary's triggers (which would mark organisations that flush has already deleted).

Test cases that flush the database between tests (live-server and browser tests) rely on it. In
production mode it refuses while the audit log holds events: erasing them is not an operation
Waypoint offers; start from a new database instead.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands import flush
from django.db import connections

from waypoint.analytics import summary_triggers
from waypoint.audit import protection


class Command(flush.Command):
    def handle(self, **options: Any) -> None:
        connection = connections[options["database"]]
        if protection.TABLE not in connection.introspection.table_names():
            super().handle(**options)
            return
        if settings.MODE == "production" and self._has_events(connection):
            raise CommandError(
                "the audit log is append-only and holds events; flush would erase them. "
                "Start from a new database instead.",
                returncode=2,
            )
        # On SQLite flush deletes row by row, organisations before their incidents; PostgreSQL
        # truncates, which fires no row or statement trigger: there the summary's stay, and
        # dropping them would take each table's lock in an order of its own.
        sqlite = connection.vendor == "sqlite"
        protection.remove(connection)
        if sqlite:
            summary_triggers.remove(connection)
        try:
            super().handle(**options)
        finally:
            protection.install(connection)
            if sqlite:
                summary_triggers.install(connection)

    @staticmethod
    def _has_events(connection: Any) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {protection.TABLE} LIMIT 1")
            return cursor.fetchone() is not None
