"""``waypoint create_org`` and ``waypoint create_user``."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError

from waypoint.orgs.models import Membership, Organisation
from waypoint.test import PASSWORD, BaseTestCase


def run(command: str, *args: str, **options: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(command, *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


class CommandTestCase(BaseTestCase):
    def assertUsageError(self, pattern: str, command: str, *args: str) -> None:
        with self.assertRaisesRegex(CommandError, pattern) as caught:
            run(command, *args)
        self.assertEqual(caught.exception.returncode, 2)

    def password_file(self, text: str) -> str:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        path = Path(folder.name) / "password"
        path.write_text(text, encoding="utf-8")
        return str(path)


class CreateOrgTests(CommandTestCase):
    ARGS = ("NGA-NAPTIP", "--name", "Nigeria — Anti-Trafficking Agency", "--country", "NGA")

    def test_it_creates_an_organisation(self) -> None:
        out, _ = run(
            "create_org",
            *self.ARGS,
            "--type",
            "national_authority",
            "--purpose",
            "protection",
            "criminal_investigation",
            "--purpose",
            "statistics",
        )
        organisation = Organisation.objects.get(code="NGA-NAPTIP")
        self.assertEqual(organisation.name, "Nigeria — Anti-Trafficking Agency")
        self.assertEqual(organisation.country, "NGA")
        self.assertEqual(organisation.type, "national_authority")
        self.assertEqual(
            organisation.purposes, ["protection", "criminal_investigation", "statistics"]
        )
        self.assertIn("Created organisation NGA-NAPTIP", out)

    def test_it_accepts_a_country_code_in_small_letters(self) -> None:
        run("create_org", "X-1", "--name", "X", "--country", "ita", "--type", "ngo")
        self.assertEqual(Organisation.objects.get(code="X-1").country, "ITA")

    def test_it_changes_nothing_when_run_again_with_the_same_values(self) -> None:
        run("create_org", *self.ARGS, "--type", "ngo")
        out, _ = run("create_org", *self.ARGS, "--type", "ngo")
        self.assertIn("exists already; nothing changed", out)
        self.assertEqual(Organisation.objects.filter(code="NGA-NAPTIP").count(), 1)

    def test_it_reports_an_existing_organisation_that_differs(self) -> None:
        run("create_org", *self.ARGS, "--type", "ngo")
        with self.assertRaisesRegex(
            CommandError, "type is 'ngo', not 'national_authority'"
        ) as caught:
            run("create_org", *self.ARGS, "--type", "national_authority")
        self.assertEqual(caught.exception.returncode, 1)
        self.assertEqual(Organisation.objects.get(code="NGA-NAPTIP").type, "ngo")

    def test_it_rejects_a_malformed_code_suggesting_capitals(self) -> None:
        self.assertUsageError(
            r"organisation code 'nga-pol' is not accepted: .* did you mean NGA-POL\?",
            "create_org",
            "nga-pol",
            "--name",
            "X",
            "--country",
            "NGA",
            "--type",
            "ngo",
        )
        self.assertUsageError(
            "is not accepted",
            "create_org",
            "A" * 33,
            "--name",
            "X",
            "--country",
            "NGA",
            "--type",
            "ngo",
        )

    def test_it_rejects_an_empty_name(self) -> None:
        self.assertUsageError(
            "--name must be between 1 and 200 characters",
            "create_org",
            "X-1",
            "--name",
            "  ",
            "--country",
            "ITA",
            "--type",
            "ngo",
        )

    def test_it_rejects_an_unknown_country_naming_the_closest_codes(self) -> None:
        self.assertUsageError(
            r"unknown country 'ITL': use an ISO 3166-1 alpha-3 code .*did you mean ITA",
            "create_org",
            "X-1",
            "--name",
            "X",
            "--country",
            "ITL",
            "--type",
            "ngo",
        )

    def test_it_rejects_an_unknown_type_listing_the_accepted_ones(self) -> None:
        self.assertUsageError(
            r"unknown organisation type 'police'; accepted: international_organisation, "
            r"multi_agency_centre, national_authority, ngo, other",
            "create_org",
            "X-1",
            "--name",
            "X",
            "--country",
            "ITA",
            "--type",
            "police",
        )

    def test_it_rejects_an_unknown_purpose_suggesting_the_closest(self) -> None:
        self.assertUsageError(
            r"unknown purpose 'statistic'; accepted: .*did you mean statistics\?",
            "create_org",
            "X-1",
            "--name",
            "X",
            "--country",
            "ITA",
            "--type",
            "ngo",
            "--purpose",
            "statistic",
        )
        self.assertFalse(Organisation.objects.filter(code="X-1").exists())

    def test_it_requires_name_country_and_type(self) -> None:
        with self.assertRaisesRegex(CommandError, "--name, --country, --type"):
            run("create_org", "X-1")


class CreateUserTests(CommandTestCase):
    def test_it_creates_a_user_with_a_generated_password_shown_once(self) -> None:
        out, _ = run("create_user", "farah", "--org", "ORG-A", "--role", "reporter")
        user = User.objects.get(username="farah")
        password = out.split("Password (shown only now): ")[1].split()[0]
        self.assertGreaterEqual(len(password), 20)
        self.assertTrue(user.check_password(password))
        self.assertTrue(
            Membership.objects.filter(user=user, organisation=self.org_a, role="reporter").exists()
        )
        self.assertIn("sets up two-factor sign-in", out)
        self.assertFalse(user.is_staff or user.is_superuser)

    def test_it_reads_the_password_from_a_file(self) -> None:
        path = self.password_file("a long enough passphrase 7\n")
        out, _ = run(
            "create_user", "farah", "--org", "ORG-A", "--role", "analyst", "--password-file", path
        )
        self.assertTrue(
            User.objects.get(username="farah").check_password("a long enough passphrase 7")
        )
        self.assertNotIn("a long enough passphrase", out)
        self.assertNotIn("Password (shown only now)", out)

    def test_it_reads_the_password_from_standard_input(self) -> None:
        with mock.patch("sys.stdin", io.StringIO("another long passphrase 9\n")):
            run(
                "create_user",
                "farah",
                "--org",
                "ORG-A",
                "--role",
                "analyst",
                "--password-file",
                "-",
            )
        self.assertTrue(
            User.objects.get(username="farah").check_password("another long passphrase 9")
        )

    def test_it_gives_several_roles_at_once(self) -> None:
        run("create_user", "farah", "--org", "ORG-B", "--role", "reporter", "--role", "org_admin")
        roles = set(
            Membership.objects.filter(user__username="farah").values_list("role", flat=True)
        )
        self.assertEqual(roles, {"reporter", "org_admin"})

    def test_it_adds_a_role_to_an_existing_user_and_changes_nothing_else(self) -> None:
        path = self.password_file("a different passphrase 8")
        out, err = run(
            "create_user", "amara", "--org", "ORG-B", "--role", "auditor", "--password-file", path
        )
        self.assertIn("User amara exists already.", out)
        self.assertIn("Role auditor (auditor) at ORG-B: added.", out)
        self.assertIn("password of amara was left unchanged", err)
        self.amara.refresh_from_db()
        self.assertTrue(self.amara.check_password(PASSWORD))
        out, _ = run("create_user", "amara", "--org", "ORG-B", "--role", "auditor")
        self.assertIn("held already", out)
        self.assertEqual(Membership.objects.filter(user=self.amara).count(), 2)

    def test_it_creates_a_platform_administrator(self) -> None:
        run("create_user", "admin2", "--platform-admin")
        user = User.objects.get(username="admin2")
        self.assertTrue(user.is_staff and user.is_superuser)
        self.assertFalse(Membership.objects.filter(user=user).exists())

    def test_it_keeps_platform_administrators_apart_from_organisation_roles(self) -> None:
        self.assertUsageError(
            "a platform administrator holds no organisation role",
            "create_user",
            "x",
            "--platform-admin",
            "--org",
            "ORG-A",
            "--role",
            "analyst",
        )
        self.assertUsageError(
            "amara holds organisation roles", "create_user", "amara", "--platform-admin"
        )
        self.assertUsageError(
            "eve is a platform administrator",
            "create_user",
            "eve",
            "--org",
            "ORG-A",
            "--role",
            "analyst",
        )

    def test_it_requires_an_organisation_and_a_role(self) -> None:
        self.assertUsageError("give --org CODE and --role ROLE", "create_user", "farah")
        self.assertUsageError(
            "give --org CODE and --role ROLE", "create_user", "farah", "--org", "ORG-A"
        )
        self.assertUsageError(
            "give --org CODE and --role ROLE", "create_user", "farah", "--role", "analyst"
        )

    def test_it_rejects_an_unknown_organisation_naming_the_closest(self) -> None:
        self.assertUsageError(
            r"unknown organisation 'ORG-C'; did you mean ORG-A, ORG-B\?",
            "create_user",
            "farah",
            "--org",
            "ORG-C",
            "--role",
            "analyst",
        )

    def test_it_rejects_an_inactive_organisation(self) -> None:
        Organisation.objects.filter(code="ORG-A").update(is_active=False)
        self.assertUsageError(
            "organisation ORG-A is inactive",
            "create_user",
            "farah",
            "--org",
            "ORG-A",
            "--role",
            "analyst",
        )

    def test_it_rejects_an_unknown_role_listing_the_roles(self) -> None:
        self.assertUsageError(
            r"unknown role 'admin'; accepted: reporter \(reporting officer\), analyst \(analyst\), "
            r"intake_officer \(intake officer\), org_admin \(organisation administrator\), "
            r"auditor \(auditor\)",
            "create_user",
            "farah",
            "--org",
            "ORG-A",
            "--role",
            "admin",
        )
        self.assertFalse(User.objects.filter(username="farah").exists())

    def test_it_rejects_a_malformed_user_name(self) -> None:
        self.assertUsageError(
            "user name 'far ah' is not accepted",
            "create_user",
            "far ah",
            "--org",
            "ORG-A",
            "--role",
            "analyst",
        )

    def test_it_rejects_a_weak_password_saying_why(self) -> None:
        path = self.password_file("farah2024")
        self.assertUsageError(
            "is not accepted: The password is too similar to the username. This password is too short",
            "create_user",
            "farah",
            "--org",
            "ORG-A",
            "--role",
            "analyst",
            "--password-file",
            path,
        )
        self.assertFalse(User.objects.filter(username="farah").exists())

    def test_it_rejects_a_missing_or_empty_password_file(self) -> None:
        missing = str(Path(self.password_file("x")).with_name("missing"))
        self.assertUsageError(
            "cannot read --password-file .*missing: No such file",
            "create_user",
            "farah",
            "--org",
            "ORG-A",
            "--role",
            "analyst",
            "--password-file",
            missing,
        )
        self.assertUsageError(
            "--password-file .* is empty",
            "create_user",
            "farah",
            "--org",
            "ORG-A",
            "--role",
            "analyst",
            "--password-file",
            self.password_file("\n"),
        )

    def test_it_writes_an_api_token_to_the_token_file(self) -> None:
        # More in waypoint/api/tests/test_tokens.py (CreateUserTokenTests).
        path = Path(self.password_file("")).with_name("token")
        run(
            "create_user", "farah", "--org", "ORG-A", "--role", "analyst", "--token-file", str(path)
        )
        self.assertTrue(path.read_text(encoding="utf-8").startswith("wpt_"))
        self.assertTrue(User.objects.get(username="farah").api_tokens.exists())
