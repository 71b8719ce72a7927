"""Database triggers that mark an organisation's statistics summary out of date.

Every write to what the standard tables count (incidents, persons, victimisations, offender
records, route legs) raises the version of the owner organisation's ``SummaryState``, whatever
made it: a form, the API, an import's raw ``executemany``, a migration or a hand-typed SQL
statement. The statistics then count that organisation's records from the records themselves
until its summary is built again (``analytics.statistics.summary``), so a figure never lags
behind the records.

PostgreSQL raises the version once per statement and organisation, from the statement's
transition tables. SQLite has only row triggers, and raising the version for each of the
hundreds of thousands of rows an import writes cost the import half as long again; there a row
raises it only if the organisation is up to date, or if a refresh has started to count its
current version (``SummaryState.counting``): otherwise the organisation is out of date already,
and no refresh in progress can count it as up to date. A refresh claims its version in a write of
its own, which SQLite's one writer at a time orders before or after any import's. Changing this
SQL needs a new migration that calls ``install()``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

STATE = "analytics_summarystate"

#: Per table: the owner of a row ``{row}`` as one SQL expression: NEW or OLD in a SQLite row
#: trigger, a row of the statement's transition table on PostgreSQL.
ROW_OWNER = {
    "cases_incident": "{row}.owner_id",
    "cases_person": "(SELECT owner_id FROM cases_incident WHERE id = {row}.incident_id)",
    "cases_routeleg": "(SELECT owner_id FROM cases_incident WHERE id = {row}.incident_id)",
    "cases_victimisation": (
        "(SELECT i.owner_id FROM cases_person p JOIN cases_incident i ON i.id = p.incident_id "
        "WHERE p.id = {row}.person_id)"
    ),
    "cases_offenderrecord": (
        "(SELECT i.owner_id FROM cases_person p JOIN cases_incident i ON i.id = p.incident_id "
        "WHERE p.id = {row}.person_id)"
    ),
}
EVENTS = ("insert", "update", "delete")


def _name(table: str, event: str) -> str:
    return f"summary_{table.removeprefix('cases_')}_{event}"


def _owners_sql(table: str, rows: str) -> str:
    """The distinct owners of the rows of ``rows`` (a transition table)."""
    owner = ROW_OWNER[table].format(row="r")
    return f"SELECT DISTINCT {owner} AS owner_id FROM {rows} r WHERE {owner} IS NOT NULL"


def _upsert(owners: str) -> str:
    """Raise the version of ``owners`` (a query of ``owner_id``), creating their state."""
    return (
        f"INSERT INTO {STATE} (owner_id, version, built, counting) "
        f"SELECT o.owner_id, 1, 0, 0 FROM ({owners}) o WHERE true "
        f"ON CONFLICT (owner_id) DO UPDATE SET version = {STATE}.version + 1"
    )


def _sqlite_triggers() -> dict[str, str]:
    """Row triggers whose WHEN clause, a lookup by primary key, is all most rows of an import
    cost: the row's owner is out of date already and no refresh is counting it."""
    triggers = {}
    for table in ROW_OWNER:
        for event in EVENTS:
            rows = {"insert": ["NEW"], "update": ["NEW", "OLD"], "delete": ["OLD"]}[event]
            owners = [ROW_OWNER[table].format(row=row) for row in rows]
            needed = [
                f"NOT EXISTS (SELECT 1 FROM {STATE} s WHERE s.owner_id = {owner} "
                "AND s.built < s.version AND s.counting < s.version)"
                for owner in owners
            ]
            body = "\n    ".join(
                f"INSERT INTO {STATE} (owner_id, version, built, counting) "
                f"SELECT {owner}, 1, 0, 0 WHERE {owner} IS NOT NULL AND {need} "
                f"ON CONFLICT (owner_id) DO UPDATE SET version = {STATE}.version + 1;"
                for owner, need in zip(owners, needed, strict=True)
            )
            triggers[_name(table, event)] = (
                f"CREATE TRIGGER {_name(table, event)} AFTER {event.upper()} ON {table}\n"
                f"WHEN {' OR '.join(needed)}\n"
                f"BEGIN\n    {body}\nEND"
            )
    return triggers


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
    return tuple((table, _name(table, event)) for table in ROW_OWNER for event in EVENTS)


def install(connection: Any) -> None:
    """Create (or re-create) the triggers on SQLite or PostgreSQL."""
    remove(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for sql in _sqlite_triggers().values():
                cursor.execute(sql)
        elif connection.vendor == "postgresql":
            for table in ROW_OWNER:
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


@contextmanager
def set_aside(owners: Sequence[int] | None = None) -> Iterator[None]:
    """For a bulk write inside one transaction (an import, the demo data): on SQLite, the row
    triggers are dropped for its duration and the organisations it wrote for (``None``: every
    organisation with records) marked once at its end, in the same transaction.

    On SQLite, merely having row triggers on the tables costs an import of 100,000 rows about a
    quarter more time, whatever they do (``bench/bench_import.py``). The transaction holds
    SQLite's one write lock from its first write to its commit, so no other connection writes
    while the triggers are away, and none sees them away; if the write fails, the rollback puts
    them back. PostgreSQL's triggers run once per statement and stay."""
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("the triggers may be set aside only inside a transaction")
    remove(connection)
    yield  # an exception leaves the rollback to put the triggers back
    install(connection)
    if owners is None:
        mark_every_owner(connection)
        return
    with connection.cursor() as cursor:
        for owner in owners:
            cursor.execute(_upsert("SELECT %s AS owner_id"), [owner])


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
