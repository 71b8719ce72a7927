"""No code reads organisation-owned rows except through the one way in.

Outside the modules listed in ``ALLOWED`` (each with the reason it may), a protected model's
manager may be used only as ``Model.objects.visible_to(user)``. Reading related rows from an
object the user may already see (``incident.persons.all()``) is not affected.
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.test import SimpleTestCase

PACKAGE = Path(__file__).resolve().parent.parent
PROTECTED = frozenset(
    {
        "Incident",
        "IncidentStatusChange",
        "Person",
        "PersonIdentifier",
        "Victimisation",
        "OffenderRecord",
        "StageChange",
        "RouteLeg",
        "Selector",
        "LabelChange",
        "IncidentRevision",
        "FieldChange",
        "AuditEvent",
        "Return",
        "ReturnValue",
    }
)
MANAGERS = frozenset({"objects", "_default_manager", "_base_manager"})
ALLOWED = {
    # The gate itself.
    "orgs/access.py",
    # QuerySet definitions, which the gate builds on.
    "cases/models.py",
    # Actions act for a user whose right to act was checked first; they re-read rows they were
    # given by primary key only to lock them, and write new rows.
    "cases/actions.py",
    # The synthetic-data generator writes as the system, never for a user.
    "demo/write.py",
    # The bulk writer shared by the demo and imports finds the next free ids.
    "cases/writing.py",
    # An import writes for its own organisation, after require_recorder: it looks up the
    # references it is about to create or update by owner, whoever may see each record.
    "bulk/engine.py",
    "demo/management/commands/demo.py",
    # The audit log's own tools read every event on purpose (verification, the operator's list).
    "audit/verify.py",
    "audit/log.py",
    "audit/management/commands/audit.py",
    "audit/access.py",
    "audit/models.py",
    # Key rotation re-seals every protected value as a system job (it reaches the tables
    # through the models generically, which this scan would not see; listed to document it).
    "vault/rotation.py",
    # The statistics' own gate: a user's statistics count what ``visible_to`` gives; public
    # statistics count the incidents their owners agreed to publish, whoever asks.
    "analytics/statistics/scope.py",
    # Correlated subqueries of the statistics (a route's legs, an incident's itemised migrants):
    # each reads rows beneath an incident the scope above already let through.
    "analytics/statistics/routes.py",
    "analytics/statistics/common.py",
    # Returns: the queryset definitions the gate builds on, and the actions on a return whose
    # organisation's roles were checked first.
    "returns/models.py",
    "returns/actions.py",
    # An import of returns writes for its own organisation, after require_recorder: it looks up
    # that organisation's returns for the periods it is about to write.
    "returns/importers/engine.py",
    # Pre-filling counts the records of the organisation whose return is filled, for a recorder
    # of that organisation (and for the regional tables, only for the user's own ones).
    "returns/prefill.py",
    # The demo writes its returns as the system, never for a user.
    "demo/returns.py",
    # The shared test fixtures.
    "test.py",
}


def unscoped_uses(source: str) -> list[tuple[int, str]]:
    found = []
    tree = ast.parse(source)
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGERS
            and isinstance(node.value, ast.Name)
            and node.value.id in PROTECTED
        ):
            continue
        parent = parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.attr == "visible_to":
            continue
        found.append((node.lineno, f"{node.value.id}.{node.attr}"))
    return found


class ScopingTests(SimpleTestCase):
    def test_it_reads_protected_models_only_through_the_gate(self) -> None:
        problems = []
        for path in sorted(PACKAGE.rglob("*.py")):
            relative = path.relative_to(PACKAGE).as_posix()
            if "/tests/" in f"/{relative}" or "/migrations/" in relative or relative in ALLOWED:
                continue
            for line, use in unscoped_uses(path.read_text(encoding="utf-8")):
                problems.append(f"waypoint/{relative}:{line}: {use} outside the access gate")
        self.assertEqual(problems, [])

    def test_it_notices_an_unscoped_query(self) -> None:
        source = "Incident.objects.filter(owner=org)\nPerson.objects.visible_to(user)\n"
        self.assertEqual(unscoped_uses(source), [(1, "Incident.objects")])
