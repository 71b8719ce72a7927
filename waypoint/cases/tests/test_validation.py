"""The rules a reporting officer meets when recording an incident, with the messages shown."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from waypoint.cases.models import (
    Incident,
    OffenderRecord,
    Person,
    PersonIdentifier,
    RouteLeg,
    Victimisation,
)
from waypoint.cases.validation import (
    IncidentDraft,
    PersonDraft,
    Problem,
    SelectorDraft,
    StageStep,
    validate,
)
from waypoint.test import BaseTestCase

TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def leg(sequence: int, origin: str, destination: str, **fields: object) -> RouteLeg:
    return RouteLeg(sequence=sequence, from_country=origin, to_country=destination, **fields)


class ValidationTestCase(BaseTestCase):
    def problems(self, draft: IncidentDraft) -> dict[str, list[Problem]]:
        found: dict[str, list[Problem]] = {}
        for problem in validate(draft):
            found.setdefault(problem.path, []).append(problem)
        return found

    def assertProblem(self, draft: IncidentDraft, path: str, code: str, text: str = "") -> None:
        found = self.problems(draft)
        self.assertIn(path, found, f"expected a problem at {path}; got {found}")
        codes = [p.code for p in found[path]]
        self.assertIn(code, codes)
        if text:
            messages = " ".join(p.message for p in found[path])
            self.assertIn(text, messages)

    def assertValid(self, draft: IncidentDraft) -> None:
        self.assertEqual(validate(draft), [])


class CodeTests(ValidationTestCase):
    def test_it_accepts_a_minimal_incident(self) -> None:
        self.assertValid(self.draft())

    def test_it_places_an_incident_in_international_waters(self) -> None:
        self.assertValid(self.draft(country="international_waters"))

    def test_it_suggests_the_closest_country_code(self) -> None:
        self.assertProblem(self.draft(country="ITL"), "incident.country", "invalid_code", "ITA")

    def test_it_rejects_an_unknown_kind(self) -> None:
        self.assertProblem(
            self.draft(kinds=["smugling"]),
            "incident.kinds",
            "invalid_code",
            "smuggling_of_migrants",
        )

    def test_it_requires_at_least_one_kind(self) -> None:
        self.assertIn("incident.kinds", self.problems(self.draft(kinds=[])))

    def test_it_rejects_an_unknown_iccs_code(self) -> None:
        self.assertProblem(
            self.draft(offence_codes=["99999"]), "incident.offence_codes", "invalid_code"
        )

    def test_it_accepts_iccs_codes_for_smuggling_and_trafficking(self) -> None:
        self.assertValid(self.draft(offence_codes=["08051", "0204"]))

    def test_it_refuses_unknown_combined_with_an_answer(self) -> None:
        draft = self.draft(bias_motivations=["unknown", "racism_xenophobia"])
        self.assertProblem(draft, "incident.bias_motivations", "missing_with_answers")

    def test_it_refuses_a_code_listed_twice(self) -> None:
        draft = self.draft(kinds=["smuggling_of_migrants", "smuggling_of_migrants"])
        self.assertProblem(draft, "incident.kinds", "duplicate_code")

    def test_it_rejects_an_unknown_currency(self) -> None:
        draft = self.draft()
        draft.legs = [leg(1, "LBY", "ITA", fee_amount=Decimal("1500"), fee_currency="EUX")]
        self.assertProblem(draft, "legs[1].fee_currency", "invalid_code", "EUR")


class DateTests(ValidationTestCase):
    def test_it_rejects_a_date_in_the_future(self) -> None:
        self.assertProblem(
            self.draft(date_start=TOMORROW), "incident.date_start", "future_date", "in the future"
        )

    def test_it_requires_the_precision_of_a_date(self) -> None:
        self.assertProblem(
            self.draft(date_precision="unknown"), "incident.date_precision", "precision_missing"
        )

    def test_it_requires_unknown_precision_without_a_date(self) -> None:
        self.assertProblem(
            self.draft(date_start=None, date_precision="day"), "incident.date_start", "date_missing"
        )
        self.assertValid(self.draft(date_start=None, date_precision="unknown"))

    def test_it_rejects_a_period_that_ends_before_it_starts(self) -> None:
        draft = self.draft(date_end=datetime.date(2024, 1, 1))
        self.assertProblem(draft, "incident.date_end", "period_reversed", "before it starts")

    def test_it_rejects_a_period_without_start(self) -> None:
        draft = self.draft(
            date_start=None, date_end=datetime.date(2024, 1, 1), date_precision="unknown"
        )
        self.assertProblem(draft, "incident.date_start", "period_without_start")


class CountTests(ValidationTestCase):
    def test_it_rejects_a_negative_count(self) -> None:
        self.assertIn("incident.dead", self.problems(self.draft(dead=-1)))

    def test_it_rejects_more_dead_than_involved(self) -> None:
        draft = self.draft(migrants_involved=10, dead=12)
        self.assertProblem(
            draft,
            "incident.dead",
            "count_exceeds_involved",
            "cannot exceed the migrants involved (10)",
        )

    def test_it_rejects_dead_and_missing_beyond_involved(self) -> None:
        draft = self.draft(migrants_involved=10, dead=6, missing=5, death_causes=["drowning"])
        self.assertProblem(draft, "incident.missing", "casualties_exceed_involved")

    def test_it_accepts_unknown_counts(self) -> None:
        self.assertValid(self.draft(migrants_involved=None, dead=3, death_causes=["drowning"]))

    def test_it_rejects_itemised_migrants_beyond_involved(self) -> None:
        draft = self.draft(migrants_involved=1)
        draft.persons = [PersonDraft(Person(role="smuggled_migrant")) for _ in range(2)]
        self.assertProblem(draft, "incident.migrants_involved", "fewer_involved_than_itemised")

    def test_it_rejects_a_cause_of_death_without_deaths(self) -> None:
        self.assertProblem(
            self.draft(death_causes=["drowning"]), "incident.death_causes", "cause_without_death"
        )

    def test_it_rejects_itemised_deaths_beyond_the_dead_count(self) -> None:
        draft = self.draft(dead=0)
        draft.persons = [
            PersonDraft(
                Person(role="smuggled_migrant"),
                victimisation=Victimisation(violence_forms=["death"]),
            )
        ]
        self.assertProblem(draft, "incident.dead", "fewer_dead_than_itemised")


class PersonTests(ValidationTestCase):
    def person_draft(self, **fields: object) -> IncidentDraft:
        draft = self.draft()
        draft.persons = [PersonDraft(Person(role="smuggled_migrant", **fields))]
        return draft

    def test_it_accepts_ages_from_0_to_120(self) -> None:
        self.assertValid(self.person_draft(age=0))
        self.assertValid(self.person_draft(age=120))

    def test_it_rejects_an_age_over_120(self) -> None:
        self.assertIn("persons[1].age", self.problems(self.person_draft(age=121)))

    def test_it_derives_the_age_group_from_the_age(self) -> None:
        draft = self.person_draft(age=16)
        self.assertValid(draft)
        self.assertEqual(draft.persons[0].person.age_group, "15-17")

    def test_it_rejects_an_age_outside_its_group(self) -> None:
        self.assertProblem(
            self.person_draft(age=30, age_group="15-17"),
            "persons[1].age_group",
            "age_group_mismatch",
            "the group for it is “25-34”",
        )

    def test_it_accepts_a_coarse_group_that_contains_the_age(self) -> None:
        self.assertValid(self.person_draft(age=12, age_group="child"))

    def test_it_accepts_stateless_as_citizenship(self) -> None:
        self.assertValid(self.person_draft(citizenship="stateless"))

    def test_it_records_an_unaccompanied_child(self) -> None:
        self.assertValid(
            self.person_draft(age=15, accompaniment="unaccompanied", travel_group=None)
        )

    def test_it_rejects_an_unaccompanied_adult(self) -> None:
        self.assertProblem(
            self.person_draft(age=25, accompaniment="unaccompanied"),
            "persons[1].accompaniment",
            "accompaniment_for_adult",
            "Only a child",
        )

    def test_it_rejects_the_main_citizenship_among_the_others(self) -> None:
        draft = self.person_draft(citizenship="SYR", other_citizenships=["SYR"])
        self.assertProblem(draft, "persons[1].other_citizenships", "duplicate_citizenship")

    def test_it_rejects_an_invalid_date_of_birth(self) -> None:
        draft = self.person_draft()
        draft.persons[0].identifiers = [PersonIdentifier(kind="date_of_birth", value="31/02/1990")]
        self.assertProblem(draft, "persons[1].identifiers[1].value", "invalid_date", "YYYY-MM-DD")


class RoleTests(ValidationTestCase):
    def test_it_rejects_a_smuggled_migrant_outside_a_smuggling_incident(self) -> None:
        draft = self.draft(kinds=["trafficking_in_persons"])
        draft.persons = [PersonDraft(Person(role="smuggled_migrant"))]
        self.assertProblem(draft, "persons[1].role", "role_kind_mismatch")

    def test_it_rejects_victimisation_for_a_witness(self) -> None:
        draft = self.draft()
        draft.persons = [PersonDraft(Person(role="witness"), victimisation=Victimisation())]
        self.assertProblem(draft, "persons[1].victimisation", "victimisation_for_role")

    def test_it_rejects_an_outcome_for_a_victim(self) -> None:
        draft = self.draft(kinds=["trafficking_in_persons"])
        draft.persons = [PersonDraft(Person(role="victim"), offender=OffenderRecord())]
        self.assertProblem(draft, "persons[1].offender", "offender_for_role")

    def test_it_rejects_exploitation_of_a_smuggled_migrant(self) -> None:
        draft = self.draft()
        victimisation = Victimisation(exploitation_forms=["forced_labour"])
        draft.persons = [PersonDraft(Person(role="smuggled_migrant"), victimisation=victimisation)]
        self.assertProblem(
            draft, "persons[1].victimisation.exploitation_forms", "exploitation_outside_trafficking"
        )

    def test_it_accepts_a_trafficking_victim_with_exploitation(self) -> None:
        draft = self.draft(kinds=["trafficking_in_persons"], offence_codes=["02042"])
        victimisation = Victimisation(
            exploitation_forms=["forced_labour"],
            labour_sectors=["A"],
            trafficking_identification="identified",
            identified_by="labour_inspection",
            identified_on=datetime.date(2024, 6, 1),
            country_of_exploitation="ITA",
        )
        draft.persons = [
            PersonDraft(
                Person(role="victim", sex="male", age=24, citizenship="IND"),
                victimisation=victimisation,
            )
        ]
        self.assertValid(draft)

    def test_it_rejects_sectors_without_forced_labour(self) -> None:
        draft = self.draft(kinds=["trafficking_in_persons"])
        victimisation = Victimisation(
            exploitation_forms=["sexual_exploitation"], labour_sectors=["A"]
        )
        draft.persons = [PersonDraft(Person(role="victim"), victimisation=victimisation)]
        self.assertProblem(
            draft, "persons[1].victimisation.labour_sectors", "sector_without_labour"
        )

    def test_it_rejects_identification_of_a_smuggled_migrant(self) -> None:
        draft = self.draft()
        victimisation = Victimisation(trafficking_identification="identified")
        draft.persons = [PersonDraft(Person(role="smuggled_migrant"), victimisation=victimisation)]
        self.assertProblem(
            draft, "persons[1].victimisation.trafficking_identification", "identification_for_role"
        )

    def test_it_rejects_a_return_to_the_same_country(self) -> None:
        draft = self.draft(kinds=["trafficking_in_persons"])
        victimisation = Victimisation(repatriated_from="ITA", repatriated_to="ITA")
        draft.persons = [PersonDraft(Person(role="victim"), victimisation=victimisation)]
        self.assertProblem(draft, "persons[1].victimisation.repatriated_to", "return_same_country")

    def test_it_rejects_a_sentence_before_conviction(self) -> None:
        draft = self.draft()
        offender = OffenderRecord(
            stage="prosecuted", sentence_type="imprisonment", sentence_months=24
        )
        draft.persons = [PersonDraft(Person(role="offender"), offender=offender)]
        self.assertProblem(
            draft, "persons[1].offender.sentence_type", "sentence_without_conviction"
        )


class StageTests(ValidationTestCase):
    def offender_draft(self, stages: list[StageStep], current: str) -> IncidentDraft:
        draft = self.draft()
        draft.persons = [
            PersonDraft(
                Person(role="offender"), offender=OffenderRecord(stage=current), stages=stages
            )
        ]
        return draft

    def test_it_accepts_a_history_that_follows_the_workflow(self) -> None:
        stages = [
            StageStep("arrested", datetime.date(2024, 5, 18)),
            StageStep("prosecuted", datetime.date(2024, 9, 1)),
            StageStep("convicted", datetime.date(2025, 3, 3)),
        ]
        self.assertValid(self.offender_draft(stages, "convicted"))

    def test_it_rejects_a_step_the_workflow_does_not_allow(self) -> None:
        stages = [StageStep("suspected"), StageStep("convicted")]
        self.assertProblem(
            self.offender_draft(stages, "convicted"),
            "persons[1].offender.stages[2]",
            "stage_transition",
            "allowed:",
        )

    def test_it_rejects_stage_dates_out_of_order(self) -> None:
        stages = [
            StageStep("arrested", datetime.date(2024, 9, 1)),
            StageStep("prosecuted", datetime.date(2024, 6, 1)),
        ]
        self.assertProblem(
            self.offender_draft(stages, "prosecuted"),
            "persons[1].offender.stages[2]",
            "stage_out_of_order",
        )

    def test_it_rejects_a_stage_before_the_incident(self) -> None:
        stages = [StageStep("arrested", datetime.date(2020, 1, 1))]
        self.assertProblem(
            self.offender_draft(stages, "arrested"),
            "persons[1].offender.stages[1]",
            "before_incident",
        )

    def test_it_requires_the_stage_to_match_the_last_step(self) -> None:
        stages = [StageStep("arrested")]
        self.assertProblem(
            self.offender_draft(stages, "convicted"), "persons[1].offender.stage", "stage_not_last"
        )


class RouteTests(ValidationTestCase):
    def test_it_accepts_a_contiguous_route(self) -> None:
        draft = self.draft()
        draft.legs = [
            leg(1, "NGA", "NER", from_role="origin", to_role="transit", mode="land"),
            leg(2, "NER", "LBY", from_role="transit", to_role="transit", mode="land"),
            leg(
                3,
                "LBY",
                "ITA",
                from_role="transit",
                to_role="destination",
                mode="sea",
                fee_amount=Decimal("2500"),
                fee_currency="USD",
                payment_method="cash",
            ),
        ]
        self.assertValid(draft)

    def test_it_rejects_legs_that_do_not_join_up(self) -> None:
        draft = self.draft()
        draft.legs = [leg(1, "NGA", "NER"), leg(2, "LBY", "ITA")]
        self.assertProblem(
            draft,
            "legs[2].from_country",
            "legs_not_contiguous",
            "departs from LBY but the previous leg arrived in NER",
        )

    def test_it_allows_an_unknown_junction(self) -> None:
        draft = self.draft()
        draft.legs = [leg(1, "NGA", "unknown"), leg(2, "LBY", "ITA")]
        self.assertValid(draft)

    def test_it_rejects_legs_out_of_order(self) -> None:
        draft = self.draft()
        draft.legs = [leg(2, "NER", "LBY"), leg(1, "NGA", "NER")]
        self.assertProblem(draft, "legs", "legs_not_ordered", "got 2, 1")

    def test_it_rejects_a_leg_that_departs_before_the_previous_arrives(self) -> None:
        draft = self.draft()
        draft.legs = [
            leg(
                1,
                "TUR",
                "GRC",
                departed_on=datetime.date(2024, 5, 1),
                arrived_on=datetime.date(2024, 5, 3),
            ),
            leg(2, "GRC", "MKD", departed_on=datetime.date(2024, 5, 2)),
        ]
        self.assertProblem(draft, "legs[2].departed_on", "legs_overlap")

    def test_it_rejects_a_destination_before_the_last_leg(self) -> None:
        draft = self.draft()
        draft.legs = [leg(1, "TUR", "GRC", to_role="destination"), leg(2, "GRC", "MKD")]
        self.assertProblem(draft, "legs[1].to_role", "destination_not_last")

    def test_it_rejects_a_fee_without_currency(self) -> None:
        draft = self.draft()
        draft.legs = [leg(1, "LBY", "ITA", fee_amount=Decimal("1500"))]
        self.assertProblem(draft, "legs[1].fee_currency", "currency_missing")

    def test_it_rejects_whom_a_fee_was_for_without_the_fee(self) -> None:
        draft = self.draft()
        draft.legs = [leg(1, "LBY", "ITA", fee_basis="per_person")]
        self.assertProblem(draft, "legs[1].fee_basis", "basis_without_fee")

    def test_it_rejects_arrival_before_departure(self) -> None:
        draft = self.draft()
        draft.legs = [
            leg(
                1,
                "LBY",
                "ITA",
                departed_on=datetime.date(2024, 5, 3),
                arrived_on=datetime.date(2024, 5, 1),
            )
        ]
        self.assertProblem(draft, "legs[1].arrived_on", "arrival_before_departure")


class SelectorTests(ValidationTestCase):
    def test_it_rejects_a_selector_for_a_person_not_in_the_incident(self) -> None:
        from waypoint.cases.models import Selector

        draft = self.draft()
        draft.selectors = [
            SelectorDraft(Selector(kind="phone", value="+218 91 000 0000"), person_index=3)
        ]
        self.assertProblem(draft, "selectors[1].person", "no_such_person")


class ReferenceTests(ValidationTestCase):
    def test_it_rejects_a_reference_the_owner_already_used(self) -> None:
        self.incident(self.org_a, reference="INC-1")
        draft = self.draft(reference="INC-1")
        draft.incident.owner = self.org_a
        self.assertIn("incident", {p.path.split(".")[0] for p in validate(draft)})

    def test_it_allows_the_same_reference_in_another_organisation(self) -> None:
        self.incident(self.org_b, reference="INC-1")
        draft = self.draft(reference="INC-1")
        draft.incident.owner = self.org_a
        self.assertValid(draft)

    def test_it_gives_random_public_identifiers(self) -> None:
        first = self.incident(self.org_a, reference="A")
        second = self.incident(self.org_a, reference="B")
        self.assertEqual(first.public_id.version, 4)
        self.assertNotEqual(first.public_id, second.public_id)
        self.assertIsInstance(Incident.objects.get(pk=first.pk).public_id.hex, str)
