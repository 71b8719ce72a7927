"""Generating in a second process gives exactly the records of generating in this one."""

from __future__ import annotations

import subprocess
import sys

from django.test import SimpleTestCase

SCRIPT = """
import datetime, hashlib, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "waypoint.settings")
import django
django.setup()
from waypoint.demo.generate import generate
from waypoint.demo.personas import offline_world
from waypoint.demo.producer import in_background

today = datetime.date(2026, 11, 23)
make = lambda: generate(offline_world(), seed=7, count=1200, today=today)
inline = hashlib.sha256("\\n".join(map(repr, make())).encode()).hexdigest()
forked = hashlib.sha256("\\n".join(map(repr, in_background(make))).encode()).hexdigest()
print(inline == forked, inline[:12])
"""


class ProducerTests(SimpleTestCase):
    def test_it_yields_the_same_records_as_generating_inline(self) -> None:
        # A separate interpreter: the test runner's parallel workers may not fork children.
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(result.stdout.startswith("True "), result.stdout + result.stderr)
