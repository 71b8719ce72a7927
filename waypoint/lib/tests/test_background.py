"""A forked producer reports a failure or death of its child instead of hanging."""

from __future__ import annotations

import subprocess
import sys

from django.test import SimpleTestCase

# A separate interpreter: the test runner's parallel workers may not fork children.
SCRIPT = """
import os, sys
from waypoint.lib.background import BackgroundFailed, can_fork, in_background

def failing():
    yield from range(3)
    raise ValueError("row 4 is unreadable")

def dying():
    yield from range(3)
    os._exit(3)

assert can_fork()
assert list(in_background(lambda: iter(range(1200)))) == list(range(1200))
seen = []
try:
    for item in in_background(failing):
        seen.append(item)
except ValueError as error:
    print("raised", error, seen)
try:
    list(in_background(dying))
except BackgroundFailed as error:
    print("died", error)
"""


class BackgroundTests(SimpleTestCase):
    def test_it_yields_every_item_then_raises_the_childs_error_or_its_death(self) -> None:
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120
        )
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("raised row 4 is unreadable [0, 1, 2]", result.stdout)
        self.assertIn(
            "died the background process ended without finishing (exit code 3)", result.stdout
        )
