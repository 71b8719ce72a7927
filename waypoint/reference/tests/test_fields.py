from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.test import TestCase
from django.utils import translation

from waypoint.reference import catalogue
from waypoint.reference.fields import (
    CountryField,
    CountryListField,
    CurrencyField,
    IccsListField,
    TermField,
    TermListField,
)
from waypoint.reference.models import Term


def messages(field: models.Field[Any, Any], value: object) -> list[str]:
    try:
        field.validate(value, None)
    except ValidationError as error:
        return error.messages
    return []


class CatalogueTests(TestCase):
    def setUp(self) -> None:
        catalogue.clear()

    def test_it_lists_the_codes_of_a_vocabulary(self) -> None:
        self.assertEqual(
            catalogue.vocabulary_codes("sex"), {"female", "male", "other", "unknown", "not_stated"}
        )

    def test_it_caches_look_ups(self) -> None:
        with self.assertNumQueries(2):
            catalogue.country_codes()
            catalogue.vocabulary_labels("sex")
        with self.assertNumQueries(0):
            self.assertIn("ITA", catalogue.country_codes())
            self.assertEqual(catalogue.term_label("sex", "male"), "Male")

    def test_it_forgets_the_cache_when_a_term_changes(self) -> None:
        self.assertNotIn("hovercraft", catalogue.vocabulary_codes("conveyance"))
        Term.objects.create(vocabulary="conveyance", code="hovercraft", name="Hovercraft")
        self.assertIn("hovercraft", catalogue.vocabulary_codes("conveyance"))

    def test_it_can_leave_out_deprecated_terms(self) -> None:
        Term.objects.filter(vocabulary="sex", code="other").update(deprecated=True)
        catalogue.clear()
        self.assertIn("other", catalogue.vocabulary_codes("sex"))
        self.assertNotIn("other", catalogue.vocabulary_codes("sex", include_deprecated=False))

    def test_it_suggests_the_closest_codes(self) -> None:
        self.assertEqual(catalogue.closest("ITL", catalogue.country_codes())[0], "ITA")
        self.assertEqual(catalogue.closest("femal", catalogue.vocabulary_codes("sex"))[0], "female")
        self.assertEqual(catalogue.closest("zzzz", catalogue.vocabulary_codes("sex")), [])

    def test_it_labels_a_code_in_the_active_language(self) -> None:
        with translation.override("es"):
            self.assertEqual(catalogue.term_label("sex", "female"), "Femenino")
        self.assertEqual(catalogue.term_label("sex", "no-such-code"), "no-such-code")


class TermFieldTests(TestCase):
    field = TermField(vocabulary="sex", verbose_name="sex", blank=True)

    def test_it_accepts_a_code_of_its_vocabulary(self) -> None:
        self.assertEqual(messages(self.field, "female"), [])
        self.assertEqual(messages(self.field, "not_stated"), [])
        self.assertEqual(messages(self.field, ""), [])

    def test_it_rejects_an_unknown_code_naming_the_closest(self) -> None:
        [message] = messages(self.field, "femal")
        self.assertIn("“femal” is not a valid sex", message)
        self.assertIn("did you mean female", message)

    def test_it_rejects_a_code_of_another_vocabulary(self) -> None:
        self.assertTrue(messages(self.field, "smuggled_migrant"))

    def test_it_offers_the_terms_as_choices_without_deprecated_ones(self) -> None:
        Term.objects.filter(vocabulary="sex", code="other").update(deprecated=True)
        catalogue.clear()
        formfield = self.field.formfield()
        assert isinstance(formfield, forms.ChoiceField)
        choices = dict(cast(list[tuple[str, str]], formfield.choices))
        self.assertEqual(choices["female"], "Female")
        self.assertNotIn("other", choices)
        self.assertIn("", choices)


class TermListFieldTests(TestCase):
    field = TermListField(vocabulary="means_of_control", verbose_name="means of control")

    def test_it_accepts_several_codes(self) -> None:
        self.assertEqual(messages(self.field, ["debt_bondage", "withholds_documents"]), [])

    def test_it_rejects_an_unknown_code_naming_the_closest(self) -> None:
        [message] = messages(self.field, ["debt_bondage", "withold_documents"])
        self.assertIn("withholds_documents", message)

    def test_it_rejects_a_code_listed_twice(self) -> None:
        self.assertTrue(messages(self.field, ["threats", "threats"]))

    def test_it_rejects_a_missing_answer_combined_with_answers(self) -> None:
        [message] = messages(self.field, ["threats", "unknown"])
        self.assertIn("cannot combine “unknown”", message)

    def test_it_rejects_what_is_not_a_list_of_codes(self) -> None:
        self.assertTrue(messages(self.field, "threats"))
        self.assertTrue(messages(self.field, [1, 2]))


class CountryFieldTests(TestCase):
    field = CountryField(verbose_name="citizenship", blank=True)

    def test_it_accepts_an_alpha_3_code_and_the_missing_answers(self) -> None:
        for value in ("ITA", "NAM", "TWN", "unknown", "not_stated", "not_applicable", ""):
            with self.subTest(value=value):
                self.assertEqual(messages(self.field, value), [])

    def test_it_rejects_an_invalid_code_naming_the_closest(self) -> None:
        [message] = messages(self.field, "ITL")
        self.assertIn("“ITL” is not a valid citizenship", message)
        self.assertIn("did you mean ITA", message)

    def test_it_rejects_an_alpha_2_code(self) -> None:
        self.assertTrue(messages(self.field, "IT"))

    def test_it_accepts_only_the_further_answers_it_is_given(self) -> None:
        citizenship = CountryField(verbose_name="citizenship", also=("stateless", "unknown"))
        self.assertEqual(messages(citizenship, "stateless"), [])
        self.assertTrue(messages(citizenship, "not_applicable"))
        self.assertTrue(messages(CountryField(verbose_name="country", also=()), "unknown"))

    def test_it_validates_lists_of_countries(self) -> None:
        field = CountryListField(verbose_name="citizenships")
        self.assertEqual(messages(field, ["ITA", "ERI"]), [])
        self.assertIn("did you mean ITA", messages(field, ["ERI", "ITL"])[0])


class IccsListFieldTests(TestCase):
    field = IccsListField(verbose_name="offences")

    def test_it_accepts_codes_at_every_level(self) -> None:
        self.assertEqual(messages(self.field, ["08", "0805", "08051", "020221"]), [])

    def test_it_rejects_an_unknown_code_naming_the_closest(self) -> None:
        [message] = messages(self.field, ["08052"])
        self.assertIn("08051", message)


class CurrencyFieldTests(TestCase):
    field = CurrencyField(verbose_name="currency", blank=True)

    def test_it_accepts_an_iso_4217_code(self) -> None:
        for value in ("EUR", "USD", "LYD", ""):
            with self.subTest(value=value):
                self.assertEqual(messages(self.field, value), [])

    def test_it_rejects_an_invalid_code_naming_the_closest(self) -> None:
        [message] = messages(self.field, "EUO")
        self.assertIn("EUR", message)
