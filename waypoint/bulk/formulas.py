"""Spreadsheet formula neutralisation: exports quote text a spreadsheet would run as a formula,
and imports take the quote off again, so that a value survives export → edit → import."""

from __future__ import annotations

from typing import Any

#: A cell starting with one of these is read as a formula by Excel, LibreOffice or Sheets (tab
#: and carriage return because some programs drop them and read what follows).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: The same after leading blanks, which a reader that trims cells would drop.
FORMULA_SIGNS = ("=", "+", "-", "@")
APOSTROPHE = "'"


def _needs_quote(text: str) -> bool:
    return text.startswith((*FORMULA_START, APOSTROPHE)) or text.lstrip().startswith(FORMULA_SIGNS)


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed with an apostrophe.

    ``=HYPERLINK(…)``, ``+1``, ``-2+3``, ``@SUM(…)``, text starting with a tab or carriage return
    (or with blanks before ``= + - @``) become ``'=HYPERLINK(…)`` and so on: a spreadsheet shows
    them as text and never evaluates them. Only text is touched: a number the export writes as a
    number (a negative longitude, an amount) is a number to the spreadsheet too, whereas the
    text ``-2+3`` in a place name is quoted. Text that already starts with an apostrophe gets a
    second one, so that ``restore`` gives back exactly what was exported.
    """
    if isinstance(value, str) and _needs_quote(value):
        return APOSTROPHE + value
    return value


def restore(text: str) -> str:
    """The text ``neutralise`` was given: the importer's inverse of it."""
    if text.startswith(APOSTROPHE) and _needs_quote(text[1:]):
        return text[1:]
    return text
