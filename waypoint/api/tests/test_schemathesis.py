"""Property-based checks of the live API against its own OpenAPI document (schemathesis).

A live server on a free loopback port, in this process and on the test database (SQLite or
PostgreSQL alike), with a token of a reporting officer; schemathesis generates requests from
the document for every operation, valid and invalid, and checks every answer: no server error,
every status and body as documented, invalid data refused, valid data accepted, methods and
authentication honoured, deleted records gone. Its examples are bounded so the run stays under
two minutes.
"""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.contrib.auth.models import User
from django.core.cache import cache
from django.test import LiveServerTestCase, override_settings, tag

from waypoint.api.actions import create_token
from waypoint.cases.models import Incident, Label
from waypoint.orgs.models import Membership, Organisation, Role, SharingAgreement

MAX_EXAMPLES = int(os.environ.get("WAYPOINT_SCHEMATHESIS_EXAMPLES", "25"))
FULL = bool(os.environ.get("WAYPOINT_SCHEMATHESIS_FULL"))
SEED = 20261123

# Schema-valid documents are refused with 422 when they break a rule of the data model that a
# schema cannot state (codes from the reference tables, counts against persons, legs that join
# up); and with 400 when a recorder records for several organisations. Both are documented.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422", "429"]
"""


def excluding(*operations: str) -> list[str]:
    return [option for name in operations for option in ("--exclude-operation-id", name)]


def including(*operations: str) -> list[str]:
    return [option for name in operations for option in ("--include-operation-id", name)]


@tag("slow")
@override_settings(WAYPOINT_API_RATE="1000000/min")
class SchemathesisTests(LiveServerTestCase):
    # Reference data comes from data migrations; restore it after the flush that ends the test.
    serialized_rollback = True

    def setUp(self) -> None:
        super().setUp()
        cache.clear()
        own = Organisation.objects.create(
            code="ORG-A", name="Organisation A", type="national_authority", country="ITA"
        )
        partner = Organisation.objects.create(
            code="ORG-B", name="Organisation B", type="national_authority", country="GRC"
        )
        SharingAgreement.objects.create(owner=partner, partner=own)
        bruno = User.objects.create_user("bruno")
        Membership.objects.create(user=bruno, organisation=own, role=Role.REPORTER)
        for number, (owner, label) in enumerate(
            [(own, Label.RED), (own, Label.GREEN), (partner, Label.AMBER), (partner, Label.RED)]
        ):
            Incident.objects.create(
                owner=owner,
                reference=f"ST-{number}",
                label=label,
                kinds=["smuggling_of_migrants"],
                date_start=datetime.date(2024, 5, 17),
                date_precision="day",
                country="ITA",
            )
        self.token = create_token(actor=bruno, name="schemathesis")[1]

    def test_it_keeps_every_answer_to_the_documented_contract(self) -> None:
        # The coverage phase tries every boundary of every field: about a thousand requests for
        # each incident document, which takes a minute each; the writes of whole documents get
        # the bounded phases only, unless WAYPOINT_SCHEMATHESIS_FULL is set.
        documents = () if FULL else ("create_incident", "replace_incident")
        self.run_schemathesis(
            "--phases", "examples,coverage", *excluding("revoke_token", *documents)
        )
        self.run_schemathesis("--phases", "fuzzing,stateful", *excluding("revoke_token"))
        # Revoking tokens runs on its own, last: within the other runs, the stateful phase would
        # find the run's own token in the list of tokens and revoke it.
        self.run_schemathesis(*including("create_token", "revoke_token"))

    def run_schemathesis(self, *selection: str) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        config = Path(folder.name) / "schemathesis.toml"
        config.write_text(CONFIG, encoding="utf-8")
        command = [
            str(Path(sys.executable).with_name("st")),
            "--config-file",
            str(config),
            "--no-color",
            "run",
            f"{self.live_server_url}/api/v1/openapi.json",
            *selection,
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {self.token}",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            str(SEED),
            "--workers",
            "1",
            "--request-timeout",
            "30",
        ]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=300, cwd=folder.name
        )
        # Its report is shown only when it found a problem: a passing run's closing banner reads
        # like a test runner's own last line and would muddle the suite's summary.
        self.assertEqual(
            result.returncode,
            0,
            f"schemathesis {' '.join(selection)}\n"
            + result.stdout[-20000:]
            + result.stderr[-5000:],
        )
