"""Reading the files people have: encodings, delimiters, blank rows and columns, headers as
people write them, workbooks with typed cells, JSON, ZIP archives of CSV files, and files that
cannot be read at all."""

from __future__ import annotations

import codecs
import datetime
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from django.test import SimpleTestCase

from waypoint.bulk.sources import (
    SourceError,
    Table,
    detect_delimiter,
    detect_encoding,
    normalise_header,
    open_tables,
)

#: Names people actually write, in the encodings their programs save them in.
IVORY_COAST = "Côte d’Ivoire"
SAO_TOME = "São Tomé"


def rows_of(table: Table) -> list[tuple[int, dict[str, Any]]]:
    return [(row.number, row.values) for row in table.rows]


class SourceTestCase(SimpleTestCase):
    def setUp(self) -> None:
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.folder = Path(folder.name)

    def write(self, name: str, data: bytes) -> Path:
        path = self.folder / name
        path.write_bytes(data)
        return path

    def table(self, name: str, data: bytes) -> Table:
        tables = open_tables(self.write(name, data))
        self.assertEqual(len(tables), 1)
        return tables[0]

    def workbook(self, name: str, sheets: dict[str, list[list[Any]]]) -> Path:
        book = openpyxl.Workbook()
        book.remove(book.active)
        for title, lines in sheets.items():
            sheet = book.create_sheet(title)
            for line in lines:
                sheet.append(line)
        path = self.folder / name
        book.save(path)
        return path

    def assertUnreadable(self, path: Path, message: str, name: str | None = None) -> SourceError:
        with self.assertRaises(SourceError) as raised:
            open_tables(path, name)
        error = raised.exception
        self.assertIn(message, str(error))
        self.assertTrue(str(error).startswith(name or path.name), str(error))
        return error


class EncodingTests(SourceTestCase):
    TEXT = f"reference,country,place\r\nA-1,{IVORY_COAST},{SAO_TOME}\r\n"
    EXPECTED = [(2, {"reference": "A-1", "country": IVORY_COAST, "place": SAO_TOME})]

    def test_it_reads_utf8_without_a_byte_order_mark(self) -> None:
        table = self.table("a.csv", self.TEXT.encode("utf-8"))
        self.assertEqual(rows_of(table), self.EXPECTED)
        self.assertEqual(table.notes, ["encoding UTF-8", "delimiter comma"])

    def test_it_reads_utf8_with_a_byte_order_mark_and_keeps_it_out_of_the_first_header(
        self,
    ) -> None:
        table = self.table("a.csv", codecs.BOM_UTF8 + self.TEXT.encode("utf-8"))
        self.assertEqual(list(table.headers), ["reference", "country", "place"])
        self.assertEqual(rows_of(table), self.EXPECTED)
        self.assertEqual(table.notes[0], "encoding UTF-8 with BOM")

    def test_it_reads_utf16_with_a_byte_order_mark_and_tabs_as_excel_unicode_text(self) -> None:
        text = self.TEXT.replace(",", "\t")
        table = self.table("a.txt", codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
        self.assertEqual(rows_of(table), self.EXPECTED)
        self.assertEqual(table.notes, ["encoding UTF-16", "delimiter tab"])

    def test_it_reads_utf16_without_a_byte_order_mark(self) -> None:
        for encoding in ("utf-16-le", "utf-16-be"):
            with self.subTest(encoding=encoding):
                table = self.table("a.txt", self.TEXT.replace(",", "\t").encode(encoding))
                self.assertEqual(rows_of(table), self.EXPECTED)
                self.assertEqual(table.notes[0], f"encoding {encoding.upper()}")

    def test_it_reads_windows_1252_as_excel_saves_csv(self) -> None:
        text = self.TEXT.replace(",", ";")
        table = self.table("a.csv", text.encode("cp1252"))
        self.assertEqual(rows_of(table), self.EXPECTED)
        self.assertEqual(table.notes, ["encoding Windows-1252", "delimiter semicolon"])

    def test_it_recognises_encodings_from_the_first_bytes(self) -> None:
        cases = [
            (codecs.BOM_UTF8 + b"a,b", "utf-8-sig"),
            (codecs.BOM_UTF16_LE + "a".encode("utf-16-le"), "utf-16"),
            (codecs.BOM_UTF16_BE + "a".encode("utf-16-be"), "utf-16"),
            ("ab".encode("utf-16-le"), "utf-16-le"),
            ("ab".encode("utf-16-be"), "utf-16-be"),
            ("São".encode(), "utf-8"),
            ("São".encode("cp1252"), "cp1252"),
            # A character cut by the end of the sample is still UTF-8.
            ("aé".encode()[:-1], "utf-8"),
        ]
        for sample, expected in cases:
            with self.subTest(sample=sample):
                self.assertEqual(detect_encoding(sample), expected)

    def test_it_names_the_file_and_line_of_text_it_cannot_decode(self) -> None:
        # UTF-8 in the sample, then a Windows-1252 byte far into the file.
        filler = b"A,ITA\n" * 60_000
        path = self.write("late.csv", b"reference,country\n" + filler + b"B,C\xf4te\n")
        tables = open_tables(path)
        with self.assertRaises(SourceError) as raised:
            list(tables[0].rows)
        self.assertTrue(str(raised.exception).startswith("late.csv: line "))
        self.assertIn("is not valid utf-8 text", str(raised.exception))


class DelimiterTests(SourceTestCase):
    def test_it_reads_comma_semicolon_tab_and_bar(self) -> None:
        for delimiter, word in ((",", "comma"), (";", "semicolon"), ("\t", "tab"), ("|", "bar")):
            with self.subTest(delimiter=word):
                text = delimiter.join(["reference", "country"]) + "\nA-1" + delimiter + "ITA\n"
                table = self.table("a.csv", text.encode())
                self.assertEqual(rows_of(table), [(2, {"reference": "A-1", "country": "ITA"})])
                self.assertEqual(table.notes[1], f"delimiter {word}")

    def test_it_keeps_quoted_delimiters_and_line_breaks_inside_a_cell(self) -> None:
        text = 'reference;place;narrative\nA-1;"Lampedusa; Italy";"two\nlines"\nA-2;x;y\n'
        table = self.table("a.csv", text.encode())
        self.assertEqual(
            rows_of(table),
            [
                (2, {"reference": "A-1", "place": "Lampedusa; Italy", "narrative": "two\nlines"}),
                # The quoted line break does not shift the row numbers a spreadsheet shows.
                (3, {"reference": "A-2", "place": "x", "narrative": "y"}),
            ],
        )

    def test_it_picks_the_delimiter_that_splits_the_header_most(self) -> None:
        self.assertEqual(detect_delimiter("a;b;c,d"), ";")
        self.assertEqual(detect_delimiter("a\tb\tc"), "\t")
        self.assertEqual(detect_delimiter("a,b;c"), ",")
        self.assertEqual(detect_delimiter("single"), ",")
        self.assertEqual(detect_delimiter('"a,b";c;d'), ";")

    def test_it_reads_a_long_narrative_cell(self) -> None:
        narrative = "x" * 300_000
        table = self.table("a.csv", f"reference,narrative\nA-1,{narrative}\n".encode())
        self.assertEqual(rows_of(table)[0][1]["narrative"], narrative)


class BlankRowsAndColumnsTests(SourceTestCase):
    def test_it_skips_blank_rows_but_counts_them(self) -> None:
        text = "reference,country\r\nA-1,ITA\r\n\r\n,\r\n  ,  \r\nA-2,GRC\r\n\r\n\r\n"
        table = self.table("a.csv", text.encode())
        self.assertEqual(
            rows_of(table),
            [
                (2, {"reference": "A-1", "country": "ITA"}),
                (6, {"reference": "A-2", "country": "GRC"}),
            ],
        )

    def test_it_finds_the_header_below_blank_lines(self) -> None:
        table = self.table("a.csv", b"\n;;\nreference;country\nA-1;ITA\n")
        self.assertEqual(rows_of(table), [(4, {"reference": "A-1", "country": "ITA"})])

    def test_it_drops_trailing_blank_columns_of_the_header(self) -> None:
        table = self.table("a.csv", b"reference,country,,,\nA-1,ITA,,,\nA-2,GRC\n")
        self.assertEqual(list(table.headers), ["reference", "country"])
        self.assertEqual(
            rows_of(table),
            [
                (2, {"reference": "A-1", "country": "ITA"}),
                (3, {"reference": "A-2", "country": "GRC"}),
            ],
        )

    def test_it_strips_blanks_around_cells_and_headers(self) -> None:
        table = self.table("a.csv", b" reference , country \n  A-1 ,\tITA \n")
        self.assertEqual(table.headers, {"reference": "reference", "country": "country"})
        self.assertEqual(rows_of(table), [(2, {"reference": "A-1", "country": "ITA"})])

    def test_it_rejects_a_row_with_more_cells_than_the_header_naming_the_row(self) -> None:
        path = self.write("a.csv", b"reference,country\nA-1,ITA\nA-2,GRC,extra\n")
        tables = open_tables(path)
        with self.assertRaises(SourceError) as raised:
            list(tables[0].rows)
        self.assertEqual(
            str(raised.exception),
            "a.csv, row 3: the row has 3 cells but the header names 2 columns; "
            "check the delimiter and quoting",
        )
        self.assertEqual(raised.exception.row, 3)


class HeaderTests(SourceTestCase):
    def test_it_folds_case_accents_spacing_and_punctuation(self) -> None:
        cases = {
            "Reported Date": "reported_date",
            "reported_date": "reported_date",
            "REPORTED  DATE": "reported_date",
            " Reported-Date ": "reported_date",
            "Número de  Víctimas (total)": "numero_de_victimas_total",
            "Incident Ref.": "incident_ref",
            None: "",
        }
        for written, normalised in cases.items():
            with self.subTest(written=written):
                self.assertEqual(normalise_header(written), normalised)

    def test_it_keeps_the_header_as_written_for_messages(self) -> None:
        table = self.table("a.csv", b"Incident Ref;  Gender ;Nationality\nA;f;NGA\n")
        self.assertEqual(list(table.headers), ["incident_ref", "gender", "nationality"])
        self.assertEqual(table.written("gender"), "Gender")
        self.assertEqual(table.written("unknown_column"), "unknown_column")
        self.assertEqual(table.columns, frozenset({"incident_ref", "gender", "nationality"}))

    def test_it_numbers_repeated_headers(self) -> None:
        table = self.table("a.csv", b"Country,country,COUNTRY\nITA,GRC,MLT\n")
        self.assertEqual(list(table.headers), ["country", "country_2", "country_3"])
        self.assertEqual(
            rows_of(table), [(2, {"country": "ITA", "country_2": "GRC", "country_3": "MLT"})]
        )

    def test_it_uses_the_name_it_is_given_for_a_temporary_copy(self) -> None:
        path = self.write("upload-7f3a.tmp", b"reference,country\nA-1,ITA\n")
        tables = open_tables(path, "national records 2024.csv")
        self.assertEqual(tables[0].file, "national records 2024.csv")
        self.assertEqual(tables[0].sheet, "national records 2024")
        self.assertEqual([row.file for row in tables[0].rows], ["national records 2024.csv"])


class WorkbookTests(SourceTestCase):
    def test_it_keeps_the_types_of_cells(self) -> None:
        path = self.workbook(
            "a.xlsx",
            {
                "incidents": [
                    ["reference", "date_start", "serial", "age", "latitude", "flag", "noted_at"],
                    [
                        "  A-1 ",
                        datetime.date(2024, 3, 1),
                        45352,
                        23,
                        35.57,
                        True,
                        datetime.datetime(2024, 3, 1, 10, 30),
                    ],
                ]
            },
        )
        (row,) = open_tables(path)[0].rows
        self.assertEqual(
            row.values,
            {
                "reference": "A-1",
                # A date cell at midnight is a date.
                "date_start": datetime.date(2024, 3, 1),
                "serial": 45352,
                "age": 23,
                "latitude": 35.57,
                "flag": True,
                "noted_at": datetime.datetime(2024, 3, 1, 10, 30),
            },
        )
        self.assertEqual((row.file, row.sheet, row.number), ("a.xlsx", "incidents", 2))

    def test_it_reads_each_sheet_as_a_table_and_skips_empty_sheets(self) -> None:
        path = self.workbook(
            "a.xlsx",
            {
                "incidents": [["reference", "country"], ["A-1", "ITA"]],
                "Notes": [],
                "legs": [["reference", "sequence"], ["A-1", 1]],
            },
        )
        tables = open_tables(path)
        self.assertEqual([table.sheet for table in tables], ["incidents", "legs"])
        self.assertEqual([table.file for table in tables], ["a.xlsx", "a.xlsx"])
        self.assertEqual(rows_of(tables[1]), [(2, {"reference": "A-1", "sequence": 1})])

    def test_it_skips_blank_rows_and_trailing_blank_columns(self) -> None:
        path = self.workbook(
            "a.xlsx",
            {
                "incidents": [
                    [],
                    ["reference", "country", None, None],
                    ["A-1", "ITA", None, None],
                    [None, "  ", None, None],
                    ["A-2", None, None, None],
                    [],
                ]
            },
        )
        table = open_tables(path)[0]
        self.assertEqual(list(table.headers), ["reference", "country"])
        self.assertEqual(
            rows_of(table),
            [(3, {"reference": "A-1", "country": "ITA"}), (5, {"reference": "A-2", "country": ""})],
        )

    def test_it_refuses_a_workbook_with_no_data(self) -> None:
        path = self.workbook("a.xlsx", {"Sheet1": [], "Sheet2": [[None, None]]})
        self.assertUnreadable(path, "every sheet of the workbook is empty")

    def test_it_refuses_a_damaged_workbook(self) -> None:
        path = self.folder / "a.xlsx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<not a workbook")
        self.assertUnreadable(path, "the workbook cannot be read")

    def test_it_refuses_an_old_xls_workbook(self) -> None:
        path = self.write("a.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100))
        self.assertUnreadable(path, "old .xls workbooks are not read; save the file as .xlsx")


class JsonTests(SourceTestCase):
    def test_it_reads_a_list_of_objects(self) -> None:
        data = [{"Reference": "A-1", "Persons": 2}, {"Reference": "A-2", "Place": "Lampedusa"}]
        table = self.table("a.json", json.dumps(data).encode())
        self.assertEqual(
            table.headers, {"reference": "Reference", "persons": "Persons", "place": "Place"}
        )
        self.assertEqual(
            rows_of(table),
            [
                (1, {"reference": "A-1", "persons": 2}),
                (2, {"reference": "A-2", "place": "Lampedusa"}),
            ],
        )

    def test_it_reads_the_items_of_an_object(self) -> None:
        for key in ("items", "records", "anything"):
            with self.subTest(key=key):
                table = self.table("a.json", json.dumps({key: [{"id": 1}]}).encode())
                self.assertEqual(rows_of(table), [(1, {"id": 1})])

    def test_it_recognises_json_without_the_suffix(self) -> None:
        table = self.table("export.txt", b'  [{"reference": "A-1"}]')
        self.assertEqual(table.notes, ["JSON"])

    def test_it_refuses_json_that_is_not_a_list_of_objects(self) -> None:
        for data in (b"[1, 2]", b'{"count": 3}', b'"text"'):
            with self.subTest(data=data):
                self.assertUnreadable(self.write("a.json", data), "expected a list of objects")

    def test_it_refuses_broken_json(self) -> None:
        self.assertUnreadable(self.write("a.json", b'[{"reference": '), "not valid JSON")


class ZipTests(SourceTestCase):
    def archive(self, members: dict[str, bytes]) -> Path:
        path = self.folder / "records.zip"
        with zipfile.ZipFile(path, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, data)
        return path

    def test_it_reads_each_csv_file_as_a_table(self) -> None:
        path = self.archive(
            {
                "legs.csv": "reference;sequence;from_country\nA-1;1;LBY\n".encode("cp1252"),
                "incidents.csv": codecs.BOM_UTF8 + f"reference,place\nA-1,{SAO_TOME}\n".encode(),
                "__MACOSX/._incidents.csv": b"\x00\x05\x16\x07",
                "folder/": b"",
            }
        )
        tables = open_tables(path)
        self.assertEqual([table.sheet for table in tables], ["incidents", "legs"])
        self.assertEqual(
            [table.file for table in tables], ["records.zip:incidents.csv", "records.zip:legs.csv"]
        )
        self.assertEqual(rows_of(tables[0]), [(2, {"reference": "A-1", "place": SAO_TOME})])
        self.assertEqual(
            rows_of(tables[1]), [(2, {"reference": "A-1", "sequence": "1", "from_country": "LBY"})]
        )
        self.assertEqual(tables[1].notes, ["encoding UTF-8", "delimiter semicolon"])

    def test_it_refuses_other_files_in_the_archive(self) -> None:
        path = self.archive({"incidents.csv": b"reference\nA\n", "photo.jpg": b"\xff\xd8"})
        self.assertUnreadable(path, "photo.jpg: only CSV files are read from a ZIP archive")

    def test_it_refuses_an_archive_without_csv_files(self) -> None:
        self.assertUnreadable(self.archive({}), "the ZIP archive holds no CSV file")

    def test_it_refuses_a_broken_archive(self) -> None:
        path = self.write("records.zip", b"PK\x03\x04 not really an archive")
        self.assertUnreadable(path, "not a readable workbook or ZIP archive")


class UnreadableFileTests(SourceTestCase):
    def test_it_names_a_missing_file(self) -> None:
        self.assertUnreadable(self.folder / "gone.csv", "no such file")

    def test_it_names_an_empty_file(self) -> None:
        for data in (b"", b"\n\n   \n", codecs.BOM_UTF8):
            with self.subTest(data=data):
                self.assertUnreadable(self.write("empty.csv", data), "the file is empty")

    def test_it_names_a_file_that_is_not_text(self) -> None:
        error = self.assertUnreadable(
            self.write("photo.csv", bytes(range(256)) * 8), "is not valid cp1252 text"
        )
        self.assertEqual(error.file, "photo.csv")

    def test_it_answers_a_header_without_rows_with_no_rows(self) -> None:
        table = self.table("a.csv", b"reference,country\n")
        self.assertEqual(rows_of(table), [])

    def test_it_reports_the_name_it_was_given(self) -> None:
        self.assertUnreadable(self.write("tmp123", b""), "the file is empty", name="upload.csv")
