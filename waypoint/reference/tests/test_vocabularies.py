from __future__ import annotations

from collections import defaultdict

from django.test import TestCase

from waypoint.reference.loading import LANGUAGES
from waypoint.reference.models import MISSING_ANSWERS, Term

#: The codes other parts of Waypoint rely on; each vocabulary may carry more.
REQUIRED = {
    "org_type": "national_authority international_organisation ngo multi_agency_centre other",
    "org_purpose": "protection victim_assistance criminal_investigation prosecution "
    "border_management labour_inspection statistics research",
    "incident_kind": "smuggling_of_migrants trafficking_in_persons violence_against_migrants "
    "death_or_disappearance",
    "migration_route": "central_mediterranean eastern_mediterranean western_mediterranean "
    "western_balkans us_mexico_border unknown",
    "date_precision": "day month year unknown",
    "coordinate_precision": "exact approximate settlement admin_area country unknown",
    "detection_context": "border_check inland at_sea workplace_inspection victim_self_report "
    "referral hotline investigation health_service other unknown not_stated",
    "aggravating_circumstance": "endangering_life_or_safety inhuman_or_degrading_treatment "
    "exploitation involvement_of_children organised_criminal_group use_of_violence_or_weapons "
    "abuse_of_office unknown not_applicable",
    "bias_motivation": "racism_xenophobia anti_roma_sinti antisemitism anti_muslim "
    "anti_christian_other_religion sexual_orientation_gender_identity disability gender other "
    "none unknown not_stated",
    "source_type": "victim witness police_record court ngo media public_report hotline other "
    "unknown",
    "source_reliability": "A B C X",
    "information_credibility": "1 2 3 4",
    "verification_status": "reported unverified verified rejected",
    "person_role": "smuggled_migrant victim offender witness reporter",
    "sex": "female male other unknown not_stated",
    "age_group": "0-4 5-9 10-14 15-17 18-24 25-34 35-44 45-54 55-64 65+ child adult unknown "
    "not_stated",
    "migration_status": "regular irregular asylum_seeker refugee complementary_protection "
    "stateless unknown not_stated not_applicable",
    "violence_form": "kidnapping extortion physical_assault sexual_violence torture threats "
    "robbery forced_labour debt_bondage abandonment detention pushback denial_of_assistance "
    "death other unknown not_stated",
    "exploitation_form": "sexual_exploitation forced_labour domestic_servitude forced_marriage "
    "forced_criminality forced_begging organ_removal forced_military slavery_and_practices "
    "illegal_adoption other unknown not_stated not_applicable",
    "sexual_exploitation_type": "prostitution pornography remote_interactive_services "
    "private_sexual_services other unknown",
    "labour_sector": "A B C D E F G H I J K L M N O P Q R S T U unknown not_stated",
    "means_of_control": "debt_bondage takes_earnings restricts_financial_access threats "
    "threatens_family psychological_abuse physical_abuse sexual_abuse false_promises "
    "psychoactive_substances restricts_movement restricts_medical_care excessive_working_hours "
    "uses_children threat_of_law_enforcement withholds_necessities withholds_documents other "
    "unknown not_stated",
    "perpetrator_relation": "intimate_partner family friend acquaintance employer recruiter "
    "stranger official other unknown not_stated",
    "assistance": "shelter medical psychosocial legal interpretation financial "
    "education_training livelihood residence_permit reflection_period repatriation_support none "
    "unknown not_stated",
    "trafficking_identification": "identified presumed not_identified unknown not_applicable",
    "identifying_authority": "police border_or_immigration labour_inspection "
    "prosecution_or_court ngo international_organisation other_government other unknown",
    "place_role": "origin transit destination unknown",
    "transport_mode": "land sea air unknown",
    "accompaniment": "accompanied unaccompanied separated unknown not_applicable",
    "fee_basis": "per_person per_group unknown",
    "conveyance": "on_foot car van truck bus train small_boat rubber_dinghy fishing_vessel "
    "cargo_ship commercial_flight other unknown",
    "smuggling_method": "concealment_in_vehicle fraudulent_documents misused_genuine_documents "
    "visa_fraud corruption_of_officials evading_border_checks guided_crossing sea_crossing other "
    "unknown",
    "payment_method": "cash hawala mobile_money bank_transfer money_transfer_operator "
    "cryptocurrency in_kind labour_or_debt other unknown not_stated",
    "death_cause": "drowning vehicle_accident violence harsh_conditions sickness_no_healthcare "
    "accidental mixed_or_unknown unknown",
    "network_role": "organiser recruiter transporter driver boat_pilot guide harbourer "
    "document_forger money_handler corrupt_official lookout exploiter other unknown",
    "sentence_type": "imprisonment suspended_imprisonment fine community_service other unknown",
    "selector_kind": "phone email social_media_handle vehicle_plate vessel bank_account "
    "crypto_wallet other",
    "identifier_kind": "given_name family_name full_name alias date_of_birth passport_number "
    "national_id_number other_document_number phone email address",
}


def codes_by_vocabulary() -> dict[str, set[str]]:
    codes: dict[str, set[str]] = defaultdict(set)
    for vocabulary, code in Term.objects.values_list("vocabulary", "code"):
        codes[vocabulary].add(code)
    return codes


class VocabularyTests(TestCase):
    def test_it_has_every_required_code(self) -> None:
        codes = codes_by_vocabulary()
        for vocabulary, required in REQUIRED.items():
            with self.subTest(vocabulary=vocabulary):
                self.assertEqual(set(required.split()) - codes[vocabulary], set())

    def test_it_offers_the_required_codes_for_new_records(self) -> None:
        for vocabulary, required in REQUIRED.items():
            terms = Term.objects.filter(vocabulary=vocabulary, code__in=required.split())
            with self.subTest(vocabulary=vocabulary):
                self.assertFalse(terms.filter(deprecated=True).exists())

    def test_it_labels_every_term_in_the_six_languages(self) -> None:
        for term in Term.objects.all():
            with self.subTest(vocabulary=term.vocabulary, code=term.code):
                self.assertEqual(sorted(term.names), sorted(LANGUAGES))
                self.assertTrue(all(label.strip() for label in term.names.values()))

    def test_it_keeps_the_missing_answers_distinct(self) -> None:
        for vocabulary, required in REQUIRED.items():
            listed = [code for code in required.split() if code in MISSING_ANSWERS]
            terms = Term.objects.filter(vocabulary=vocabulary, code__in=listed)
            with self.subTest(vocabulary=vocabulary):
                self.assertEqual(terms.count(), len(listed))
                self.assertEqual(len({t.name for t in terms}), len(listed))
                self.assertEqual(len({t.description for t in terms}), len(listed))

    def test_it_marks_missing_answers_as_such(self) -> None:
        term = Term.objects.get(vocabulary="sex", code="not_stated")
        self.assertTrue(term.is_missing_answer)
        self.assertFalse(Term.objects.get(vocabulary="sex", code="female").is_missing_answer)

    def test_it_numbers_positions_within_each_vocabulary(self) -> None:
        for vocabulary in codes_by_vocabulary():
            positions = list(
                Term.objects.filter(vocabulary=vocabulary).values_list("position", flat=True)
            )
            with self.subTest(vocabulary=vocabulary):
                self.assertEqual(sorted(positions), list(range(1, len(positions) + 1)))

    def test_it_points_broader_terms_at_terms_of_the_same_vocabulary(self) -> None:
        codes = codes_by_vocabulary()
        for term in Term.objects.exclude(parent_code=""):
            with self.subTest(vocabulary=term.vocabulary, code=term.code):
                self.assertIn(term.parent_code, codes[term.vocabulary])

    def test_it_rolls_age_bands_up_to_child_and_adult(self) -> None:
        parents = dict(
            Term.objects.filter(vocabulary="age_group").values_list("code", "parent_code")
        )
        self.assertEqual(parents["15-17"], "child")
        self.assertEqual(parents["18-24"], "adult")
        self.assertEqual(parents["65+"], "adult")

    def test_it_names_the_standard_each_term_follows(self) -> None:
        self.assertFalse(Term.objects.filter(source="").exists())
        self.assertEqual(
            Term.objects.get(vocabulary="aggravating_circumstance", code="exploitation").source,
            "Smuggling of Migrants Protocol art. 6(3)(b)",
        )
        self.assertEqual(
            Term.objects.get(vocabulary="labour_sector", code="A").source, "ISIC Rev.4 section A"
        )
