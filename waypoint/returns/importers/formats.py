"""The shape every returns importer has, what it is given while reading, and what it yields.

An importer reads the tables of a file (``waypoint.bulk.sources``: CSV in any common encoding
and delimiter, XLSX) and yields one ``ImportedFigure`` per figure it can read and one ``Issue``
per row (or cell) it cannot, naming the file, row, column and value and saying why. Whether such
a row stops the import or is left out is the format's ``leaves_out``: an organisation's own file
is corrected and imported again; a publisher's file cannot be, so what cannot be mapped is left
out and reported.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from waypoint.bulk.mapping import Issue, Rejected, text_of
from waypoint.bulk.sources import Row, Table
from waypoint.returns.models import Indicator, Questionnaire


class Place(NamedTuple):
    """Where a figure was read: the file, sheet, spreadsheet row number and column as written."""

    file: str
    sheet: str
    row: int
    column: str


@dataclass(slots=True)
class ImportedFigure:
    """One figure as a file gives it, with the return it belongs to."""

    questionnaire: str
    period: str
    indicator: str
    #: Breakdown name → category code (``{}`` for the indicator's total).
    categories: dict[str, str]
    value: Decimal | None
    censored_below: int | None
    place: Place
    note: str = ""


@dataclass
class ReadContext:
    """What an importer may need besides the tables, and where it leaves notices."""

    notices: list[str] = field(default_factory=list)
    #: Data rows read so far, for the progress bar and the report.
    rows: int = 0

    def notice(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def report_extra_columns(self, table: Table, known: Iterable[str]) -> None:
        """Name the columns of ``table`` the format does not read (reported, not fatal)."""
        known = set(known)
        extra = [table.written(column) for column in table.headers if column not in known]
        if extra:
            self.notice(
                _("%(where)s: columns not imported: %(columns)s")
                % {"where": where(table), "columns": ", ".join(extra)}
            )

    @cached_property
    def indicators(self) -> dict[str, Indicator]:
        return {indicator.code: indicator for indicator in Indicator.objects.all()}

    @cached_property
    def questionnaires(self) -> dict[str, Questionnaire]:
        return {q.code: q for q in Questionnaire.objects.prefetch_related("items__indicator")}

    @cached_property
    def asked(self) -> dict[str, frozenset[str]]:
        """Questionnaire code → the codes of the indicators it asks for."""
        return {
            code: frozenset(item.indicator.code for item in questionnaire.items.all())
            for code, questionnaire in self.questionnaires.items()
        }


@dataclass(frozen=True)
class Format:
    """An importable layout of aggregate figures.

    ``recognise`` scores how surely the tables' headers are this layout (0 not at all, 1 sure);
    ``read`` yields the figures and the issues of the rows it cannot read, in file order.
    """

    name: str
    title: str
    recognise: Callable[[list[Table]], float]
    read: Callable[[list[Table], ReadContext], Iterator[ImportedFigure | Issue]]
    #: True for a publisher's file: rows that cannot be mapped are left out and reported.
    #: False for the organisation's own file: any such row stops the import.
    leaves_out: bool
    description: str = ""


def sheet_of(table: Table) -> str:
    """The sheet name of a workbook's table; blank for CSV (whose ``sheet`` is the file's stem,
    as a row of it reports none)."""
    return table.sheet if table.file.lower().endswith((".xlsx", ".xlsm")) else ""


def where(table: Table) -> str:
    sheet = sheet_of(table)
    return table.file + (f", sheet {sheet}" if sheet else "")


def issue(row: Row, column: str, raw: Any, reason: str, code: str, accepted: str = "") -> Issue:
    """An import-report line about ``row``'s cell in ``column`` (as written in the file)."""
    return Issue(
        file=row.file,
        sheet=row.sheet,
        row=row.number,
        column=column,
        value=text_of(raw),
        reason=reason,
        accepted=accepted,
        code=code,
    )


def rejected_issue(row: Row, column: str, raw: Any, rejection: Rejected) -> Issue:
    return issue(row, column, raw, rejection.reason, rejection.code, rejection.accepted)


# Values -------------------------------------------------------------------------------------

#: ``<5``: the publisher says only that the figure is below 5.
_CENSORED = re.compile(r"^<\s*(\d+)$")
#: A number, with thousands separated by commas or spaces (``1,282``, ``12 400``) or not.
_NUMBER = re.compile(r"^(\d{1,3}(?:([, \u00a0\u202f])\d{3})(?:\2\d{3})*|\d+)(\.\d+)?$")


def figure_value(raw: Any) -> tuple[Decimal | None, int | None]:
    """``(value, censored_below)`` of a cell: a number (``1282``, ``1,282``, ``12.5``), a
    censored figure (``<5``: value None, censored below 5) or blank (None, None: not available).

    Raises ``Rejected`` for anything else, a negative figure or more than two decimals.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if isinstance(raw, bool):
        raise _not_a_number(raw)
    if isinstance(raw, int | Decimal):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise _not_a_number(raw)
        value = Decimal(repr(raw))
    else:
        text = str(raw).strip()
        censored = _CENSORED.match(text)
        if censored:
            bound = int(censored.group(1))
            if bound < 1:
                raise _not_a_number(raw)
            return None, bound
        value = _number(text, raw)
    if value < 0:
        raise Rejected(
            _("A figure cannot be negative: %(value)s.") % {"value": text_of(raw)},
            _("0 or more"),
            "negative",
        )
    if value != value.quantize(Decimal("0.01"), rounding="ROUND_DOWN"):
        raise Rejected(
            _("A figure has at most two decimals."), _("a number such as 12 or 12.5"), "decimals"
        )
    return value, None


def _number(text: str, raw: Any) -> Decimal:
    sign = -1 if text.startswith("-") else 1
    found = _NUMBER.match(text.lstrip("+-"))
    if not found:
        raise _not_a_number(raw)
    digits = found.group(0)
    if found.group(2):
        digits = digits.replace(found.group(2), "")
    try:
        return sign * Decimal(digits)
    except InvalidOperation:
        raise _not_a_number(raw) from None


def _not_a_number(raw: Any) -> Rejected:
    return Rejected(
        _("“%(value)s” is not a figure.") % {"value": text_of(raw)},
        _("a number (1282 or 1,282), <5 for a censored figure, or blank"),
        "not_a_number",
    )


def censored_bound(raw: Any) -> int | None:
    """A ``censored_below`` cell: blank or a whole number of at least 1."""
    text = text_of(raw)
    if not text:
        return None
    if isinstance(raw, float) and raw.is_integer():
        text = str(int(raw))
    if not text.isdigit() or int(text) < 1:
        raise Rejected(
            _("“%(value)s” is not a bound: give the whole number the figure is below.")
            % {"value": text},
            _("a whole number such as 5, or blank"),
            "invalid_bound",
        )
    return int(text)
