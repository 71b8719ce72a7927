"""QuerySet adjectives that lists and statistics build on, on every database."""

from __future__ import annotations

import datetime

from waypoint.cases.models import Incident, Label, Person
from waypoint.test import BaseTestCase


class IncidentQueryTests(BaseTestCase):
    smuggling: Incident
    both: Incident
    trafficking: Incident

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.smuggling = cls.incident(cls.org_a, "S-1")
        cls.both = cls.incident(
            cls.org_a,
            "B-1",
            kinds=["smuggling_of_migrants", "trafficking_in_persons"],
            date_start=datetime.date(2021, 2, 3),
        )
        cls.trafficking = cls.incident(cls.org_a, "T-1", kinds=["trafficking_in_persons"])

    def test_it_finds_incidents_of_a_kind_among_several(self) -> None:
        found = set(Incident.objects.of_kind("trafficking_in_persons"))
        self.assertEqual(found, {self.both, self.trafficking})

    def test_it_filters_by_year_of_incident(self) -> None:
        self.assertEqual(list(Incident.objects.occurred_in(2021)), [self.both])

    def test_it_lists_persons_only_of_visible_incidents(self) -> None:
        hidden = self.incident(self.org_b, "H-1", label=Label.AMBER)
        Person.objects.create(incident=hidden, role="offender")
        seen = Person.objects.create(incident=self.smuggling, role="offender")
        self.assertEqual(list(Person.objects.visible_to(self.amara)), [seen])
        self.assertEqual(
            list(Person.objects.visible_to(self.chen)), [Person.objects.get(incident=hidden)]
        )
