"""Checks on the project as a whole."""

from __future__ import annotations

import base64
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
                    "WAYPOINT_MASTER_KEY": base64.b64encode(b"m" * 32).decode(),
                },
                capture_output=True,
                text=True,
                timeout=60,
            )
        self.assertEqual(result.stdout.split(), ["True", "False", "True"], result.stderr)


class FieldClassTests(SimpleTestCase):
    def test_it_classifies_every_field_of_every_model(self) -> None:
        from django.apps import apps

        from waypoint.lib.fieldclasses import FieldClass

        problems = []
        for model in apps.get_models():
            if not model.__module__.startswith("waypoint."):
                continue
            declared = getattr(model, "field_classes", None)
            if declared is None:
                problems.append(f"{model.__name__} declares no field_classes")
                continue
            fields = {
                field.name
                for field in model._meta.get_fields()
                if field.concrete or (field.many_to_many and not field.auto_created)
            }
            if "*" in declared:
                continue
            problems += [
                f"{model.__name__}.{name} is unclassified" for name in fields - set(declared)
            ]
            problems += [
                f"{model.__name__}.{name} is not a field" for name in set(declared) - fields
            ]
            problems += [
                f"{model.__name__}.{name}: {value!r} is not a field class"
                for name, value in declared.items()
                if not isinstance(value, FieldClass)
            ]
        self.assertEqual(problems, [])
