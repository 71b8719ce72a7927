"""``waypoint create_user USERNAME --org CODE --role ROLE [--password-file F] [--token-file F]``
and ``waypoint create_user USERNAME --platform-admin``.

For an existing user the command adds the roles they lack and changes nothing else, so it can run
again safely. A new user's password comes from ``--password-file`` (never from the command line);
without it a strong random password is generated and printed once. ``--token-file`` creates an
API token for the user (a new one on every run) and writes it to that file, readable by its owner
only (mode 0600); the token is never printed.
"""

from __future__ import annotations

import os
import secrets
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from waypoint.api.actions import create_token
from waypoint.audit.log import Target, record
from waypoint.audit.models import Action
from waypoint.orgs.access import AccessDenied
from waypoint.orgs.management import arguments
from waypoint.orgs.models import Membership, Organisation, Role


class Command(BaseCommand):
    help = (
        "Create a user with a role in an organisation, or add the role to an existing user; "
        "or, with --platform-admin, a platform administrator (no organisation, no case content)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--org", metavar="CODE", help="the organisation's code")
        parser.add_argument(
            "--role",
            action="append",
            default=[],
            dest="roles",
            metavar="ROLE",
            help=f"one of {', '.join(Role.values)}; repeat for several",
        )
        parser.add_argument(
            "--password-file",
            metavar="F",
            help="read the new user's password from this file ('-' for standard input)",
        )
        parser.add_argument(
            "--token-file",
            metavar="F",
            help="create an API token for the user and write it to this file (mode 0600)",
        )
        parser.add_argument(
            "--platform-admin",
            action="store_true",
            help="make the user a platform administrator: manages organisations and users",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username = arguments.username(options["username"])
        organisation, roles = self._membership(options)
        password = None
        if options["password_file"]:
            password = arguments.password_from_file(options["password_file"], username)
        token_file = self._token_file(options)
        with transaction.atomic():
            user = get_user_model()._default_manager.filter(username=username).first()
            self._check_separation(user, options["platform_admin"], roles)
            if user is None:
                user = self._create(username, password, options["platform_admin"])
            else:
                self._report_existing(user, password)
            if options["platform_admin"]:
                self._make_platform_admin(user)
            for role in roles:
                self._add_role(user, organisation, role)
            if token_file is not None:
                # Inside the transaction: if the file cannot be written, nothing is kept.
                self._write_token(user, token_file)
        if settings.WAYPOINT_REQUIRE_2FA:
            self.stdout.write(
                f"{username} sets up two-factor sign-in (an authenticator app) at first sign-in."
            )

    @staticmethod
    def _token_file(options: dict[str, Any]) -> str | None:
        path = options["token_file"]
        if path and options["platform_admin"]:
            raise arguments.usage_error(
                "a platform administrator holds no API token: the API serves organisations' staff"
            )
        return path or None

    def _write_token(self, user: Any, path: str) -> None:
        try:
            token, text = create_token(actor=user, name="waypoint create_user")
        except AccessDenied:
            raise arguments.usage_error(
                f"{user.username} is disabled or belongs to no active organisation; "
                "no API token was created"
            ) from None
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        except OSError as exc:
            raise arguments.usage_error(
                f"cannot write --token-file {path}: {exc.strerror}"
            ) from None
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            os.fchmod(file.fileno(), 0o600)  # an existing file keeps its mode otherwise
            file.write(text + "\n")
        self.stdout.write(f"API token {token.name!r} (wpt_{token.prefix}_…) written to {path}.")

    @staticmethod
    def _membership(options: dict[str, Any]) -> tuple[Organisation | None, list[str]]:
        code, roles = options["org"], options["roles"]
        if options["platform_admin"]:
            if code or roles:
                raise arguments.usage_error(
                    "a platform administrator holds no organisation role: give --platform-admin "
                    "without --org and --role (and use a separate account for organisation work)"
                )
            return None, []
        if not code or not roles:
            raise arguments.usage_error(
                "give --org CODE and --role ROLE (or --platform-admin for a platform administrator)"
            )
        organisation = arguments.existing_organisation(arguments.organisation_code(code))
        cleaned = [arguments.role(role) for role in roles]
        return organisation, list(dict.fromkeys(cleaned))

    @staticmethod
    def _check_separation(user: Any, platform_admin: bool, roles: list[str]) -> None:
        if user is None:
            return
        if platform_admin and Membership.objects.filter(user=user).exists():
            raise arguments.usage_error(
                f"{user.username} holds organisation roles; a platform administrator holds none"
            )
        if roles and user.is_superuser:
            raise arguments.usage_error(
                f"{user.username} is a platform administrator, who holds no organisation role"
            )

    def _create(self, username: str, password: str | None, platform_admin: bool) -> Any:
        generated = password is None
        password = password or secrets.token_urlsafe(18)
        user = get_user_model()._default_manager.create_user(username, password=password)
        self.stdout.write(f"Created user {username}.")
        if generated:
            self.stdout.write(f"Password (shown only now): {password}")
        return user

    def _report_existing(self, user: Any, password: str | None) -> None:
        self.stdout.write(f"User {user.username} exists already.")
        if password is not None:
            self.stderr.write(
                f"The password of {user.username} was left unchanged; they change it on their "
                "account page."
            )
        if not user.is_active:
            self.stderr.write(
                f"{user.username} is disabled; enable them in the administration site."
            )

    def _make_platform_admin(self, user: Any) -> None:
        if user.is_staff and user.is_superuser:
            self.stdout.write(f"{user.username} is a platform administrator already.")
            return
        user.is_staff = user.is_superuser = True
        with transaction.atomic():
            user.save(update_fields=["is_staff", "is_superuser"])
            record(
                actor=None,
                action=Action.MEMBERSHIP_CHANGED,
                target=user,
                details={"role": "platform_admin", "change": "granted"},
            )
        self.stdout.write(f"{user.username} is now a platform administrator.")

    def _add_role(self, user: Any, organisation: Organisation | None, role: str) -> None:
        assert organisation is not None
        with transaction.atomic():
            _, created = Membership.objects.get_or_create(
                user=user, organisation=organisation, role=role
            )
            if created:
                record(
                    actor=None,
                    action=Action.MEMBERSHIP_CHANGED,
                    organisation=organisation,
                    target=Target("user", user.get_username(), organisation),
                    details={"role": role, "change": "granted"},
                )
        label = Role(role).label
        state = "added" if created else "held already"
        self.stdout.write(f"Role {role} ({label}) at {organisation.code}: {state}.")
