"""Converters read names in every script, and never take an unknown one for another."""

from __future__ import annotations

from waypoint.bulk import mapping
from waypoint.test import BaseTestCase


class NameTests(BaseTestCase):
    def test_it_reads_country_names_in_the_six_languages(self) -> None:
        for name in ("Italy", "Italie", "Italia", "إيطاليا", "Италия", "意大利"):
            with self.subTest(name):
                self.assertEqual(mapping.country(name), "ITA")

    def test_it_reads_kosovo_under_its_user_assigned_code(self) -> None:
        for name in ("Kosovo", "XK", "XKX", "كوسوفو", "Косово", "科索沃"):
            with self.subTest(name):
                self.assertEqual(mapping.country(name), "XKX")

    def test_it_rejects_a_name_in_another_script_it_does_not_know(self) -> None:
        for name in ("Атлантида", "亚特兰蒂斯", "أطلانطس"):
            with self.subTest(name), self.assertRaises(mapping.Rejected):
                mapping.country(name)

    def test_it_reads_vocabulary_labels_in_the_six_languages(self) -> None:
        convert = mapping.term("sex")
        for label in ("Female", "Féminin", "femenino", "أنثى", "Женский", "女"):
            with self.subTest(label):
                self.assertEqual(convert(label), "female")
