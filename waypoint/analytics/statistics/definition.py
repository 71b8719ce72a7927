"""The shape every standard table module has."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from waypoint.analytics.statistics.spec import SpecError, StatSpec
from waypoint.analytics.table import StatTable

Text = str | Promise


@dataclass(frozen=True)
class StandardTable:
    """A standard table: its stable id, what it shows, and the runner that computes it.

    ``dimensions`` and ``measures`` name the columns of the table as exports write them;
    ``compute`` turns a request into the unprotected ``StatTable`` (the disclosure gate comes
    after). ``description`` says in one sentence what is counted.
    """

    id: str
    title: Text
    unit: Text
    dimensions: tuple[str, ...]
    measures: tuple[str, ...]
    compute: Callable[[StatSpec], StatTable]
    #: For a table counted by ``cube``: the request's ``cube.Counting``, which the statistics
    #: summary also counts ahead of time per owner and label (``summary``).
    counting: Callable[[StatSpec], Any] | None = None
    description: Text = ""

    def run(self, spec: StatSpec) -> StatTable:
        if spec.table_id != self.id:
            raise SpecError(
                _("This request is for the table %(asked)s, not %(table)s.")
                % {"asked": spec.table_id, "table": self.id}
            )
        return self.compute(spec)
