"""Keys: created when first needed, wrapped by the master key, and refused with the wrong one."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.db import transaction
from django.test import SimpleTestCase, override_settings

from waypoint import vault
from waypoint.audit.models import AuditEvent
from waypoint.cases.models import Incident, Person
from waypoint.test import BaseTestCase
from waypoint.vault import checks, keys
from waypoint.vault.models import IndexKey, KeyState, OrganisationKey

OTHER_MASTER_KEY = base64.b64encode(b"another-master-key-of-32-bytes!!").decode()


class KeyCreationTests(BaseTestCase):
    def test_it_creates_one_key_per_organisation_on_first_use(self) -> None:
        self.assertFalse(OrganisationKey.objects.exists())
        self.incident(self.org_a, "A-1", narrative="one")
        self.incident(self.org_a, "A-2", narrative="two")
        self.incident(self.org_b, "B-1", narrative="three")
        keys_made = OrganisationKey.objects.values_list("organisation__code", "version", "state")
        self.assertEqual(
            sorted(keys_made), [("ORG-A", 1, KeyState.ACTIVE), ("ORG-B", 1, KeyState.ACTIVE)]
        )

    def test_it_records_the_creation_of_a_key_in_the_audit_log(self) -> None:
        self.incident(self.org_a, narrative="one")
        event = AuditEvent.objects.get(action="key_created")
        key = OrganisationKey.objects.get()
        self.assertEqual((event.target_type, event.target_id), ("key", str(key.public_id)))
        self.assertEqual(event.organisation_code, "ORG-A")
        self.assertEqual(event.details, {"to_key_version": 1})

    def test_it_creates_no_key_for_rows_without_sealed_values(self) -> None:
        Incident.objects.create(
            owner=self.org_a, reference="EMPTY", kinds=["smuggling_of_migrants"]
        )
        self.assertFalse(OrganisationKey.objects.exists())

    def test_it_stores_only_wrapped_keys(self) -> None:
        self.incident(self.org_a, narrative="one")
        vault.blind_index_for("phone", "+1")
        key = OrganisationKey.objects.get()
        raw = base64.b64decode(key.wrapped_key)
        # nonce, 32-byte key, tag: and nothing that opens without the master key.
        self.assertEqual(len(raw), 12 + 32 + 16)
        self.assertEqual(IndexKey.objects.count(), 1)


class WrongMasterKeyTests(BaseTestCase):
    record: Incident

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.record = cls.incident(cls.org_a, narrative="Told by Ada")
        vault.blind_index_for("phone", "+1")

    def test_it_passes_the_check_with_the_right_master_key(self) -> None:
        self.assertEqual(checks.check_master_key(), [])

    @override_settings(WAYPOINT_MASTER_KEY=OTHER_MASTER_KEY)
    def test_it_fails_the_check_with_a_message_naming_the_setting(self) -> None:
        errors = checks.check_master_key()
        self.assertEqual([error.id for error in errors], ["vault.E001"])
        self.assertIn("the master key does not match this database", errors[0].msg)
        self.assertIn("WAYPOINT_MASTER_KEY", errors[0].msg)

    @override_settings(WAYPOINT_MASTER_KEY=OTHER_MASTER_KEY)
    def test_it_refuses_to_reveal_or_seal_and_writes_nothing(self) -> None:
        with self.assertRaisesRegex(keys.MasterKeyMismatch, "does not match this database"):
            vault.reveal(Incident.objects.get(pk=self.record.pk), "narrative")
        with self.assertRaises(keys.MasterKeyMismatch), transaction.atomic():
            Person.objects.create(incident=self.record, role="victim")
        self.assertFalse(Person.objects.exists())

    @override_settings(WAYPOINT_MASTER_KEY=OTHER_MASTER_KEY)
    def test_it_refuses_to_compute_blind_indexes(self) -> None:
        with self.assertRaisesRegex(keys.MasterKeyMismatch, "blind-index key"):
            vault.blind_index_for("phone", "+1")


def waypoint(
    args: list[str], env: dict[str, str], timeout: int = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "waypoint", *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class StartupTests(SimpleTestCase):
    def test_it_fails_closed_without_a_master_key_in_production(self) -> None:
        result = waypoint(
            ["check"], {"WAYPOINT_MODE": "production", "WAYPOINT_SECRET_KEY": "s" * 60}
        )
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn(
            "WAYPOINT_MASTER_KEY (or WAYPOINT_MASTER_KEY_FILE) must be set", result.stderr
        )

    def test_it_refuses_a_master_key_that_is_not_32_bytes(self) -> None:
        short = base64.b64encode(bytes(16)).decode()
        result = waypoint(["check"], {"WAYPOINT_MODE": "test", "WAYPOINT_MASTER_KEY": short})
        self.assertEqual(result.returncode, 2)
        self.assertIn("WAYPOINT_MASTER_KEY decodes to 16 bytes; it must be 32", result.stderr)

    def test_it_refuses_to_serve_with_the_wrong_master_key(self) -> None:
        with tempfile.TemporaryDirectory() as var:
            env = {
                "WAYPOINT_MODE": "test",
                "WAYPOINT_VAR_DIR": var,
                "WAYPOINT_DATABASE_URL": f"sqlite:///{Path(var) / 'waypoint.sqlite3'}",
            }
            for args in (["migrate", "-v0"], ["demo", "--incidents", "3", "-v0"]):
                result = waypoint(args, env)
                self.assertEqual(result.returncode, 0, result.stderr)
            wrong = {**env, "WAYPOINT_MASTER_KEY": OTHER_MASTER_KEY}
            check = waypoint(["check"], wrong)
            serve = waypoint(["serve", "--port", "8799"], wrong, timeout=60)
            right = waypoint(["check"], env)
        self.assertEqual(check.returncode, 1)
        self.assertIn("the master key does not match this database", check.stderr)
        self.assertEqual(serve.returncode, 1)
        self.assertIn("the master key does not match this database", serve.stderr)
        self.assertEqual(right.returncode, 0, right.stderr)
