from __future__ import annotations

import tempfile
import unittest

from waypoint.lib.env import ConfigurationError, env_bool, env_choice, env_int, env_secret


class EnvTests(unittest.TestCase):
    def test_it_reads_booleans_in_common_spellings(self) -> None:
        self.assertTrue(env_bool("X", environ={"X": "Yes"}))
        self.assertFalse(env_bool("X", environ={"X": "0"}))
        self.assertTrue(env_bool("X", default=True, environ={}))

    def test_it_rejects_a_malformed_boolean_naming_the_setting(self) -> None:
        with self.assertRaisesRegex(ConfigurationError, "X='maybe' is not a boolean"):
            env_bool("X", environ={"X": "maybe"})

    def test_it_rejects_a_malformed_number(self) -> None:
        with self.assertRaisesRegex(ConfigurationError, "not a whole number"):
            env_int("X", 1, environ={"X": "ten"})

    def test_it_prefers_the_secret_file(self) -> None:
        with tempfile.NamedTemporaryFile("w") as secret:
            secret.write("from-file\n")
            secret.flush()
            environ = {"S_FILE": secret.name, "S": "from-env"}
            self.assertEqual(env_secret("S", environ=environ), "from-file")

    def test_it_reports_an_unreadable_secret_file(self) -> None:
        with self.assertRaisesRegex(ConfigurationError, "cannot be read"):
            env_secret("S", environ={"S_FILE": "/nonexistent/key"})

    def test_it_lists_accepted_choices(self) -> None:
        with self.assertRaisesRegex(ConfigurationError, "use one of: a, b"):
            env_choice("M", ("a", "b"), "a", environ={"M": "c"})
