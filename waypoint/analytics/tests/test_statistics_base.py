"""What the statistics tests share: recording incidents through the project's own action, and
reading tables by their figures. (No tests here.)"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from waypoint.analytics import statistics
from waypoint.analytics.statistics import Scope, StatSpec
from waypoint.analytics.table import TOTAL, StatTable
from waypoint.cases.actions import change_status, record_incident
from waypoint.cases.models import (
    Incident,
    Label,
    OffenderRecord,
    Person,
    RouteLeg,
    Status,
    Victimisation,
)
from waypoint.cases.validation import IncidentDraft, PersonDraft, StageStep
from waypoint.orgs.models import Organisation, Role
from waypoint.test import BaseTestCase

T = TOTAL
TIP = "trafficking_in_persons"
SOM = "smuggling_of_migrants"
VAM = "violence_against_migrants"
DEATH = "death_or_disappearance"


class StatisticsTestCase(BaseTestCase):
    #: Records incidents for Org B.
    beatriz: User

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.beatriz = cls.make_user("beatriz", cls.org_b, Role.REPORTER)

    # Recording ------------------------------------------------------------------------------

    @classmethod
    def record(
        cls,
        reference: str,
        *,
        kinds: Iterable[str] = (TIP,),
        year: int | None = 2022,
        owner: Organisation | None = None,
        persons: Iterable[PersonDraft] = (),
        legs: Iterable[RouteLeg] = (),
        status: str | None = None,
        actor: User | None = None,
        **fields: Any,
    ) -> Incident:
        """Record an incident through ``record_incident`` (validated, with its history), dated
        1 May of ``year`` (``None``: undated), in Org A unless ``owner`` says otherwise; then
        move it to ``status``."""
        owner = owner or cls.org_a
        actor = actor or (cls.bruno if owner == cls.org_a else cls.beatriz)
        fields.setdefault("country", "ITA")
        fields.setdefault("label", Label.RED)
        incident = Incident(
            reference=reference,
            kinds=list(kinds),
            date_start=datetime.date(year, 5, 1) if year else None,
            date_precision="day" if year else "unknown",
            **fields,
        )
        draft = IncidentDraft(incident=incident, persons=list(persons), legs=list(legs))
        recorded = record_incident(actor=actor, organisation=owner, draft=draft)
        if status is not None:
            change_status(actor=actor, incident=recorded, status=status)
        return recorded

    @classmethod
    def everything(cls, reference: str, **fields: Any) -> Incident:
        """An incident that counts in every standard table."""
        v = cls.victim
        return cls.record(
            reference,
            kinds=[SOM, TIP, VAM, DEATH],
            migrants_involved=12,
            dead=2,
            missing=1,
            injured=1,
            death_causes=["drowning"],
            bias_motivations=["racism_xenophobia"],
            persons=[
                v(
                    "female",
                    age=19,
                    citizenship="ERI",
                    others=["ETH"],
                    exploitation_forms=["forced_labour"],
                    violence_forms=["kidnapping"],
                    country_of_exploitation="LBY",
                    repatriated_from="LBY",
                    repatriated_to="ERI",
                ),
                v(role="smuggled_migrant"),
                cls.offender(stages=["prosecuted", "convicted"]),
            ],
            legs=[
                cls.leg(
                    1,
                    "ERI",
                    "LBY",
                    mode="land",
                    methods=["guided_crossing"],
                    fee_amount=Decimal(1500),
                    fee_currency="USD",
                ),
                cls.leg(2, "LBY", "ITA", mode="sea", methods=["sea_crossing"]),
            ],
            **fields,
        )

    @staticmethod
    def victim(
        sex: str = "female",
        *,
        age: int | None = None,
        age_group: str = "unknown",
        citizenship: str = "NGA",
        others: Iterable[str] = (),
        role: str = "victim",
        **victimisation: Any,
    ) -> PersonDraft:
        """A victim (or, with ``role``, a smuggled migrant) with what happened to them, if
        anything is given."""
        person = Person(
            role=role,
            sex=sex,
            age=age,
            age_group=age_group,
            citizenship=citizenship,
            other_citizenships=list(others),
        )
        found = Victimisation(**victimisation) if victimisation else None
        return PersonDraft(person, victimisation=found)

    @staticmethod
    def offender(
        sex: str = "male",
        *,
        citizenship: str = "NGA",
        others: Iterable[str] = (),
        stages: Iterable[str] | None = ("suspected",),
    ) -> PersonDraft:
        """An offender whose criminal-justice history went through ``stages`` (None: no record
        of it at all)."""
        person = Person(
            role="offender", sex=sex, citizenship=citizenship, other_citizenships=list(others)
        )
        if stages is None:
            return PersonDraft(person)
        steps = [StageStep(stage) for stage in stages]
        return PersonDraft(person, offender=OffenderRecord(stage=steps[-1].stage), stages=steps)

    @staticmethod
    def leg(sequence: int, origin: str, destination: str, **fields: Any) -> RouteLeg:
        return RouteLeg(sequence=sequence, from_country=origin, to_country=destination, **fields)

    @classmethod
    def withdraw(cls, incident: Incident) -> None:
        change_status(actor=cls.bruno, incident=incident, status=Status.WITHDRAWN)

    # Reading ---------------------------------------------------------------------------------

    def table(self, table_id: str, user: Any = None, **spec: Any) -> StatTable:
        scope = spec.pop("scope", None) or Scope.of(user or self.amara)
        return statistics.run(StatSpec(table_id, scope, **spec))

    @staticmethod
    def counts(table: StatTable) -> dict[tuple[str, ...], int]:
        """Every cell that counts someone, totals included."""
        return {key: cell.count for key, cell in table.cells.items() if cell.count}

    @staticmethod
    def inner(table: StatTable) -> dict[tuple[str, ...], int]:
        """The cells that are not totals and count someone."""
        return {cell.key: cell.count for cell in table.inner_cells() if cell.count}

    def assertFigures(self, table: StatTable, expected: dict[tuple[str, ...], int]) -> None:
        found = {key: table.cell(*key).count for key in expected}
        self.assertEqual(found, expected)

    def assertValues(
        self, table: StatTable, expected: dict[tuple[str, ...], dict[str, float | None]]
    ) -> None:
        found = {key: table.cell(*key).values for key in expected}
        self.assertEqual(found, expected)
