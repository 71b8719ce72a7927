from __future__ import annotations

from importlib.metadata import version

from django.apps import apps
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from waypoint.reference import loading
from waypoint.reference.models import Country, IccsCode, ReferenceRelease, Region, Term

LOADERS = (
    loading.load_regions,
    loading.load_countries,
    loading.load_currencies,
    loading.load_iccs,
    loading.load_vocabularies,
)


class LoadingTests(TestCase):
    def test_it_loads_again_without_changing_anything(self) -> None:
        before = {model: model.objects.count() for model in (Region, Country, IccsCode, Term)}
        for load in LOADERS:
            load(apps, None)
        after = {model: model.objects.count() for model in (Region, Country, IccsCode, Term)}
        self.assertEqual(after, before)
        self.assertFalse(Term.objects.filter(deprecated=True).exists())

    def test_it_restores_values_edited_away_from_the_file(self) -> None:
        Country.objects.filter(alpha3="ITA").update(name="Itally", region=None)
        loading.load_countries(apps, None)
        italy = Country.objects.get(alpha3="ITA")
        self.assertEqual((italy.name, italy.region_id), ("Italy", "150"))

    def test_it_deprecates_terms_the_file_no_longer_has_and_keeps_them(self) -> None:
        Term.objects.create(vocabulary="sex", code="retired_code", name="Retired")
        loading.load_vocabularies(apps, None)
        self.assertTrue(Term.objects.get(vocabulary="sex", code="retired_code").deprecated)
        self.assertFalse(Term.objects.get(vocabulary="sex", code="female").deprecated)

    def test_it_deprecates_withdrawn_codes_of_the_other_tables(self) -> None:
        IccsCode.objects.create(code="0209", level=2, parent_id="02", name="Defamation or insult")
        loading.load_iccs(apps, None)
        self.assertTrue(IccsCode.objects.get(code="0209").deprecated)

    def test_it_brings_back_a_deprecated_term_the_file_lists_again(self) -> None:
        Term.objects.filter(vocabulary="sex", code="male").update(deprecated=True)
        loading.load_vocabularies(apps, None)
        self.assertFalse(Term.objects.get(vocabulary="sex", code="male").deprecated)

    def test_it_records_a_release_for_each_dataset(self) -> None:
        releases = {r.dataset: r for r in ReferenceRelease.objects.all()}
        self.assertEqual(set(releases), {dataset.name for dataset in loading.DATASETS})
        self.assertEqual(releases["iso3166_countries"].rows, 250)
        self.assertEqual(releases["vocabularies"].rows, Term.objects.count())
        self.assertRegex(releases["iccs_2015"].version, r"^ICCS 1\.0\+[0-9a-f]{8}$")

    def test_it_names_the_pycountry_release_the_tables_were_built_from(self) -> None:
        self.assertEqual(loading.COUNTRIES.version, f"pycountry {version('pycountry')}")
        self.assertEqual(loading.CURRENCIES.version, f"pycountry {version('pycountry')}")

    def test_it_loads_in_a_few_bulk_queries(self) -> None:
        with CaptureQueriesContext(connection) as queries:
            loading.load_vocabularies(apps, None)
        self.assertLess(len(queries), 10)
