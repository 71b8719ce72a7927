"""From cells to model values, remembering where each value came from.

An importer reads rows and fills an ``IncidentDraft`` through a ``RecordBuilder``. Each value
passes a converter (``country``, ``term``, ``date`` …) that understands what real files hold —
``CO`` and ``Colombia`` for ``COL``, ``18--20`` for an age, ``1-Sep-20`` for a date — and either
answers the code or raises ``Rejected`` with the reason and what would be accepted. The builder
records the cell behind every value it sets (``persons[1].citizenship`` → row 14, column
``citizenship``), so that a rule broken later, in the domain validation of the whole incident,
is still reported against the cell the user has to fix.
"""

from __future__ import annotations

import datetime
import decimal
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from waypoint.bulk.formulas import restore
from waypoint.bulk.sources import Row
from waypoint.cases.validation import IncidentDraft
from waypoint.reference import catalogue
from waypoint.reference.models import MISSING_ANSWERS, Country, Term


class Cell:
    """Where a value was read: enough to point a user at it.

    One is made for every value an import takes, and few are ever read (only for a broken rule),
    so the cell's text is worked out when asked for.
    """

    __slots__ = ("_raw", "_source", "column")

    def __init__(self, source: Row, column: str, raw: Any) -> None:
        self._source, self.column, self._raw = source, column, raw

    @property
    def file(self) -> str:
        return self._source.file

    @property
    def sheet(self) -> str:
        return self._source.sheet

    @property
    def row(self) -> int:
        return self._source.number

    @property
    def value(self) -> str:
        return text_of(self._raw)

    def __repr__(self) -> str:
        return f"Cell({self.file!r}, {self.sheet!r}, {self.row}, {self.column!r}, {self.value!r})"


class PartCells:
    """Where one part of a record (the incident, a person, a leg) was read: its row and the
    table's columns of the part.

    It stands for the cells of the part's values, which are made only when a broken rule asks
    where a value came from (most records break none), rather than one for every value read.
    """

    __slots__ = ("columns", "note", "row")

    def __init__(self, row: Row, columns: Mapping[str, tuple[str, str]], note: bool) -> None:
        #: Field → (column, header as written), in the table's order.
        self.columns = columns
        #: Whether the part's first filled cell answers for the part as a whole.
        self.note = note
        self.row = row

    def find(self, below: str) -> Cell | None:
        """The cell of the value that ``below`` (``sex``) names; with ``note``, failing that,
        the part's first filled cell."""
        column = self.columns.get(below.partition(".")[0])
        if column is not None and (cell := self._cell(*column)) is not None:
            return cell
        if self.note:
            for name, written in self.columns.values():
                if (cell := self._cell(name, written)) is not None:
                    return cell
        return None

    def _cell(self, name: str, written: str) -> Cell | None:
        raw = self.row.values.get(name)
        return None if is_blank(raw) else Cell(self.row, written, raw)


@dataclass(frozen=True)
class Issue:
    """One line of an import report."""

    file: str
    sheet: str
    row: int | None
    column: str
    value: str
    reason: str
    accepted: str = ""
    code: str = "invalid"
    #: The record the line belongs to, for grouping.
    reference: str = ""

    def as_text(self) -> str:
        where = self.file
        if self.sheet:
            where += f", sheet {self.sheet}"
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column {self.column}"
        text = f"{where}: {self.reason}"
        if self.value != "" and self.value not in self.reason:
            text += f" (value “{self.value}”)"
        if self.accepted:
            text += f" — accepted: {self.accepted}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "reason": self.reason,
            "accepted": self.accepted,
            "code": self.code,
            "reference": self.reference,
        }


class Rejected(ValueError):
    """A converter could not make sense of a value."""

    def __init__(self, reason: str, accepted: str = "", code: str = "invalid") -> None:
        self.reason, self.accepted, self.code = reason, accepted, code
        super().__init__(reason)


@dataclass
class SourceRecord:
    """One incident read from a file, ready for validation and writing."""

    reference: str
    rows: list[Row]
    draft: IncidentDraft | None
    issues: list[Issue] = field(default_factory=list)
    #: Path of a value in the draft (``incident.country``, ``persons[2].sex``) → its cell.
    provenance: dict[str, Cell] = field(default_factory=dict)
    #: Path of a part of the draft (``persons[2]``) → where its values were read.
    parts: dict[str, PartCells] = field(default_factory=dict)
    #: Persons' own keys in the file (``person_ref``), by position, to keep their ids on update.
    person_keys: list[str] = field(default_factory=list)
    #: The incident fields the file has columns for; an update changes only those (None: all).
    incident_fields: frozenset[str] | None = None

    def locate(self, path: str) -> Cell | None:
        """The cell behind a validation path, or behind its nearest enclosing path.

        At each path, a part read there answers first (for the value below it that the path
        names), then a cell noted there.
        """
        below = ""
        while path:
            part = self.parts.get(path)
            if part is not None and (cell := part.find(below)) is not None:
                return cell
            if path in self.provenance:
                return self.provenance[path]
            path, _, last = path.rpartition(".")
            below = f"{last}.{below}" if below else last
        return None


class RecordBuilder:
    """Collects values, provenance and rejected cells for one record."""

    def __init__(self, reference: str, language: str | None = None) -> None:
        self.reference = reference
        self.rows: list[Row] = []
        self.issues: list[Issue] = []
        self.provenance: dict[str, Cell] = {}
        self.parts: dict[str, PartCells] = {}
        #: The language of the reasons a rejection gives (the current one unless a reader that
        #: asked once per file says).
        self.language = language or get_language()

    def add_row(self, row: Row) -> None:
        if not self.rows or self.rows[-1] is not row:
            self.rows.append(row)

    def take(
        self,
        row: Row,
        column: str,
        convert: Callable[[Any], Any],
        *,
        path: str,
        columns: Mapping[str, str] | None = None,
    ) -> Any:
        """The converted value of ``row[column]``, or None when blank or rejected.

        ``path`` names the value in the draft (``persons[1].sex``) so later rule breaks find the
        cell; ``columns`` maps normalised to written headers for the report.
        """
        raw = row.values.get(column)
        if raw is None or raw == "" or is_blank(raw):
            return None
        written = (columns or {}).get(column, column)
        self.provenance[path] = Cell(row, written, raw)
        outcome = converted(convert, raw, outcomes_of(convert, self.language))
        if isinstance(outcome, Rejected):
            self.reject(row, written, raw, outcome.reason, outcome.accepted, outcome.code)
            return None
        return outcome

    def note(self, path: str, row: Row, column: str, raw: Any = "") -> None:
        """Record where a value came from when it was set without ``take``."""
        self.provenance[path] = Cell(row, column, raw)

    def reject(
        self,
        row: Row | None,
        column: str,
        raw: Any,
        reason: str,
        accepted: str = "",
        code: str = "invalid",
    ) -> None:
        row = row or (self.rows[0] if self.rows else None)
        self.issues.append(
            Issue(
                file=row.file if row else "",
                sheet=row.sheet if row else "",
                row=row.number if row else None,
                column=column,
                value=text_of(raw),
                reason=reason,
                accepted=accepted,
                code=code,
                reference=self.reference,
            )
        )

    def finish(self, draft: IncidentDraft | None, person_keys: Iterable[str] = ()) -> SourceRecord:
        return SourceRecord(
            reference=self.reference,
            rows=self.rows,
            draft=draft,
            issues=self.issues,
            provenance=self.provenance,
            parts=self.parts,
            person_keys=list(person_keys),
        )


#: Remembered outcomes by (converter, language), each by cell: files repeat the same codes and
#: dates on every row. A rejection's reason is written in the language of the import's user.
_CONVERTED: dict[tuple[Callable[[Any], Any], str | None], dict[Any, Any]] = {}
#: Outcomes remembered across all converters before they are all forgotten.
_CONVERTED_LIMIT = 200_000
_remembered = 0


def outcomes_of(convert: Callable[[Any], Any], language: str | None = None) -> dict[Any, Any]:
    """The remembered outcomes of ``convert`` in ``language`` (the current one by default).

    A reader that converts many cells asks for this once and passes it to ``converted``.
    """
    key = (convert, language or get_language())
    outcomes = _CONVERTED.get(key)
    if outcomes is None:
        outcomes = _CONVERTED[key] = {}
    return outcomes


def converted(convert: Callable[[Any], Any], raw: Any, outcomes: dict[Any, Any] | None) -> Any:
    """``convert(raw)``, or the ``Rejected`` it raised, remembered in ``outcomes`` for short
    values (``None``: for a column whose values differ on every row, never)."""
    if outcomes is None or (key := _key_of(raw)) is None:
        return _outcome(convert, raw)
    outcome = outcomes.get(key, _UNSEEN)
    if outcome is _UNSEEN:
        outcome = _outcome(convert, raw)
        _remember(outcomes, key, outcome)
    # A list is the record's own to change.
    return list(outcome) if type(outcome) is list else outcome


def _key_of(raw: Any) -> Any:
    """What a cell's outcome is remembered by: text itself, other values with their type (True
    == 1 and 1.0 == 1, but a workbook's TRUE is not a whole number); None for long text, lists
    and objects."""
    kind = type(raw)
    if kind is str:
        return raw if len(raw) <= 64 else None
    return (kind, raw) if kind in _MEMORABLE else None


def _outcome(convert: Callable[[Any], Any], raw: Any) -> Any:
    try:
        return convert(raw)
    except Rejected as rejection:
        return rejection


def _remember(outcomes: dict[Any, Any], key: Any, outcome: Any) -> None:
    global _remembered
    if _remembered >= _CONVERTED_LIMIT:
        # Emptied in place: readers hold on to the dicts they were given.
        for remembered in _CONVERTED.values():
            remembered.clear()
        _remembered = 0
    outcomes[key] = outcome
    _remembered += 1


_UNSEEN = object()
#: Cell types other than text whose conversion is remembered: what files hold, other than lists
#: and objects.
_MEMORABLE = frozenset({int, float, bool, datetime.date, datetime.datetime, decimal.Decimal})


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []


def text_of(raw: Any) -> str:
    if type(raw) is str:
        return raw.strip()
    if raw is None:
        return ""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.datetime | datetime.date):
        return raw.isoformat()
    if isinstance(raw, list):
        return "; ".join(text_of(item) for item in raw)
    return str(raw).strip()


def key_of(raw: Any) -> str:
    """A value folded for look-up: ``" Forced  Labour "`` → ``"forced_labour"``."""
    return fold(text_of(raw))


def fold(text: str) -> str:
    """A name folded for look-up in any script: ``"Côte d’Ivoire"`` → ``"cote_d_ivoire"``,
    ``"Италия"`` → ``"италия"``. Accents go; letters of every script stay."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"[\W_]+", "_", bare.casefold()).strip("_")


def _listing(codes: Iterable[str], limit: int = 12) -> str:
    ordered = sorted(codes)
    shown = ", ".join(ordered[:limit])
    return shown + (", …" if len(ordered) > limit else "")


# Converters: each takes a raw cell and answers the stored value or raises Rejected. -----------


def text(max_length: int = 200) -> Callable[[Any], str]:
    def convert(raw: Any) -> str:
        value = restore(text_of(raw))
        if "\x00" in value:
            raise Rejected(
                _("The text holds a NUL character, which is not text."),
                _("text without control characters"),
                "control_character",
            )
        if len(value) > max_length:
            raise Rejected(
                _("The text is %(length)s characters long.") % {"length": len(value)},
                _("at most %(limit)s characters") % {"limit": max_length},
                "too_long",
            )
        return value

    return convert


def integer(minimum: int = 0, maximum: int = 10_000_000) -> Callable[[Any], int]:
    def convert(raw: Any) -> int:
        if isinstance(raw, bool):
            raise Rejected(_("Not a whole number."), _("a whole number"))
        value: Any = raw
        if isinstance(raw, str):
            cleaned = raw.strip().replace("\u00a0", "").replace(" ", "")
            cleaned = re.sub(r"(?<=\d)[,.](?=\d{3}(\D|$))", "", cleaned)
            try:
                value = decimal.Decimal(cleaned)
            except decimal.InvalidOperation as error:
                raise Rejected(
                    _("Not a whole number."),
                    _("a whole number from %(min)s to %(max)s") % {"min": minimum, "max": maximum},
                ) from error
        if isinstance(value, float | decimal.Decimal) and value != int(value):
            raise Rejected(_("Not a whole number."), _("a whole number"))
        number = int(value)
        if not minimum <= number <= maximum:
            raise Rejected(
                _("%(value)s is out of range.") % {"value": number},
                _("a whole number from %(min)s to %(max)s") % {"min": minimum, "max": maximum},
                "out_of_range",
            )
        return number

    return convert


def amount(raw: Any) -> decimal.Decimal:
    """A non-negative money amount; thousands separators and a currency sign are tolerated."""
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        value = decimal.Decimal(str(raw))
    else:
        cleaned = re.sub(r"[^\d.,-]", "", text_of(raw))
        if cleaned.count(",") and cleaned.count("."):
            cleaned = cleaned.replace(",", "")
        elif cleaned.count(",") == 1 and len(cleaned.rpartition(",")[2]) != 3:
            cleaned = cleaned.replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
        try:
            value = decimal.Decimal(cleaned)
        except decimal.InvalidOperation as error:
            raise Rejected(_("Not an amount."), _("a number such as 1500 or 1,500.50")) from error
    if value < 0:
        raise Rejected(_("An amount cannot be negative."), _("zero or more"), "out_of_range")
    return value.quantize(decimal.Decimal("0.01"))


TRUE_WORDS = frozenset({"1", "yes", "y", "true", "t", "oui", "si", "sí", "x", "1_0"})
FALSE_WORDS = frozenset({"0", "no", "n", "false", "f", "non", "0_0"})


def boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    key = key_of(raw)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise Rejected(_("Not a yes/no value."), "yes, no, 1, 0, true, false")


# Dates --------------------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january", "janv", "janvier", "enero", "ene"),
            ("feb", "february", "fev", "fevrier", "febrero"),
            ("mar", "march", "mars", "marzo"),
            ("apr", "april", "avr", "avril", "abril", "abr"),
            ("may", "mai", "mayo"),
            ("jun", "june", "juin", "junio"),
            ("jul", "july", "juil", "juillet", "julio"),
            ("aug", "august", "aout", "agosto", "ago"),
            ("sep", "sept", "september", "septembre", "septiembre"),
            ("oct", "october", "octobre", "octubre"),
            ("nov", "november", "novembre", "noviembre"),
            ("dec", "december", "decembre", "diciembre", "dic"),
        ),
        start=1,
    )
    for name in names
}
#: Excel counts days from 1899-12-30 (the 1900 leap-year bug included).
EXCEL_EPOCH = datetime.date(1899, 12, 30)


@dataclass(frozen=True)
class PartialDate:
    """A date as precise as the source: the first day of what is known, and the precision."""

    value: datetime.date
    precision: str  # "day", "month" or "year" — the date_precision vocabulary


def date(raw: Any, *, day_first: bool = True, allow_partial: bool = True) -> PartialDate:
    """Read a date in the formats real exports use.

    ISO (``2020-09-01``, ``2020-09``, ``2020``), day first with any separator (``01/09/2020``,
    ``1.9.2020``), month names (``1-Sep-20``, ``December 30, 2019``, ``Sep 2020``), Drupal-style
    (``Thu, 01/01/2026 - 12:00``, month first), Excel serial numbers and workbook date cells.
    ``day_first=False`` reads ``01/02/2020`` as 2 January (US exports).
    """
    if isinstance(raw, datetime.datetime):
        return PartialDate(raw.date(), "day")
    if isinstance(raw, datetime.date):
        return PartialDate(raw, "day")
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _excel_or_year(raw)
    value = text_of(raw)
    parsed = _parse_text_date(value, day_first)
    if parsed is None:
        raise Rejected(
            _("Not a date this importer can read."),
            _("a date such as 2024-03-31, 31/03/2024, 31 Mar 2024, 2024-03 or 2024"),
            "invalid_date",
        )
    if parsed.precision != "day" and not allow_partial:
        raise Rejected(_("A full date is needed."), _("a date such as 2024-03-31"), "invalid_date")
    if parsed.value > datetime.date.today():
        raise Rejected(_("The date is in the future."), _("a date up to today"), "date_in_future")
    return parsed


def _excel_or_year(number: float) -> PartialDate:
    if float(number).is_integer() and 1900 <= number <= 2100:
        return PartialDate(datetime.date(int(number), 1, 1), "year")
    if 1 <= number < 80000:
        return PartialDate(EXCEL_EPOCH + datetime.timedelta(days=int(number)), "day")
    raise Rejected(_("Not a date."), _("a date such as 2024-03-31"), "invalid_date")


#: Year first: ISO, and the 2024/03/31 and 2024.03.31 that East Asian and other locales write.
_ISO = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T].*)?$")
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})(?:\s.*)?$")
_DRUPAL = re.compile(r"^[A-Za-z]{3},\s*(\d{1,2})/(\d{1,2})/(\d{4})")
_WORDS = re.compile(r"[A-Za-zÀ-ÿ]+|\d+")


def _parse_text_date(value: str, day_first: bool) -> PartialDate | None:
    try:
        if re.fullmatch(r"\d{4}", value):
            return PartialDate(datetime.date(int(value), 1, 1), "year")
        if match := _ISO.match(value):
            return _day(int(match[1]), int(match[3]), int(match[4]))
        if match := _YEAR_MONTH.match(value):
            return PartialDate(datetime.date(int(match[1]), int(match[2]), 1), "month")
        if match := _DRUPAL.match(value):
            return _day(int(match[3]), int(match[1]), int(match[2]))
        if match := _NUMERIC.match(value):
            first, second, year = int(match[1]), int(match[2]), _year(match[3])
            day, month = (first, second) if day_first else (second, first)
            if month > 12 and day <= 12:
                day, month = month, day
            return _day(year, month, day)
        if re.fullmatch(r"\d+(\.\d+)?", value):
            return _excel_or_year(float(value))
        return _worded_date(value)
    except (ValueError, Rejected):
        return None


def _worded_date(value: str) -> PartialDate | None:
    words = _WORDS.findall(value.lower())
    months = [MONTHS[word] for word in words if word in MONTHS]
    numbers = [word for word in words if word.isdigit()]
    if len(months) != 1:
        return None
    month = months[0]
    if len(numbers) == 1:
        return PartialDate(datetime.date(_year(numbers[0]), month, 1), "month")
    if len(numbers) == 2:
        first, second = numbers
        day, year = (first, second) if len(second) == 4 or len(first) <= 2 else (second, first)
        if len(first) == 4:
            year, day = first, second
        return _day(_year(year), month, int(day))
    return None


def _year(text: str) -> int:
    year = int(text)
    if year < 100:
        # Two-digit years in these datasets are this century: "1-Sep-20" is 2020.
        year += 2000 if year <= datetime.date.today().year % 100 else 1900
    return year


def _day(year: int, month: int, day: int) -> PartialDate:
    return PartialDate(datetime.date(year, month, day), "day")


# Reference codes ----------------------------------------------------------------------------

#: Names real files use for countries that ISO does not spell that way.
COUNTRY_SYNONYMS = {
    "usa": "USA",
    "us": "USA",
    "united_states": "USA",
    "united_states_of_america": "USA",
    "uk": "GBR",
    "great_britain": "GBR",
    "england": "GBR",
    "russia": "RUS",
    "syria": "SYR",
    "iran": "IRN",
    "laos": "LAO",
    "vietnam": "VNM",
    "viet_nam": "VNM",
    "south_korea": "KOR",
    "north_korea": "PRK",
    "korea": "KOR",
    "bolivia": "BOL",
    "venezuela": "VEN",
    "tanzania": "TZA",
    "moldova": "MDA",
    "czech_republic": "CZE",
    "czechia": "CZE",
    "ivory_coast": "CIV",
    "cote_d_ivoire": "CIV",
    "turkey": "TUR",
    "turkiye": "TUR",
    "drc": "COD",
    "dr_congo": "COD",
    "democratic_republic_of_congo": "COD",
    "democratic_republic_of_the_congo": "COD",
    "congo_drc": "COD",
    "congo_kinshasa": "COD",
    "republic_of_congo": "COG",
    "congo_brazzaville": "COG",
    "congo": "COG",
    "palestine": "PSE",
    "state_of_palestine": "PSE",
    "occupied_palestinian_territory": "PSE",
    "kosovo": "XKX",
    "macedonia": "MKD",
    "north_macedonia": "MKD",
    "swaziland": "SWZ",
    "eswatini": "SWZ",
    "burma": "MMR",
    "myanmar": "MMR",
    "cape_verde": "CPV",
    "gambia": "GMB",
    "the_gambia": "GMB",
    "micronesia": "FSM",
    "brunei": "BRN",
    "taiwan": "TWN",
    "hong_kong": "HKG",
    "macau": "MAC",
    "macao": "MAC",
    "vatican": "VAT",
    "holy_see": "VAT",
    "east_timor": "TLS",
    "timor_leste": "TLS",
    "sao_tome_and_principe": "STP",
    "sao_tome": "STP",
    "curacao": "CUW",
    "reunion": "REU",
}
COUNTRY_SPECIALS = {
    "unknown": "unknown",
    "not_stated": "not_stated",
    "not_known": "unknown",
    "n_a": "not_applicable",
    "not_applicable": "not_applicable",
    "stateless": "stateless",
    "international_waters": "international_waters",
    "high_seas": "international_waters",
}


@cache
def country_index() -> dict[str, str]:
    """Folded alpha-3, alpha-2, numeric and names in the six languages → alpha-3."""
    index: dict[str, str] = {}
    for country in Country.objects.all():
        names = [country.name, country.official_name, *country.names.values()]
        for name in names:
            if name:
                index.setdefault(fold(name), country.alpha3)
        index[country.alpha2.lower()] = country.alpha3
        index[country.numeric] = country.alpha3
        index[country.alpha3.lower()] = country.alpha3
    index.update({key: code for key, code in COUNTRY_SYNONYMS.items() if code in index.values()})
    index.pop("", None)
    return index


def country(raw: Any) -> str:
    """An ISO 3166-1 alpha-3 code from a code (alpha-3, alpha-2, numeric) or a name."""
    key = key_of(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        key = f"{int(raw):03d}"
    elif key.isdigit():
        key = key.zfill(3)
    if key in COUNTRY_SPECIALS:
        return COUNTRY_SPECIALS[key]
    code = country_index().get(key)
    if code is None:
        suggestions = (
            _closest_countries(key)
            if len(key) > 3
            else catalogue.closest(text_of(raw).upper(), catalogue.country_codes())
        )
        raise Rejected(
            _("“%(value)s” is not a country this system knows.") % {"value": text_of(raw)},
            ", ".join(suggestions) if suggestions else _("an ISO 3166-1 code or country name"),
            "invalid_code",
        )
    return code


@cache
def _country_names() -> tuple[str, ...]:
    return tuple(sorted(name for name in country_index() if len(name) > 3 and not name.isdigit()))


def _closest_countries(key: str) -> list[str]:
    """The codes of the countries whose names are nearest a misspelt name ("Lybia" → LBY)."""
    names = difflib.get_close_matches(key, _country_names(), n=8, cutoff=0.7)
    return list(dict.fromkeys(country_index()[name] for name in names))[:3]


def countries(separator: str = ";") -> Callable[[Any], list[str]]:
    return _many(country, separator)


@cache
def term_index(vocabulary: str) -> dict[str, str]:
    """Folded codes and labels (all six languages) of a vocabulary → code."""
    index: dict[str, str] = {}
    for term in Term.objects.filter(vocabulary=vocabulary):
        index[fold(term.code)] = term.code
        for label in (term.name, *term.names.values()):
            if label:
                index.setdefault(fold(label), term.code)
    index.pop("", None)
    return index


def term(vocabulary: str, synonyms: Mapping[str, str] | None = None) -> Callable[[Any], str]:
    """A vocabulary code from its code, its label in any language, or a format's own word."""
    own = {fold(key): value for key, value in (synonyms or {}).items()}

    def convert(raw: Any) -> str:
        key = key_of(raw)
        if key in own:
            return own[key]
        code = term_index(vocabulary).get(key)
        if code is None:
            accepted = catalogue.vocabulary_codes(vocabulary, include_deprecated=False)
            suggestions = catalogue.closest(key, accepted)
            raise Rejected(
                _("“%(value)s” is not in the vocabulary %(vocabulary)s.")
                % {"value": text_of(raw), "vocabulary": vocabulary},
                ", ".join(suggestions) if suggestions else _listing(accepted),
                "invalid_code",
            )
        return code

    return convert


def terms(
    vocabulary: str, synonyms: Mapping[str, str] | None = None, separator: str = ";"
) -> Callable[[Any], list[str]]:
    return _many(term(vocabulary, synonyms), separator)


def iccs(raw: Any) -> str:
    code = text_of(raw).upper().removeprefix("ICCS").strip()
    if code not in catalogue.iccs_codes() and "0" + code in catalogue.iccs_codes():
        # A spreadsheet read "0204" as the number 204.
        code = "0" + code
    if code not in catalogue.iccs_codes():
        suggestions = catalogue.closest(code, catalogue.iccs_codes())
        raise Rejected(
            _("“%(value)s” is not an ICCS code.") % {"value": text_of(raw)},
            ", ".join(suggestions) if suggestions else _("an ICCS 2015 code such as 0204"),
            "invalid_code",
        )
    return code


def iccs_list(separator: str = ";") -> Callable[[Any], list[str]]:
    return _many(iccs, separator)


def currency(raw: Any) -> str:
    code = text_of(raw).upper()
    if code not in catalogue.currency_codes():
        suggestions = catalogue.closest(code, catalogue.currency_codes())
        raise Rejected(
            _("“%(value)s” is not an ISO 4217 currency code.") % {"value": text_of(raw)},
            ", ".join(suggestions) if suggestions else "EUR, USD, …",
            "invalid_code",
        )
    return code


def _many(convert: Callable[[Any], str], separator: str) -> Callable[[Any], list[str]]:
    def convert_all(raw: Any) -> list[str]:
        items = (
            raw if isinstance(raw, list) else re.split(rf"[{re.escape(separator)},|]", text_of(raw))
        )
        codes: list[str] = []
        for item in items:
            if not is_blank(item):
                code = convert(item)
                if code not in codes:
                    codes.append(code)
        missing = [code for code in codes if code in MISSING_ANSWERS]
        return (
            missing[:1]
            if missing and len(missing) == len(codes)
            else [code for code in codes if code not in MISSING_ANSWERS]
        )

    return convert_all


# Coordinates --------------------------------------------------------------------------------

_DMS = re.compile(
    r"(\d+(?:\.\d+)?)\s*[°º]\s*(?:(\d+(?:\.\d+)?)\s*['′]\s*)?(?:(\d+(?:\.\d+)?)\s*[\"″]\s*)?([NSEW])",
    re.IGNORECASE,
)


def coordinates(raw: Any) -> tuple[float, float]:
    """A (latitude, longitude) pair from ``"35.56, -1.28"``, ``"POINT (lon lat)"`` or DMS."""
    value = text_of(raw)
    if value.upper().startswith("POINT"):
        numbers = re.findall(r"-?\d+(?:\.\d+)?", value)
        if len(numbers) == 2:
            return _checked(float(numbers[1]), float(numbers[0]))
    dms = _DMS.findall(value)
    if len(dms) == 2:
        parts = [_dms_value(*part) for part in dms]
        latitude = next((v for v, axis in parts if axis in "NS"), None)
        longitude = next((v for v, axis in parts if axis in "EW"), None)
        if latitude is not None and longitude is not None:
            return _checked(latitude, longitude)
    numbers = re.findall(r"-?\d+(?:\.\d+)?", value)
    if len(numbers) == 2:
        return _checked(float(numbers[0]), float(numbers[1]))
    raise Rejected(
        _("Not a pair of coordinates."),
        _("latitude, longitude in decimal degrees, such as 35.57, -1.29"),
        "invalid_coordinates",
    )


def _dms_value(degrees: str, minutes: str, seconds: str, axis: str) -> tuple[float, str]:
    value = float(degrees) + float(minutes or 0) / 60 + float(seconds or 0) / 3600
    axis = axis.upper()
    return (-value if axis in "SW" else value), axis


def _checked(latitude: float, longitude: float) -> tuple[float, float]:
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise Rejected(
            _("The coordinates are outside the globe."),
            _("latitude −90 to 90, longitude −180 to 180"),
            "invalid_coordinates",
        )
    return latitude, longitude


def clear_caches() -> None:
    global _remembered
    _country_names.cache_clear()
    _CONVERTED.clear()
    _remembered = 0
    country_index.cache_clear()
    term_index.cache_clear()
