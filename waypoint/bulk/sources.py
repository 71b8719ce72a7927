"""Reading the files people actually have: CSV in any common encoding and delimiter, XLSX, JSON.

A file opens as one or more ``Table``s (a CSV file is one table; a workbook has one per sheet; a
JSON file is one table of objects). Rows stream: nothing holds a whole file in memory, so a
million-row CSV reads in the memory of a few rows. Headers are normalised (case, accents, spacing
and punctuation) so that ``Reported Date``, ``reported_date`` and ``REPORTED  DATE`` are the same
column, while each table keeps the header as written for messages.

Row numbers are those a spreadsheet shows: the header is row 1 (or wherever it was found) and
the first data row the next one. Blank rows are skipped but still counted, so the number a report
gives is the row the user sees when they open the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

#: Bytes read to recognise the encoding and delimiter.
SAMPLE_BYTES = 256 * 1024
DELIMITERS = (",", ";", "\t", "|")
#: A line of nothing but blanks, delimiters and empty quotes: a blank row above the header.
_BLANK_LINE = re.compile(r'[\s,;|"]+')
#: A field of a real export can be long (a narrative); the csv module's default limit is 128 KiB.
csv.field_size_limit(16 * 1024 * 1024)


class SourceError(Exception):
    """The file cannot be read at all (not a table, unknown encoding, broken workbook)."""

    def __init__(self, file: str, message: str, sheet: str = "", row: int | None = None) -> None:
        self.file, self.sheet, self.row, self.message = file, sheet, row, message
        where = file + (f", sheet {sheet}" if sheet else "") + (f", row {row}" if row else "")
        super().__init__(f"{where}: {message}")


def normalise_header(text: Any) -> str:
    """``"Número de  Víctimas (total)"`` → ``"numero_de_victimas_total"``."""
    folded = unicodedata.normalize("NFKD", str(text if text is not None else ""))
    ascii_only = "".join(char for char in folded if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", ascii_only.lower()).strip("_")


@dataclass(slots=True)
class Row:
    """One data row: cells keyed by normalised header; CSV cells are text, XLSX cells keep the
    workbook's types (numbers, dates), JSON cells are whatever the object holds."""

    file: str
    sheet: str
    number: int
    values: dict[str, Any]

    def get(self, column: str) -> Any:
        return self.values.get(column)


@dataclass
class Table:
    file: str
    #: The sheet name for workbooks; the file's stem for CSV and JSON.
    sheet: str
    #: Normalised header → the header as written in the file.
    headers: dict[str, str]
    rows: Iterator[Row]
    #: What the reader learnt about the file, for the report (encoding, delimiter).
    notes: list[str] = field(default_factory=list)
    #: Approximate count of data rows, when cheap to know (for progress bars).
    size_hint: int | None = None

    @property
    def columns(self) -> frozenset[str]:
        return frozenset(self.headers)

    def written(self, column: str) -> str:
        return self.headers.get(column, column)


def open_tables(path: str | Path, name: str | None = None) -> list[Table]:
    """Open a CSV, XLSX, JSON or ZIP (of CSV files) file as tables.

    ``name`` is the file name to report, when ``path`` is a temporary copy of an upload.
    """
    path = Path(path)
    shown = name or path.name
    if not path.is_file():
        raise SourceError(shown, "no such file")
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK"):
        return _open_zip_like(path, shown)
    suffix = Path(shown).suffix.lower()
    if suffix == ".json" or head.lstrip()[:1] in (b"[", b"{"):
        return [_json_table(path, shown)]
    if suffix in (".xls",):
        raise SourceError(shown, "old .xls workbooks are not read; save the file as .xlsx or .csv")
    return [_csv_table(path.open("rb"), shown, Path(shown).stem, path.stat().st_size)]


def _open_zip_like(path: Path, shown: str) -> list[Table]:
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as error:
        raise SourceError(shown, f"not a readable workbook or ZIP archive ({error})") from error
    names = archive.namelist()
    if "[Content_Types].xml" in names:
        archive.close()
        return _xlsx_tables(path, shown)
    tables = []
    for member in sorted(names):
        if member.endswith("/") or Path(member).name.startswith("."):
            continue
        if Path(member).suffix.lower() not in (".csv", ".tsv", ".txt"):
            raise SourceError(shown, f"{member}: only CSV files are read from a ZIP archive")
        size = archive.getinfo(member).file_size
        tables.append(
            _csv_table(archive.open(member), f"{shown}:{member}", Path(member).stem, size)
        )
    if not tables:
        raise SourceError(shown, "the ZIP archive holds no CSV file")
    return tables


# CSV ----------------------------------------------------------------------------------------


def detect_encoding(sample: bytes) -> str:
    """The encoding of a text file from its first bytes.

    A byte-order mark decides; UTF-16 without one shows as NUL bytes between ASCII letters;
    otherwise UTF-8 if the sample decodes (allowing a character cut at the end), else
    Windows-1252, the encoding Excel on Windows writes "CSV" in.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(sample) >= 4 and sample[1] == 0 and sample[3] == 0 and sample[0] != 0:
        return "utf-16-le"
    if len(sample) >= 4 and sample[0] == 0 and sample[2] == 0 and sample[1] != 0:
        return "utf-16-be"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def detect_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most fields (comma on a tie)."""
    counts = {delimiter: _split_count(header_line, delimiter) for delimiter in DELIMITERS}
    best = max(DELIMITERS, key=lambda delimiter: (counts[delimiter], delimiter == ","))
    return best if counts[best] > 1 else ","


def _split_count(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))


def _csv_table(raw: IO[bytes], shown: str, stem: str, size: int) -> Table:
    buffered = io.BufferedReader(raw) if not isinstance(raw, io.BufferedReader) else raw  # type: ignore[arg-type, type-var]
    sample = buffered.peek(SAMPLE_BYTES)[:SAMPLE_BYTES]
    encoding = detect_encoding(sample)
    text = io.TextIOWrapper(buffered, encoding=encoding, newline="", errors="strict")
    lines = _decoded_lines(text, shown)
    number = 0
    for first_line in lines:
        number += 1
        if _BLANK_LINE.sub("", first_line):
            break
    else:
        raise SourceError(shown, "the file is empty")
    delimiter = detect_delimiter(first_line)
    header = next(csv.reader([first_line], delimiter=delimiter))
    headers = _headers(header, shown, stem)
    encoding_name = {"utf-8-sig": "UTF-8 with BOM", "cp1252": "Windows-1252"}.get(
        encoding, encoding.upper()
    )
    notes = [
        f"encoding {encoding_name}",
        "delimiter " + {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}[delimiter],
    ]
    reader = csv.reader(lines, delimiter=delimiter)
    return Table(
        file=shown,
        sheet=stem,
        headers=dict(headers),
        rows=_csv_rows(reader, headers, shown, "", number),
        notes=notes,
        size_hint=_estimate_rows(sample, size, encoding),
    )


def _decoded_lines(text: io.TextIOWrapper, shown: str) -> Iterator[str]:
    line_number = 0
    try:
        for line in text:
            line_number += 1
            yield line
    except UnicodeDecodeError as error:
        raise SourceError(
            shown,
            f"line {line_number + 1} is not valid {text.encoding} text ({error.reason}); "
            "save the file as UTF-8",
        ) from error


def _headers(header: list[Any], shown: str, sheet: str) -> list[tuple[str, str]]:
    """(normalised, as written) per column position; blank trailing headers are dropped."""
    written_headers = ["" if written is None else str(written).strip() for written in header]
    # Blank columns at the end (trailing delimiters, formatted empty cells) are not columns; they
    # are dropped before repeated names are numbered, which would give them names.
    while written_headers and not normalise_header(written_headers[-1]):
        written_headers.pop()
    headers: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    for written_text in written_headers:
        key = normalise_header(written_text)
        if key in seen:
            seen[key] += 1
            key = f"{key}_{seen[key]}"
        else:
            seen[key] = 1
        headers.append((key, written_text))
    if not headers:
        raise SourceError(shown, "the header row is empty", sheet=sheet)
    return headers


def _csv_rows(
    reader: Any, headers: list[tuple[str, str]], shown: str, sheet: str, header_number: int
) -> Iterator[Row]:
    keys = [key for key, _ in headers]
    width = len(keys)
    number = header_number
    strip = str.strip
    for cells in reader:
        number += 1
        # Blank when nothing but blanks is left of the cells run together (a faster any()).
        if not "".join(cells).strip():
            continue
        if len(cells) > width and "".join(cells[width:]).strip():
            raise SourceError(
                shown,
                f"the row has {len(cells)} cells but the header names {width} columns; "
                "check the delimiter and quoting",
                sheet=sheet,
                row=number,
            )
        yield Row(shown, sheet, number, dict(zip(keys, map(strip, cells), strict=False)))


def _estimate_rows(sample: bytes, size: int, encoding: str) -> int | None:
    lines = sample.count(b"\n") or 1
    if len(sample) >= size:
        return max(lines - 1, 0)
    return int(size / (len(sample) / lines))


# XLSX ---------------------------------------------------------------------------------------


def _xlsx_tables(path: Path, shown: str) -> list[Table]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged workbook
        raise SourceError(shown, f"the workbook cannot be read ({error})") from error
    tables = []
    for sheet in workbook.worksheets:
        table = _sheet_table(sheet, shown)
        if table is not None:
            tables.append(table)
    if not tables:
        raise SourceError(shown, "every sheet of the workbook is empty")
    return tables


def _sheet_table(sheet: Any, shown: str) -> Table | None:
    rows = sheet.iter_rows(values_only=True)
    for number, cells in enumerate(rows, start=1):
        if any(_cell_text(cell) for cell in cells):
            headers = _headers(list(cells), shown, sheet.title)
            return Table(
                file=shown,
                sheet=sheet.title,
                headers=dict(headers),
                rows=_sheet_rows(rows, headers, shown, sheet.title, number),
                size_hint=max((sheet.max_row or number) - number, 0),
            )
    return None


def _sheet_rows(
    rows: Iterator[tuple[Any, ...]],
    headers: list[tuple[str, str]],
    shown: str,
    sheet: str,
    number: int,
) -> Iterator[Row]:
    keys = [key for key, _ in headers]
    for cells in rows:
        number += 1
        values = {key: _cell_value(cell) for key, cell in zip(keys, cells, strict=False) if key}
        if any(value != "" for value in values.values()):
            yield Row(shown, sheet, number, values)


def _cell_value(cell: Any) -> Any:
    if isinstance(cell, str):
        return cell.strip()
    if cell is None:
        return ""
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time(0):
        return cell.date()
    return cell


def _cell_text(cell: Any) -> str:
    return "" if cell is None else str(cell).strip()


# JSON ---------------------------------------------------------------------------------------


def _json_table(path: Path, shown: str) -> Table:
    raw = path.read_bytes()
    encoding = detect_encoding(raw[:SAMPLE_BYTES])
    try:
        document = json.loads(raw.decode(encoding))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SourceError(shown, f"not valid JSON ({error})") from error
    records = document
    if isinstance(document, dict):
        lists = [value for value in document.values() if isinstance(value, list)]
        records = document.get("items") or document.get("records") or (lists[0] if lists else None)
    if not isinstance(records, list) or not all(isinstance(item, dict) for item in records):
        raise SourceError(shown, "expected a list of objects (or an object with an items list)")
    headers: dict[str, str] = {}
    for item in records:
        for key in item:
            headers.setdefault(normalise_header(key), str(key))
    return Table(
        file=shown,
        sheet=Path(shown).stem,
        headers=headers,
        rows=(
            Row(shown, "", index, {normalise_header(key): value for key, value in item.items()})
            for index, item in enumerate(records, start=1)
        ),
        notes=["JSON"],
        size_hint=len(records),
    )
