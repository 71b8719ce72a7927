"""Database triggers that mark an organisation's statistics summary out of date.

Every write to what the standard tables count (incidents, persons, victimisations, offender
records, route legs) raises the version of the owner organisation's ``SummaryState``, whatever
made it: a form, the API, an import's raw ``executemany``, a migration or a hand-typed SQL
statement. The statistics then count that organisation's records from the records themselves
until its summary is built again (``analytics.statistics.summary``), so a figure never lags
behind the records.

SQLite has only row triggers: each row written raises the version once. PostgreSQL raises it
once per statement and organisation, from the statement's transition tables. Changing this SQL
needs a new migration that calls ``install()``.
"""

from __future__ import annotations

from typing import Any

STATE = "analytics_summarystate"

#: Per table: how a row reaches its incident's owner, as SQL over the row's alias ``r``.
OWNER_OF = {
    "cases_incident": ("r.owner_id", ""),
    "cases_person": ("i.owner_id", "JOIN cases_incident i ON i.id = r.incident_id"),
    "cases_routeleg": ("i.owner_id", "JOIN cases_incident i ON i.id = r.incident_id"),
    "cases_victimisation": (
        "i.owner_id",
        "JOIN cases_person p ON p.id = r.person_id JOIN cases_incident i ON i.id = p.incident_id",
    ),
    "cases_offenderrecord": (
        "i.owner_id",
        "JOIN cases_person p ON p.id = r.person_id JOIN cases_incident i ON i.id = p.incident_id",
    ),
}
EVENTS = ("insert", "update", "delete")


def _name(table: str, event: str) -> str:
    return f"summary_{table.removeprefix('cases_')}_{event}"


def _owners_sql(table: str, rows: str) -> str:
    """The distinct owners of the rows of ``rows`` (a table or a row's alias)."""
    owner, joins = OWNER_OF[table]
    return f"SELECT DISTINCT {owner} AS owner_id FROM {rows} r {joins} WHERE {owner} IS NOT NULL"


def _upsert(owners: str) -> str:
    return (
        f"INSERT INTO {STATE} (owner_id, version, built) "
        f"SELECT o.owner_id, 1, 0 FROM ({owners}) o WHERE true "
        f"ON CONFLICT (owner_id) DO UPDATE SET version = {STATE}.version + 1"
    )


def _sqlite_triggers() -> dict[str, str]:
    triggers = {}
    for table in OWNER_OF:
        for event in EVENTS:
            rows = {"insert": ["NEW"], "update": ["NEW", "OLD"], "delete": ["OLD"]}[event]
            # The row as a one-row table, so that the joins read as on PostgreSQL.
            statements = []
            for row in rows:
                columns = ", ".join(
                    f"{row}.{column} AS {column}" for column in _columns_read(table)
                )
                statements.append(_upsert(_owners_sql(table, f"(SELECT {columns})")) + ";")
            body = "\n    ".join(statements)
            triggers[_name(table, event)] = (
                f"CREATE TRIGGER {_name(table, event)} AFTER {event.upper()} ON {table}\n"
                f"BEGIN\n    {body}\nEND"
            )
    return triggers


def _columns_read(table: str) -> tuple[str, ...]:
    if table == "cases_incident":
        return ("owner_id",)
    if table in ("cases_person", "cases_routeleg"):
        return ("incident_id",)
    return ("person_id",)


def _postgres_function(table: str, event: str) -> str:
    rows = {"insert": ["new_rows"], "update": ["new_rows", "old_rows"], "delete": ["old_rows"]}
    owners = " UNION ".join(_owners_sql(table, name) for name in rows[event])
    return f"""
CREATE OR REPLACE FUNCTION {_name(table, event)}() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    {_upsert(owners)};
    RETURN NULL;
END;
$$"""


def _postgres_trigger(table: str, event: str) -> str:
    referencing = {
        "insert": "NEW TABLE AS new_rows",
        "update": "NEW TABLE AS new_rows OLD TABLE AS old_rows",
        "delete": "OLD TABLE AS old_rows",
    }[event]
    return (
        f"CREATE TRIGGER {_name(table, event)} AFTER {event.upper()} ON {table} "
        f"REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {_name(table, event)}()"
    )


def expected_triggers() -> tuple[tuple[str, str], ...]:
    """Every trigger as (table, name)."""
    return tuple((table, _name(table, event)) for table in OWNER_OF for event in EVENTS)


def install(connection: Any) -> None:
    """Create (or re-create) the triggers on SQLite or PostgreSQL."""
    remove(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in _sqlite_triggers().values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for table in OWNER_OF:
                for event in EVENTS:
                    cursor.execute(_postgres_function(table, event))
                    cursor.execute(_postgres_trigger(table, event))


def remove(connection: Any) -> None:
    with connection.cursor() as cursor:
        for table, name in expected_triggers():
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            elif connection.vendor == "sqlite":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def missing_triggers(connection: Any) -> list[str]:
    """The expected triggers that are absent (or, on PostgreSQL, disabled)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
            )
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return [name for _table, name in expected_triggers() if name not in present]


def install_for_migration(apps: Any, schema_editor: Any) -> None:
    install(schema_editor.connection)
    mark_every_owner(schema_editor.connection)


def remove_for_migration(apps: Any, schema_editor: Any) -> None:
    remove(schema_editor.connection)


def mark_every_owner(connection: Any) -> None:
    """Records written while the triggers were not there: their owners' summaries are out of
    date."""
    with connection.cursor() as cursor:
        cursor.execute(_upsert("SELECT DISTINCT owner_id FROM cases_incident"))
