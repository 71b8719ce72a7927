"""The few SQL forms that differ between SQLite and PostgreSQL, in one place.

Statistics are computed in the database. Most of a runner's query is plain Django ORM; what the ORM
cannot say portably lives here: the calendar year of a date without a per-row Python function,
and a JSON list with one more element. Expressions give their SQL through Django's per-database
hooks (``as_sqlite``, ``as_postgresql``).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Func
from django.db.models.sql.compiler import SQLCompiler

SqlParams = tuple[str, Any]


class Year(Func):
    """The calendar year of a date, NULL for no date.

    Django's own ``ExtractYear`` calls a Python function for every row on SQLite, which costs
    seconds on a million rows; an ISO date's first four characters are its year.
    """

    output_field = models.IntegerField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlParams:
        template = "CAST(SUBSTR(%(expressions)s, 1, 4) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlParams:
        template = "CAST(EXTRACT(YEAR FROM %(expressions)s) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template)


class JsonAppend(Func):
    """A JSON list with one more element at its end (a NULL list reads as empty)."""

    output_field = models.JSONField()

    def __init__(self, listed: Any, element: Any) -> None:
        super().__init__(listed, element)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlParams:
        (listed, element), params = self._compiled(compiler)
        return f"json_insert(COALESCE({listed}, '[]'), '$[#]', {element})", params

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlParams:
        (listed, element), params = self._compiled(compiler)
        return f"(COALESCE({listed}, '[]'::jsonb) || to_jsonb(CAST({element} AS text)))", params

    def _compiled(self, compiler: SQLCompiler) -> tuple[list[str], list[Any]]:
        sqls: list[str] = []
        params: list[Any] = []
        for expression in self.source_expressions:
            sql, more = compiler.compile(expression)
            sqls.append(sql)
            params.extend(more)
        return sqls, params


class RelatedText(Func):
    """What the rows related to the outer row hold in ``value``, joined into one text (NULL
    when there are none), for Python to read the codes from.

    ``source`` is a FROM clause over other tables (``cases_routeleg l``) and ``key`` its column
    that refers to the outer row (given as the only expression). One aggregate per outer row,
    without DISTINCT or JSON functions, is the cheapest way to ask what an incident's legs or
    victims hold; contributors with the same text are then grouped, and few texts differ.
    """

    output_field = models.TextField()
    SEPARATOR = "|"

    def __init__(self, outer: Any, *, source: str, key: str, value: str) -> None:
        super().__init__(outer)
        self.source, self.key, self.value = source, key, value

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlParams:
        return self._joined(compiler, f"group_concat({self.value}, '{self.SEPARATOR}')")

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlParams:
        return self._joined(compiler, f"string_agg(CAST({self.value} AS text), '{self.SEPARATOR}')")

    def _joined(self, compiler: SQLCompiler, aggregate: str) -> SqlParams:
        outer, params = compiler.compile(self.source_expressions[0])
        sql = f"(SELECT {aggregate} FROM {self.source} WHERE {self.key} = {outer})"
        return sql, params


class AsText(Func):
    """A JSON value as its text, to group by: PostgreSQL hashes text cheaply but sorts jsonb."""

    output_field = models.TextField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlParams:
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlParams:
        return self.as_sql(compiler, connection, template="CAST(%(expressions)s AS text)")
