"""Database triggers that refuse to change or delete audit events, below the ORM.

Even raw SQL through the application's connection cannot UPDATE, DELETE (or, on PostgreSQL,
TRUNCATE) an event. The one change allowed is the one Django makes when a user or organisation is
deleted: its reference in the event becomes NULL, while the copied user name or code stays.

The triggers stop mistakes and the application's own database account. A database superuser, or
the owner of the table, can drop them; ``waypoint audit verify`` then still detects what they
changed (see docs/audit.md). Changing this SQL needs a new migration that calls ``install()``.
"""

from __future__ import annotations

from typing import Any

from waypoint.audit.chain import HASHED_FIELDS

TABLE = "audit_auditevent"
REFERENCES = ("actor_id", "organisation_id", "target_organisation_id")
# Every other column; a test checks that this list covers the model.
FIXED_COLUMNS = (*HASHED_FIELDS, "hash")
MESSAGE = "audit events are append-only"


def _sqlite_unchanged() -> str:
    fixed = [f'NEW."{c}" IS OLD."{c}"' for c in FIXED_COLUMNS]
    references = [f'(NEW."{c}" IS OLD."{c}" OR NEW."{c}" IS NULL)' for c in REFERENCES]
    return "\n    AND ".join(fixed + references)


SQLITE_TRIGGERS = {
    "audit_event_no_update": f"""
CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON {TABLE}
WHEN NOT (
    {_sqlite_unchanged()}
)
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}: UPDATE refused');
END""",
    "audit_event_no_delete": f"""
CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON {TABLE}
BEGIN
    SELECT RAISE(ABORT, '{MESSAGE}: DELETE refused');
END""",
}

_JSON_WITHOUT_REFERENCES = "".join(f" - '{c}'" for c in REFERENCES)
_REFERENCES_ONLY_CLEARED = "\n           AND ".join(
    f"(NEW.{c} IS NULL OR NEW.{c} = OLD.{c})" for c in REFERENCES
)
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF (to_jsonb(NEW){_JSON_WITHOUT_REFERENCES}) = (to_jsonb(OLD){_JSON_WITHOUT_REFERENCES})
           AND {_REFERENCES_ONLY_CLEARED}
        THEN
            RETURN NEW;
        END IF;
    END IF;
    RAISE EXCEPTION '{MESSAGE}: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END;
$$"""
POSTGRES_TRIGGERS = {
    "audit_event_append_only": f"""
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON {TABLE}
FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()""",
    "audit_event_no_truncate": f"""
CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON {TABLE}
FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()""",
}


def expected_triggers(connection: Any) -> tuple[str, ...]:
    if connection.vendor == "sqlite":
        return tuple(SQLITE_TRIGGERS)
    if connection.vendor == "postgresql":
        return tuple(POSTGRES_TRIGGERS)
    return ()


def install(connection: Any) -> None:
    """Create (or re-create) the triggers; the same call works on SQLite and PostgreSQL."""
    remove(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in SQLITE_TRIGGERS.values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION)
            for sql in POSTGRES_TRIGGERS.values():
                cursor.execute(sql)


def remove(connection: Any) -> None:
    """Drop the triggers: for ``waypoint flush`` and for tests that simulate tampering."""
    with connection.cursor() as cursor:
        for name in expected_triggers(connection):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {TABLE}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def missing_triggers(connection: Any) -> list[str]:
    """The expected triggers that are absent (or, on PostgreSQL, disabled)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE]
            )
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass "
                "AND NOT tgisinternal AND tgenabled <> 'D'",
                [TABLE],
            )
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected_triggers(connection) if name not in present]


def install_for_migration(apps: Any, schema_editor: Any) -> None:
    install(schema_editor.connection)


def remove_for_migration(apps: Any, schema_editor: Any) -> None:
    remove(schema_editor.connection)
