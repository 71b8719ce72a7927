from __future__ import annotations

from django.db import IntegrityError, transaction
from django.test import TestCase

from waypoint.analytics.charts import geometry
from waypoint.reference.loading import LANGUAGES
from waypoint.reference.models import Country, Region


class CountryTests(TestCase):
    def test_it_loads_every_iso_3166_1_entry_and_kosovo(self) -> None:
        self.assertEqual(Country.objects.count(), 250)
        self.assertEqual(Country.objects.exclude(alpha3="XKX").count(), 249)

    def test_it_keeps_the_codes_unique(self) -> None:
        for field in ("alpha2", "alpha3", "numeric"):
            with self.subTest(field=field):
                values = list(Country.objects.exclude(**{field: ""}).values_list(field, flat=True))
                self.assertEqual(len(values), len(set(values)))

    def test_it_refuses_a_numeric_code_given_twice_but_not_two_without_one(self) -> None:
        Country.objects.create(alpha3="XXA", alpha2="XA", name="No code A")
        Country.objects.create(alpha3="XXB", alpha2="XB", name="No code B")
        with self.assertRaises(IntegrityError), transaction.atomic():
            Country.objects.create(alpha3="XXC", alpha2="XC", numeric="380", name="Italy again")

    def test_it_reads_namibia_as_na_not_as_missing(self) -> None:
        namibia = Country.objects.get(alpha3="NAM")
        self.assertEqual((namibia.alpha2, namibia.numeric), ("NA", "516"))

    def test_it_zero_pads_numeric_codes(self) -> None:
        self.assertEqual(Country.objects.get(alpha3="AFG").numeric, "004")
        without = Country.objects.exclude(numeric__regex=r"^[0-9]{3}$")
        self.assertEqual(list(without.values_list("alpha3", "numeric")), [("XKX", "")])

    def test_it_maps_every_country_to_a_region_or_says_why_not(self) -> None:
        for country in Country.objects.all():
            with self.subTest(country=country.alpha3):
                mapped = country.region_id is not None and country.subregion_id is not None
                from_m49 = mapped and bool(country.m49)
                self.assertNotEqual(from_m49, bool(country.m49_unmapped_reason))

    def test_it_gives_kosovo_the_user_assigned_codes_statistics_use(self) -> None:
        kosovo = Country.objects.get(alpha3="XKX")
        self.assertEqual((kosovo.alpha2, kosovo.numeric, kosovo.m49), ("XK", "", ""))
        self.assertEqual(kosovo.official_name, "Kosovo under UNSC resolution 1244 (1999)")
        self.assertEqual(
            [kosovo.label(language) for language in LANGUAGES],
            ["Kosovo", "Kosovo", "Kosovo", "كوسوفو", "Косово", "科索沃"],
        )
        self.assertEqual((kosovo.region_id, kosovo.subregion_id), ("150", "039"))
        self.assertIn("UN M49", kosovo.m49_unmapped_reason)

    def test_it_knows_every_country_the_map_draws(self) -> None:
        known = set(Country.objects.values_list("alpha3", flat=True))
        self.assertLessEqual(set(geometry.country_shapes()), known)
        self.assertIn("XKX", geometry.country_shapes())
        # Maps name it in the reader's language, as they name the ISO countries.
        self.assertEqual(geometry.country_name("XKX", "ar"), "كوسوفو")
        self.assertEqual(geometry.country_name("XKX", "zh-hans"), "科索沃")
        self.assertEqual(geometry.country_name("ITA", "fr"), "Italie")

    def test_it_leaves_unmapped_only_the_entries_m49_gives_no_region(self) -> None:
        unmapped = set(Country.objects.filter(region=None).values_list("alpha3", flat=True))
        self.assertEqual(unmapped, {"ATA", "TWN"})

    def test_it_groups_countries_by_the_m49_hierarchy(self) -> None:
        namibia = Country.objects.get(alpha3="NAM")
        self.assertEqual(
            (namibia.region_id, namibia.subregion_id, namibia.intermediate_region_id),
            ("002", "202", "018"),
        )
        parents = dict(Region.objects.values_list("m49", "parent"))
        for country in Country.objects.exclude(intermediate_region=None):
            intermediate, subregion = country.intermediate_region_id, country.subregion_id
            assert intermediate is not None and subregion is not None
            with self.subTest(country=country.alpha3):
                self.assertEqual(parents[intermediate], subregion)
                self.assertEqual(parents[subregion], country.region_id)

    def test_it_names_every_country_in_the_six_languages(self) -> None:
        for country in Country.objects.all():
            with self.subTest(country=country.alpha3):
                self.assertEqual(sorted(country.names), sorted(LANGUAGES))
                self.assertTrue(all(name.strip() for name in country.names.values()))

    def test_it_picks_the_label_in_the_active_language(self) -> None:
        germany = Country.objects.get(alpha3="DEU")
        self.assertEqual(germany.label("fr"), "Allemagne")
        self.assertEqual(germany.label("zh-hans"), "德国")
        self.assertEqual(germany.label("sw"), "Germany")

    def test_it_flags_least_developed_landlocked_and_island_states(self) -> None:
        self.assertTrue(Country.objects.get(alpha3="AFG").least_developed)
        self.assertTrue(Country.objects.get(alpha3="AFG").landlocked_developing)
        self.assertTrue(Country.objects.get(alpha3="FJI").small_island_developing)
        self.assertFalse(Country.objects.get(alpha3="DEU").least_developed)


class RegionTests(TestCase):
    def test_it_loads_regions_sub_regions_and_intermediate_regions(self) -> None:
        counts = {
            level: Region.objects.filter(level=level).count()
            for level in ("region", "subregion", "intermediate")
        }
        self.assertEqual(counts, {"region": 5, "subregion": 17, "intermediate": 7})

    def test_it_nests_each_level_under_the_one_above(self) -> None:
        above = {"region": None, "subregion": "region", "intermediate": "subregion"}
        for region in Region.objects.select_related("parent"):
            with self.subTest(region=region.m49):
                parent_level = region.parent.level if region.parent else None
                self.assertEqual(parent_level, above[region.level])

    def test_it_names_every_region_in_the_six_languages(self) -> None:
        for region in Region.objects.all():
            with self.subTest(region=region.m49):
                self.assertEqual(sorted(region.names), sorted(LANGUAGES))
