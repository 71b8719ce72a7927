"""``waypoint rotate_keys``: new versions, every value re-sealed, resumable after a kill."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import SimpleTestCase, tag

from waypoint import vault
from waypoint.audit.models import AuditEvent
from waypoint.cases.models import Incident, Person, PersonIdentifier, Selector
from waypoint.orgs.models import Organisation
from waypoint.test import BaseTestCase
from waypoint.vault import rotation
from waypoint.vault.models import KeyState, OrganisationKey
from waypoint.vault.sealing import Sealed


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_keys", *args, verbosity=0, stdout=out)
    return out.getvalue()


def versions_in_use() -> set[str]:
    """The ``wp1.<version>.`` prefixes of every sealed value in the database."""
    found = set()
    with connection.cursor() as cursor:
        for column in rotation.sealed_columns():
            table = column.model._meta.db_table
            cursor.execute(f"SELECT {column.field.column} FROM {table}")
            found |= {".".join(value.split(".")[:2]) for (value,) in cursor.fetchall() if value}
    return found


class RotationTests(BaseTestCase):
    record: Incident

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.record = cls.incident(cls.org_a, narrative="Told by Ada", sources="Informant 7")
        person = Person.objects.create(
            incident=cls.record, role="victim", migration_status="refugee"
        )
        PersonIdentifier.objects.create(person=person, kind="phone", value="+2348030000000")
        Selector.objects.create(incident=cls.record, kind="vessel", value="Sea Star")
        cls.incident(cls.org_b, "B-1", narrative="Theirs")

    def plaintexts(self) -> list[str]:
        incident = Incident.objects.get(pk=self.record.pk)
        person = Person.objects.get(incident=incident)
        return [
            vault.reveal(incident, "narrative"),
            vault.reveal(incident, "sources"),
            vault.reveal(person, "migration_status"),
            vault.reveal(PersonIdentifier.objects.get(person=person), "value"),
            vault.reveal(Selector.objects.get(incident=incident), "value"),
        ]

    def test_it_reseals_every_value_with_a_new_version_and_retires_the_old(self) -> None:
        before = self.plaintexts()
        output = rotate()
        self.assertIn("ORG-A: new key version 2; 5 values to re-seal.", output)
        self.assertIn("ORG-A: re-sealed 5 values; retired key version 1.", output)
        self.assertIn("ORG-B: re-sealed 1 values; retired key version 1.", output)
        self.assertEqual(versions_in_use(), {"wp1.2"})
        self.assertEqual(self.plaintexts(), before)
        states = OrganisationKey.objects.filter(organisation=self.org_a).values_list(
            "version", "state"
        )
        self.assertEqual(list(states), [(1, KeyState.RETIRED), (2, KeyState.ACTIVE)])

    def test_it_keeps_the_blind_indexes(self) -> None:
        rotate()
        index = vault.blind_index_for("phone", "+234 803 000 0000")
        self.assertEqual(PersonIdentifier.objects.filter(value_index=index).count(), 1)

    def test_it_records_each_rotation_in_the_audit_log(self) -> None:
        rotate("--org", "ORG-A")
        event = AuditEvent.objects.get(action="key_rotation")
        self.assertEqual(event.organisation_code, "ORG-A")
        self.assertEqual(event.details, {"from_key_version": 1, "to_key_version": 2, "updated": 5})
        key = OrganisationKey.objects.get(organisation=self.org_a, version=2)
        self.assertEqual((event.target_type, event.target_id), ("key", str(key.public_id)))

    def test_it_rotates_one_organisation_when_asked(self) -> None:
        rotate("--org", "ORG-B")
        self.assertEqual(
            OrganisationKey.objects.get(organisation=self.org_a, state=KeyState.ACTIVE).version, 1
        )

    def test_it_resumes_an_interrupted_rotation_without_starting_another(self) -> None:
        class Interrupted(Exception):
            pass

        def stop(done: int) -> None:
            raise Interrupted

        started = rotation.start(Organisation.objects.all())
        with self.assertRaises(Interrupted):
            rotation.reseal(started, batch=1, progress=stop)
        self.assertEqual(versions_in_use(), {"wp1.1", "wp1.2"})
        output = rotate()
        self.assertIn("ORG-A: resuming the rotation to key version 2; 4 values left", output)
        self.assertIn("ORG-B: resuming the rotation to key version 2; 1 values left", output)
        self.assertIn("ORG-A: re-sealed 4 values; retired key version 1.", output)
        self.assertEqual(versions_in_use(), {"wp1.2"})
        self.assertFalse(OrganisationKey.objects.filter(version=3).exists())

    def test_it_says_so_when_there_is_nothing_to_resume(self) -> None:
        rotate()
        self.assertEqual(rotate("--resume"), "Nothing to do: no rotation is unfinished.\n")
        self.assertEqual(versions_in_use(), {"wp1.2"})

    def test_it_seals_values_written_during_a_rotation_with_the_new_key(self) -> None:
        rotation.start(Organisation.objects.filter(code="ORG-A"))
        written = self.incident(self.org_a, "NEW", narrative="written meanwhile")
        narrative = Incident.objects.get(pk=written.pk).narrative
        assert isinstance(narrative, Sealed)
        self.assertEqual(narrative.version, 2)

    def test_it_refuses_an_unknown_organisation(self) -> None:
        with self.assertRaisesMessage(Exception, "There is no organisation NOPE."):
            rotate("--org", "NOPE")


#: Run in the subprocess: every sealed value revealed, as a digest, with the versions in use.
REPORT = """
import hashlib, json, django
django.setup()
from waypoint.vault import rotation
from waypoint.vault.sealing import reveal_each
digest, versions, count = hashlib.sha256(), set(), 0
for column in rotation.sealed_columns():
    model, name = column.model, column.field.name
    path = model.sealing_organisation_path.split("__")[:-1]
    rows = model._base_manager.order_by("pk").select_related(*(["__".join(path)] if path else []))
    rows = list(rows)
    versions |= {getattr(row, name).version for row in rows if getattr(row, name)}
    for row, text in zip(rows, reveal_each(rows, name)):
        digest.update(f"{column.label}|{row.pk}|{text}\\n".encode())
        count += 1
print(json.dumps({"digest": digest.hexdigest(), "versions": sorted(versions), "values": count}))
"""


@tag("slow")
class KilledRotationTests(SimpleTestCase):
    """A rotation killed with SIGKILL in the middle, then run again, against a file database."""

    def run_waypoint(self, env: dict[str, str], *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "waypoint", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def report(self, env: dict[str, str]) -> dict[str, Any]:
        result = subprocess.run(
            [sys.executable, "-c", REPORT], env=env, capture_output=True, text=True, timeout=300
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout)

    def test_it_finishes_a_rotation_killed_midway_when_run_again(self) -> None:
        with tempfile.TemporaryDirectory() as var:
            database = Path(var) / "waypoint.sqlite3"
            env = {
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "DJANGO_SETTINGS_MODULE": "waypoint.settings",
                "WAYPOINT_MODE": "test",
                "WAYPOINT_VAR_DIR": var,
                "WAYPOINT_DATABASE_URL": f"sqlite:///{database}",
            }
            self.run_waypoint(env, "migrate", "-v0")
            self.run_waypoint(env, "demo", "--incidents", "1200", "--seed", "3", "-v0")
            before = self.report(env)
            self.assertEqual(before["versions"], [1])

            killed = subprocess.Popen(
                [sys.executable, "-m", "waypoint", "rotate_keys", "--batch", "10", "-v0"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                resealed = self.wait_for_new_versions(database, at_least=200)
            finally:
                os.kill(killed.pid, signal.SIGKILL)
                killed.wait(timeout=30)
            self.assertEqual(killed.returncode, -signal.SIGKILL)
            midway = self.report(env)
            self.assertEqual(midway["versions"], [1, 2], "killed before or after the re-sealing")
            self.assertGreaterEqual(resealed, 200)

            output = self.run_waypoint(env, "rotate_keys", "-v0")
            after = self.report(env)
            keys = self.keys(database)

        self.assertIn("resuming the rotation to key version 2", output)
        self.assertEqual(after["versions"], [2])
        self.assertEqual((after["digest"], after["values"]), (before["digest"], before["values"]))
        self.assertEqual({state for _, version, state in keys if version == 1}, {"retired"})
        self.assertEqual({state for _, version, state in keys if version == 2}, {"active"})
        self.assertEqual({version for _, version, _ in keys}, {1, 2})

    def wait_for_new_versions(self, database: Path, at_least: int) -> int:
        """Wait until the rotation has committed ``at_least`` values on version 2."""
        deadline = time.monotonic() + 120
        with sqlite3.connect(database, timeout=30) as db:
            while time.monotonic() < deadline:
                (count,) = db.execute(
                    "SELECT count(*) FROM cases_person WHERE migration_status LIKE 'wp1.2.%'"
                ).fetchone()
                if count >= at_least:
                    return count
                time.sleep(0.01)
        self.fail("the rotation re-sealed nothing in two minutes")

    def keys(self, database: Path) -> list[tuple[int, int, str]]:
        with sqlite3.connect(database) as db:
            return db.execute(
                "SELECT organisation_id, version, state FROM vault_organisationkey"
            ).fetchall()
