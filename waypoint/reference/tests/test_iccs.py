from __future__ import annotations

from django.test import TestCase

from waypoint.reference.models import IccsCode

LEVEL_BY_LENGTH = {2: 1, 4: 2, 5: 3, 6: 4}

IN_SCOPE = {
    "sections": ["01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11"],
    "smuggling of migrants": ["08", "0805", "08051"],
    "trafficking in persons": ["0204", "02041", "02042", "02043", "02044"],
    "homicide": ["0101", "0102"],
    "assault and threat": ["0201", "02011", "020111", "020112", "02012", "020121"],
    "acts against liberty": ["0202", "02021", "02022", "020221", "020222", "020291", "020292"],
    "slavery and exploitation": ["0203", "02032", "020321"],
    "coercion and harassment": ["0205", "0208"],
    "sexual violence and exploitation": ["0301", "03011", "03012", "03019", "0302", "03022"],
    "robbery": ["0401"],
    "document forgery": ["0702", "07023"],
    "corruption": ["0703", "07031", "07032", "07033", "07035"],
    "money laundering": ["0704", "07041"],
    "public order sexual standards": ["0802", "08021", "08022"],
    "expression and hatred": ["0803", "08032"],
    "organized crime and torture": ["09051", "11011"],
}


class IccsTests(TestCase):
    def test_it_has_the_codes_in_scope(self) -> None:
        present = set(IccsCode.objects.values_list("code", flat=True))
        for topic, codes in IN_SCOPE.items():
            with self.subTest(topic=topic):
                self.assertEqual(set(codes) - present, set())

    def test_it_sets_each_level_from_the_code_length(self) -> None:
        for code in IccsCode.objects.all():
            with self.subTest(code=code.code):
                self.assertEqual(code.level, LEVEL_BY_LENGTH[len(code.code)])

    def test_it_links_every_code_to_its_parent(self) -> None:
        for code in IccsCode.objects.all():
            with self.subTest(code=code.code):
                expected = {2: None, 4: code.code[:2], 5: code.code[:4], 6: code.code[:5]}
                self.assertEqual(code.parent_id, expected[len(code.code)])

    def test_it_records_the_source_that_verified_each_code(self) -> None:
        for code in IccsCode.objects.all():
            with self.subTest(code=code.code):
                self.assertRegex(code.notes, r"Verified|verified|inferred")

    def test_it_keeps_smuggling_apart_from_trafficking(self) -> None:
        smuggling = IccsCode.objects.select_related("parent").get(code="08051")
        assert smuggling.parent is not None
        self.assertEqual(smuggling.parent.parent_id, "08")
        self.assertIn("0204", smuggling.notes)
        self.assertEqual(IccsCode.objects.get(code="0204").parent_id, "02")

    def test_it_labels_every_code_in_the_six_languages(self) -> None:
        for code in IccsCode.objects.all():
            with self.subTest(code=code.code):
                self.assertEqual(len(code.names), 6)
