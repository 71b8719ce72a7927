"""System checks: the master key opens the keys in the database, and every model with sealed
fields says where its key comes from.

Django runs them before ``waypoint serve`` (runserver), ``migrate``, ``check`` and most other
commands, so a server given the wrong master key refuses to start instead of failing on the first
page that needs a key.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError, connection

from waypoint.vault.fields import SealedTextField
from waypoint.vault.keys import MasterKeyMismatch, verify_master_key

KEY_TABLES = frozenset({"vault_organisationkey", "vault_indexkey"})


@checks.register(checks.Tags.security)
def check_master_key(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        if not set(connection.introspection.table_names()) >= KEY_TABLES:
            return []  # not migrated yet: there is nothing sealed to check against
        verify_master_key()
    except MasterKeyMismatch as error:
        return [
            checks.Error(
                str(error),
                hint="Set WAYPOINT_MASTER_KEY or WAYPOINT_MASTER_KEY_FILE to the key kept with "
                "this database's records (see docs/encryption.md).",
                id="vault.E001",
            )
        ]
    except DatabaseError:
        return []  # the database is unreachable; commands that need it will say so
    return []


@checks.register()
def check_sealed_models(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    problems: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if not any(isinstance(field, SealedTextField) for field in model._meta.concrete_fields):
            continue
        names = {field.name for field in model._meta.concrete_fields}
        if "public_id" not in names:
            problems.append(_error(model, "has sealed fields but no public_id", "vault.E002"))
        if not hasattr(model, "sealing_organisation_path") or not hasattr(
            model, "sealing_organisation_id"
        ):
            problems.append(
                _error(
                    model,
                    "has sealed fields but no sealing_organisation_path and "
                    "sealing_organisation_id()",
                    "vault.E003",
                )
            )
    return problems


def _error(model: Any, message: str, code: str) -> checks.Error:
    return checks.Error(f"{model._meta.label} {message}", obj=model, id=code)


def require_matching_master_key() -> None:
    """Stop a WSGI server from starting with a master key that does not match the database
    (WSGI servers run no system checks)."""
    errors = check_master_key()
    if errors:
        raise ImproperlyConfigured(errors[0].msg)
