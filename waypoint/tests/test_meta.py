"""Checks on the project as a whole."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.test import SimpleTestCase, TestCase


class MigrationTests(TestCase):
    def test_it_has_no_pending_migrations(self) -> None:
        out = io.StringIO()
        try:
            call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
        except SystemExit:
            self.fail(f"models and migrations differ:\n{out.getvalue()}")


class SettingsTests(SimpleTestCase):
    def test_it_fails_closed_without_a_secret_in_production(self) -> None:
        import subprocess
        import sys

        result = subprocess.run(
            [sys.executable, "-m", "waypoint", "check"],
            env={"PATH": "/usr/bin:/bin", "WAYPOINT_MODE": "production"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(result.returncode, 2)
        self.assertIn("WAYPOINT_SECRET_KEY", result.stderr)

    def test_it_reads_the_secret_from_a_file(self) -> None:
        import subprocess
        import sys
        import tempfile

        with tempfile.NamedTemporaryFile("w", suffix=".key") as key:
            key.write("k" * 60)
            key.flush()
            result = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='waypoint.settings'; "
                    "from django.conf import settings; print(settings.SECRET_KEY == 'k'*60, "
                    "settings.DEBUG, settings.SESSION_COOKIE_SECURE)",
                ],
                env={
                    "PATH": "/usr/bin:/bin",
                    "WAYPOINT_MODE": "production",
                    "WAYPOINT_SECRET_KEY_FILE": key.name,
                },
                capture_output=True,
                text=True,
                timeout=60,
            )
        self.assertEqual(result.stdout.split(), ["True", "False", "True"], result.stderr)
