"""All or nothing under SIGKILL: ``waypoint import`` killed in the middle of a large file, after
it has written rows inside its transaction, leaves the database exactly as it was.

The import runs in a process of its own against a database of its own, made for the test on the
engine the suite runs on: a SQLite file in a temporary directory, or a throwaway database on the
PostgreSQL server of the test database (created and dropped by the test, beside the test
database). The process is given a terminal for its standard error, so that it draws its progress
bar: the bar moves after each batch of records has been written, which tells the test when rows
are in the database's uncommitted transaction.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import os
import pty
import re
import secrets
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

from django.db import connection
from django.test import SimpleTestCase, tag

#: Incidents in the large file, two persons each: far more than are written before the kill.
INCIDENTS = 20_000
#: Rows the import must have written (in batches of 500 incidents) before it is killed.
WRITTEN_BEFORE_KILL = 3_000
HEADER = [
    "reference",
    "kinds",
    "date_start",
    "country",
    "route",
    "person_ref",
    "person_role",
    "person_sex",
    "person_age",
    "person_citizenship",
]
#: The progress bar's count of rows: ``1000 rows [`` without a total, ``1000/40000 [`` with one.
PROGRESS = re.compile(rb"(\d+)(?:/\d+| rows) \[")

Snapshot = dict[str, tuple[int, str]]


def write_incidents(path: Path, references: list[str], country: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for reference in references:
            for person in ("P1", "P2"):
                writer.writerow(
                    [
                        reference,
                        "smuggling_of_migrants",
                        "2024-03-01",
                        country,
                        f"LBY > {country}",
                        person,
                        "smuggled_migrant",
                        "female" if person == "P1" else "male",
                        "24",
                        "NGA",
                    ]
                )


def sqlite_snapshot(path: Path) -> Snapshot:
    """Rows and a digest of the content of every table of a SQLite database."""
    with contextlib.closing(sqlite3.connect(path)) as database:
        tables = [
            name
            for (name,) in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
            )
        ]
        snapshot = {}
        for table in tables:
            rows = sorted(repr(row) for row in database.execute(f'SELECT * FROM "{table}"'))
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            snapshot[table] = (len(rows), digest)
    return snapshot


def conninfo(name: str, server: dict[str, str | None]) -> str:
    from psycopg.conninfo import make_conninfo

    return make_conninfo(
        "",
        dbname=name,
        host=server["host"],
        port=server["port"],
        user=server["user"],
        password=server["password"],
    )


@tag("slow")
class KilledImportTests(SimpleTestCase):
    def test_a_killed_import_leaves_the_database_as_it_was(self) -> None:
        with tempfile.TemporaryDirectory() as folder, self.database(Path(folder)) as database:
            url, snapshot = database
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "DJANGO_SETTINGS_MODULE": "waypoint.settings",
                "WAYPOINT_MODE": "test",
                "WAYPOINT_VAR_DIR": folder,
                "WAYPOINT_JOB_DIR": str(Path(folder) / "jobs"),
                "WAYPOINT_DATABASE_URL": url,
            }
            self.prepare(env, Path(folder))
            before = snapshot()
            self.assertGreater(before["cases_incident"][0], 0)

            large = Path(folder) / "national-2024.csv"
            # The records already there come first, changed, so the kill also interrupts
            # updates in place.
            references = [*(f"OLD-{n}" for n in range(3)), *(f"NEW-{n}" for n in range(INCIDENTS))]
            write_incidents(large, references, "MLT")
            written = self.kill_midway(env, large)

            self.assertGreaterEqual(written, WRITTEN_BEFORE_KILL)
            self.assertEqual(snapshot(), before)
            verify = self.waypoint(env, "audit", "verify")
        self.assertEqual(verify.returncode, 0, verify.stdout + verify.stderr)

    # The database ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def database(self, folder: Path) -> Iterator[tuple[str, Callable[[], Snapshot]]]:
        """A database URL for the subprocesses and a way to take a snapshot of it."""
        if connection.vendor == "postgresql":
            with self.postgres_database() as answer:
                yield answer
            return
        path = folder / "waypoint.sqlite3"
        yield f"sqlite:///{path}", lambda: sqlite_snapshot(path)

    @contextlib.contextmanager
    def postgres_database(self) -> Iterator[tuple[str, Callable[[], Snapshot]]]:
        """A new database on the server of the test database, dropped afterwards."""
        import psycopg

        settings = connection.settings_dict
        server: dict[str, str | None] = {
            "host": settings["HOST"] or None,
            "port": str(settings["PORT"]) if settings["PORT"] else None,
            "user": settings["USER"] or None,
            "password": settings["PASSWORD"] or None,
        }
        name = f"test_waypoint_killed_{os.getpid()}_{secrets.token_hex(4)}"
        with psycopg.connect(conninfo(settings["NAME"], server), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
            try:
                user = quote(server["user"] or "", safe="")
                password = quote(server["password"] or "", safe="")
                credentials = f"{user}:{password}@" if user else ""
                port = f":{server['port']}" if server["port"] else ""
                host = quote(server["host"] or "localhost", safe="")
                url = f"postgres://{credentials}{host}{port}/{name}"
                yield url, lambda: self.postgres_snapshot(name, server)
            finally:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def postgres_snapshot(self, name: str, server: dict[str, str | None]) -> Snapshot:
        import psycopg

        snapshot = {}
        with psycopg.connect(conninfo(name, server), autocommit=True) as database:
            tables = database.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            ).fetchall()
            for (table,) in tables:
                count, digest = database.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" AS t"
                ).fetchone()  # type: ignore[misc]
                snapshot[table] = (count, digest)
        return snapshot

    # The processes --------------------------------------------------------------------------

    def waypoint(self, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "waypoint", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )

    def run_waypoint(self, env: dict[str, str], *args: str) -> None:
        result = self.waypoint(env, *args)
        self.assertEqual(result.returncode, 0, result.stdout + result.stderr)

    def prepare(self, env: dict[str, str], folder: Path) -> None:
        """A database with an organisation, a reporter and three imported incidents."""
        self.run_waypoint(env, "migrate", "-v0")
        self.run_waypoint(
            env, "create_org", "ORG-A", "--name", "Org A", "--country", "ITA", "--type", "ngo"
        )
        self.run_waypoint(env, "create_user", "bruno", "--org", "ORG-A", "--role", "reporter")
        first = folder / "first.csv"
        write_incidents(first, [f"OLD-{n}" for n in range(3)], "ITA")
        self.run_waypoint(env, "import", str(first), "--org", "ORG-A", "--user", "bruno")

    def kill_midway(self, env: dict[str, str], path: Path) -> int:
        """Start the import, kill it once its progress bar shows rows written; answer how many."""
        terminal, stderr = pty.openpty()
        # A terminal of no width would get an empty bar.
        fcntl.ioctl(stderr, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
        process = subprocess.Popen(
            [sys.executable, "-m", "waypoint", "import", str(path), "--org", "ORG-A", "--user", "bruno"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )  # fmt: skip
        os.close(stderr)
        written = 0
        shown = b""
        try:
            deadline = time.monotonic() + 300
            while written < WRITTEN_BEFORE_KILL and time.monotonic() < deadline:
                ready, _, _ = select.select([terminal], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(terminal, 4096)
                    except OSError:  # the process has closed the terminal
                        chunk = b""
                    shown = (shown + chunk)[-2000:]
                    counts = [int(count) for count in PROGRESS.findall(shown)]
                    written = max([written, *counts])
                if process.poll() is not None:
                    break
        finally:
            still_running = process.poll() is None
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
            os.close(terminal)
        self.assertTrue(
            still_running,
            f"the import ended before it was killed: {shown.decode(errors='replace')}",
        )
        self.assertEqual(process.returncode, -signal.SIGKILL)
        return written
