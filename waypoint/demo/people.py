"""Persons in incidents: sex and age as recorded (with realistic gaps), citizenship, migration
status and personal identifiers.

Rows are plain dicts keyed by model field attname, so that the same values can be written in bulk
and turned into unsaved model instances for validation.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from random import Random
from typing import Any

from waypoint.demo import names
from waypoint.demo.draw import Weighted, between, chance, make_uuid
from waypoint.demo.routes import Profile
from waypoint.lib.ages import age_group_for

Row = dict[str, Any]

#: How the age is recorded: exactly, as a detailed group only, as child/adult only, or not at all.
AGE_RECORDING = Weighted({"exact": 58, "group": 24, "coarse": 4, "unknown": 11, "not_stated": 3})
SEX_RECORDING = Weighted({"as_is": 95, "unknown": 4, "not_stated": 1})
ROHINGYA = "stateless"


@dataclass(frozen=True)
class Someone:
    """A person as they are (what the record then shows, with gaps)."""

    sex: str
    age: int
    nationality: str
    #: Travelling with a parent or carer (True), without one (False), or not known (None).
    accompanied: bool | None = None
    #: Persons of an incident with the same number travelled together.
    travel_group: int | None = None


def person_row(
    rng: Random, role: str, someone: Someone, *, residence: str, migration_status: str
) -> Row:
    sex = someone.sex
    recorded = SEX_RECORDING.pick(rng)
    if recorded != "as_is":
        sex = recorded
    age, age_group = _recorded_age(rng, someone.age)
    citizenship, birth = someone.nationality, someone.nationality
    if citizenship == ROHINGYA:
        birth = "MMR"
    elif chance(rng, 0.04):
        citizenship = "unknown"
    if chance(rng, 0.3):
        birth = "unknown"
    if residence == ROHINGYA:
        # The Rohingya in the demo data live in the camps of Cox's Bazar.
        residence = "BGD"
    return {
        "public_id": make_uuid(rng),
        "role": role,
        "sex": sex,
        "age": age,
        "age_group": age_group,
        "citizenship": citizenship,
        "other_citizenships": [],
        "country_of_birth": birth,
        "country_of_residence": residence if not chance(rng, 0.2) else "unknown",
        "migration_status": migration_status,
        "accompaniment": _accompaniment(rng, someone),
        "travel_group": someone.travel_group,
    }


def _accompaniment(rng: Random, someone: Someone) -> str:
    if someone.age >= 18:
        return "not_applicable"
    if someone.accompanied is None or chance(rng, 0.1):
        return "unknown"
    if someone.accompanied:
        return "accompanied"
    return "unaccompanied" if chance(rng, 0.8) else "separated"


def _recorded_age(rng: Random, age: int) -> tuple[int | None, str]:
    how = AGE_RECORDING.pick(rng)
    if how == "exact":
        return age, age_group_for(age)
    if how == "group":
        return None, age_group_for(age)
    if how == "coarse":
        return None, "child" if age < 18 else "adult"
    return None, how


def traveller(rng: Random, nationality: str, profile: Profile) -> Someone:
    """One migrant travelling alone (or at least not with family)."""
    if chance(rng, profile.minors * 0.5):
        sex = _sex(rng, profile.female * 0.6)
        return Someone(sex, between(rng, 13, 17), nationality, accompanied=False)
    low, mode, high = profile.adult_ages
    return Someone(_sex(rng, profile.female), int(rng.triangular(low, high, mode)), nationality)


def family(rng: Random, nationality: str, size: int) -> list[Someone]:
    """Parents and children travelling together."""
    mother = Someone("female", between(rng, 20, 42), nationality, travel_group=1)
    members = [mother]
    if chance(rng, 0.7):
        father_age = mother.age + between(rng, 0, 8)
        members.append(Someone("male", father_age, nationality, travel_group=1))
    eldest = min(17, mother.age - 16)
    while len(members) < size:
        child_age = between(rng, 0, eldest)
        members.append(
            Someone(_sex(rng, 0.5), child_age, nationality, accompanied=True, travel_group=1)
        )
    return members


def adult(rng: Random, nationality: str, female: float, low: int = 18, high: int = 60) -> Someone:
    """An adult aged ``low`` to ``high``, most often in their late twenties or thirties."""
    mode = low + (high - low) * 0.3
    return Someone(_sex(rng, female), int(rng.triangular(low, high, mode)), nationality)


def _sex(rng: Random, female: float) -> str:
    return "female" if rng.random() < female else "male"


def identifiers(
    rng: Random, someone: Someone, role: str, when: int | None, *, likely: float
) -> list[Row]:
    """Names, date of birth, documents and contacts, as far as they were recorded."""
    if not chance(rng, likely):
        return []
    nationality, sex = someone.nationality, someone.sex
    stateless = nationality == ROHINGYA
    rows = _name_rows(rng, nationality, sex)
    if role == "offender" and chance(rng, 0.35):
        rows.append({"kind": "alias", "value": _alias(rng, nationality, sex)})
    if when is not None and chance(rng, 0.45):
        born = when - int((someone.age + rng.random()) * 365.2425)
        rows.append({"kind": "date_of_birth", "value": datetime.date.fromordinal(born).isoformat()})
    if not stateless and chance(rng, 0.25 if role != "offender" else 0.5):
        rows.append({"kind": "passport_number", "value": names.passport_number(rng, nationality)})
    if someone.age >= 14 and chance(rng, 0.15 if role != "offender" else 0.6):
        rows.append(
            {"kind": "phone", "value": names.phone(rng, "BGD" if stateless else nationality)}
        )
    if chance(rng, 0.03):
        rows.append({"kind": "email", "value": names.email(rng, nationality, sex)})
    return rows


def _name_rows(rng: Random, nationality: str, sex: str) -> list[Row]:
    if not names.names_for(nationality).uses_family or chance(rng, 0.15):
        return [{"kind": "full_name", "value": names.full_name(rng, nationality, sex)}]
    return [
        {"kind": "given_name", "value": names.given_name(rng, nationality, sex)},
        {"kind": "family_name", "value": names.family_name(rng, nationality)},
    ]


def _alias(rng: Random, nationality: str, sex: str) -> str:
    epithets = (
        "Boss",
        "Doctor",
        "Captain",
        "Big",
        "Baba",
        "Mama",
        "Chairman",
        "Oga",
        "El Flaco",
        "Abu",
    )
    epithet = epithets[int(rng.random() * len(epithets))]
    return f"{epithet} {names.given_name(rng, nationality, sex)}"
