"""With --accept-valid, the rejected rows come back in a file that imports again once fixed."""

from __future__ import annotations

import zipfile

from waypoint.bulk.tests.test_native import ImportTestCase
from waypoint.cases.models import Incident

HEADER = ["reference", "kinds", "date_start", "country"]
LEG_HEADER = ["reference", "sequence", "from_country", "to_country", "mode"]


class RejectedRowsTests(ImportTestCase):
    def test_it_writes_no_file_when_nothing_is_rejected(self) -> None:
        path = self.rows("good.csv", {"reference": "R-1", "kinds": "smuggling_of_migrants"})
        target = self.folder / "good.rejected.csv"
        report = self.imported(path, accept_valid=True, rejected_path=target)
        self.assertEqual(report.rejected_file, "")
        self.assertFalse(target.exists())

    def test_it_keeps_the_legs_of_a_rejected_incident_of_a_workbook(self) -> None:
        path = self.workbook(
            "book.xlsx",
            {
                "incidents": [
                    HEADER,
                    ["W-1", "smuggling_of_migrants", "2024-01-05", "ITA"],
                    ["W-2", "smuggling_of_migrants", "2024-01-06", "ITL"],
                ],
                "legs": [
                    LEG_HEADER,
                    ["W-1", 1, "LBY", "ITA", "sea"],
                    ["W-2", 1, "TUN", "ITA", "sea"],
                    ["W-2", 2, "ITA", "FRA", "land"],
                ],
            },
        )
        target = self.folder / "book.rejected.csv"
        report = self.run_import(path, accept_valid=True, rejected_path=target)
        self.assertEqual((report.created, report.rejected), (1, 1))
        written = self.folder / "book.rejected.zip"
        self.assertEqual(report.rejected_file, str(written))
        with zipfile.ZipFile(written) as archive:
            self.assertEqual(sorted(archive.namelist()), ["incidents.csv", "legs.csv"])
            incidents = archive.read("incidents.csv").decode("utf-8-sig")
            legs = archive.read("legs.csv").decode("utf-8-sig")
        self.assertIn("ITL", incidents)
        self.assertIn("accepted: ITA", incidents)
        self.assertEqual(len(legs.strip().splitlines()), 3)

        fixed = self.folder / "fixed.zip"
        with zipfile.ZipFile(fixed, "w") as archive:
            archive.writestr("incidents.csv", incidents.replace("ITL", "ITA"))
            archive.writestr("legs.csv", legs)
        again = self.imported(fixed)
        self.assertEqual(again.created, 1)
        incident = Incident.objects.get(owner=self.org_a, reference="W-2")
        self.assertEqual(
            [(leg.from_country, leg.to_country) for leg in incident.legs.order_by("sequence")],
            [("TUN", "ITA"), ("ITA", "FRA")],
        )
