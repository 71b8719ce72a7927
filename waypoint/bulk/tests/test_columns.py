"""Cells are read column by column: each distinct cell is converted once, and the cell behind a
value, or behind a part of a record, is found only when a rule asks for it."""

from __future__ import annotations

from typing import Any

from waypoint.bulk import mapping
from waypoint.bulk.columns import part_reader
from waypoint.bulk.layout import Column
from waypoint.bulk.mapping import RecordBuilder, Rejected, SourceRecord
from waypoint.bulk.sources import Row
from waypoint.bulk.tests.test_native import ImportTestCase, row
from waypoint.test import BaseTestCase

WRITTEN = {"person_role": "Role", "person_sex": "Sex", "person_age": "Age"}


class Counting:
    """A converter that counts the cells it is given."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, raw: Any) -> str:
        self.calls += 1
        if raw == "bad":
            raise Rejected("Not a sex.", "female, male", "invalid_code")
        return str(raw).upper()


def reader(convert: Any = None) -> Any:
    columns = [
        Column("person_role", "person", "role", str, "code"),
        Column("person_sex", "person", "sex", convert or str, "code"),
        Column("person_age", "person", "age", int, "number"),
    ]
    return part_reader(columns, WRITTEN)


def read(cells: dict[str, str], number: int = 2, **options: Any) -> tuple[dict, SourceRecord]:
    builder = RecordBuilder("R-1")
    source = Row("people.csv", "", number, cells)
    builder.add_row(source)
    values = reader(options.get("convert")).read(builder, source, "persons[1]", note=True)
    return values, builder.finish(None)


class PartReaderTests(BaseTestCase):
    def test_it_reads_the_filled_cells_of_its_columns(self) -> None:
        values, _ = read({"person_role": "victim", "person_sex": "", "person_age": "23"})
        self.assertEqual(values, {"role": "victim", "age": 23})

    def test_it_points_a_value_at_its_cell(self) -> None:
        _, record = read({"person_role": "victim", "person_sex": "female", "person_age": "23"})
        cell = record.locate("persons[1].sex")
        assert cell is not None
        self.assertEqual((cell.row, cell.column, cell.value), (2, "Sex", "female"))

    def test_it_points_a_rule_about_the_part_at_its_first_filled_cell(self) -> None:
        _, record = read({"person_role": "", "person_sex": "male", "person_age": "23"})
        for path in ("persons[1]", "persons[1].role", "persons[1].offender.stage"):
            with self.subTest(path):
                cell = record.locate(path)
                assert cell is not None
                self.assertEqual((cell.column, cell.value), ("Sex", "male"))
        self.assertIsNone(record.locate("incident.country"))

    def test_a_cell_noted_later_takes_precedence(self) -> None:
        builder = RecordBuilder("R-1")
        source = Row("people.csv", "", 4, {"person_role": "victim", "person_sex": "female"})
        reader().read(builder, source, "persons[1]", note=True)
        builder.note("persons[1].role", source, "Role as noted", "victim")
        cell = builder.finish(None).locate("persons[1].role")
        assert cell is not None
        self.assertEqual(cell.column, "Role as noted")

    def test_it_reports_a_rejected_cell_and_leaves_its_value_out(self) -> None:
        values, record = read({"person_role": "victim", "person_sex": "bad"}, convert=Counting())
        self.assertEqual(values, {"role": "victim"})
        self.assertEqual(
            [(issue.row, issue.column, issue.value, issue.reason) for issue in record.issues],
            [(2, "Sex", "bad", "Not a sex.")],
        )

    def test_it_converts_each_distinct_cell_once(self) -> None:
        convert = Counting()
        for number, sex in enumerate(["female", "male", "female", "female", "male"], start=2):
            values, _ = read({"person_sex": sex}, number=number, convert=convert)
            self.assertEqual(values, {"sex": sex.upper()})
        self.assertEqual(convert.calls, 2)

    def test_a_list_is_the_records_own(self) -> None:
        convert = mapping.countries()
        outcomes = mapping.outcomes_of(convert)
        first = mapping.converted(convert, "ITA; FRA", outcomes)
        first.append("DEU")
        self.assertEqual(mapping.converted(convert, "ITA; FRA", outcomes), ["ITA", "FRA"])


class ReferenceTests(ImportTestCase):
    def test_references_are_converted_without_being_remembered(self) -> None:
        path = self.rows("refs.csv", *(row(reference=f"REF-{number}") for number in range(5)))
        self.imported(path)
        remembered = [
            key
            for outcomes in mapping._CONVERTED.values()
            for key in outcomes
            if isinstance(key, str) and key.startswith("REF-")
        ]
        self.assertEqual(remembered, [])
