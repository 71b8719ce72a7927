from __future__ import annotations

import io
import tempfile
from contextlib import redirect_stdout
from pathlib import Path
from unittest import SkipTest

from django.conf import settings
from django.test import SimpleTestCase

from waypoint.reference import build_data

M49_FILE = settings.BASE_DIR.parent / "shared" / "data" / "un-m49" / "unsd_m49_2024_semicolon.csv"


def m49_file() -> Path:
    if not M49_FILE.exists():
        raise SkipTest(f"the UN M49 export is not available at {M49_FILE}")
    return M49_FILE


class BuildDataTests(SimpleTestCase):
    def test_it_regenerates_the_committed_tables_byte_for_byte(self) -> None:
        built = build_data.build(m49_file())
        for name, content in built.items():
            with self.subTest(file=name):
                self.assertEqual(content, (build_data.DATA_DIR / name).read_bytes())

    def test_it_writes_the_tables_from_the_command_line(self) -> None:
        with tempfile.TemporaryDirectory() as out, redirect_stdout(io.StringIO()) as stdout:
            build_data.main(["--m49", str(m49_file()), "--out", out])
            written = sorted(path.name for path in Path(out).iterdir())
        self.assertEqual(written, ["countries.csv", "currencies.csv", "regions.csv"])
        self.assertIn("countries.csv (250 rows)", stdout.getvalue())

    def test_it_refuses_an_m49_table_that_contradicts_iso_3166(self) -> None:
        text = m49_file().read_text(encoding="utf-8").replace(";516;NA;NAM;", ";516;NA;NMB;")
        with tempfile.TemporaryDirectory() as tmp:
            broken = Path(tmp) / "m49.csv"
            broken.write_text(text, encoding="utf-8")
            with self.assertRaisesRegex(ValueError, "NAM"):
                build_data.build(broken)

    def test_it_adds_kosovo_under_its_user_assigned_codes_in_alpha_3_order(self) -> None:
        rows = build_data.country_rows(build_data.read_m49(m49_file()))
        codes = [row["alpha3"] for row in rows]
        self.assertEqual(codes, sorted(codes))
        kosovo = rows[codes.index("XKX")]
        self.assertEqual(
            (kosovo["alpha2"], kosovo["numeric"], kosovo["subregion"]), ("XK", "", "039")
        )

    def test_it_refuses_a_user_assigned_code_that_m49_now_lists(self) -> None:
        line = "001;World;150;Europe;039;Southern Europe;;;Kosovo;412;XK;XKX;;;\n"
        text = m49_file().read_text(encoding="utf-8") + line
        with tempfile.TemporaryDirectory() as tmp:
            listed = Path(tmp) / "m49.csv"
            listed.write_text(text, encoding="utf-8")
            with self.assertRaisesRegex(ValueError, "XKX is listed now"):
                build_data.build(listed)
