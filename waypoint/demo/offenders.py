"""Offenders: their part in the network, their criminal-justice history, and the networks whose
phones, plates, vessels and wallets recur across incidents (what linkage later finds).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from random import Random

from waypoint.demo import names
from waypoint.demo.draw import Weighted, between, chance, codes, sequences, skewed, table
from waypoint.demo.people import Someone
from waypoint.demo.records import Row

#: Histories an offender's record can show, from first stage to the current one.
STAGE_PATHS = sequences(
    "suspected 30, arrested 8, suspected>arrested 10, arrested>prosecuted 8, "
    "suspected>arrested>prosecuted 6, prosecuted 2, arrested>prosecuted>convicted 14, "
    "suspected>arrested>prosecuted>convicted 8, convicted 2, arrested>prosecuted>acquitted 4, "
    "suspected>discontinued 4, arrested>discontinued 3, "
    "suspected>arrested>prosecuted>discontinued 2, arrested>prosecuted>convicted>acquitted 1"
)
SENTENCES = table(
    "imprisonment 70, suspended_imprisonment 15, fine 8, community_service 3, other 2, unknown 2"
)
#: The currency of fines and assets, by the country of the recording organisation.
CURRENCY = codes(
    "ITA EUR, GRC EUR, ESP EUR, DEU EUR, AUT EUR, HUN HUF, SRB RSD, MKD MKD, TUR TRY, NER XOF, "
    "NGA NGN, SEN XOF, MAR MAD, DJI DJF, ETH ETB, THA THB, MYS MYR, IDN IDR, PHL PHP, MEX MXN, "
    "USA USD, GTM GTQ"
)
#: Roughly one euro in each currency, to scale fines and assets.
PER_EURO = {
    "EUR": 1,
    "USD": 1,
    "HUF": 390,
    "RSD": 117,
    "MKD": 61,
    "TRY": 30,
    "XOF": 655,
    "NGN": 1200,
    "MAD": 11,
    "DJF": 190,
    "ETB": 60,
    "THB": 38,
    "MYR": 5,
    "IDR": 17000,
    "PHP": 60,
    "MXN": 19,
    "GTQ": 8,
}

NETWORK_CHARGES = {
    "organiser": "09051",
    "document_forger": "07023",
    "corrupt_official": "07031",
    "money_handler": "07041",
}


@dataclass(frozen=True)
class Network:
    """A smuggling or trafficking network: its selectors and its best-known member."""

    selectors: tuple[tuple[str, str], ...]
    boss: Someone
    boss_identifiers: tuple[tuple[str, str], ...]


def networks(
    rng: Random, count: int, nationalities: Weighted[str], kinds: Weighted[str]
) -> list[Network]:
    made = []
    for _ in range(count):
        country = nationalities.pick(rng)
        if country == "stateless":
            country = "MMR"
        selectors = []
        for _ in range(between(rng, 1, 4)):
            kind = kinds.pick(rng)
            selectors.append((kind, selector_value(rng, kind, country)))
        boss = Someone("male" if chance(rng, 0.85) else "female", between(rng, 28, 60), country)
        phone = next((value for kind, value in selectors if kind == "phone"), None)
        identity = [("full_name", names.full_name(rng, country, boss.sex))]
        if phone:
            identity.append(("phone", phone))
        if chance(rng, 0.6):
            identity.append(
                (
                    "alias",
                    f"{('Boss', 'Doctor', 'Chairman', 'Big')[between(rng, 0, 3)]} "
                    f"{names.given_name(rng, country, boss.sex)}",
                )
            )
        made.append(Network(tuple(dict.fromkeys(selectors)), boss, tuple(identity)))
    return made


def pick_network(rng: Random, pool: list[Network]) -> Network:
    """A network, the busiest ones far more often (a few networks run most of the trade)."""
    return pool[skewed(rng, 0, len(pool) - 1, 1.5)]


def selector_value(rng: Random, kind: str, country: str) -> str:
    if kind == "phone":
        return names.phone(rng, country)
    if kind == "vehicle_plate":
        return names.plate(rng, country)
    if kind == "vessel":
        return names.vessel(rng, country)
    if kind == "crypto_wallet":
        return names.crypto_wallet(rng)
    if kind == "bank_account":
        return names.bank_account(rng, country)
    if kind == "email":
        return names.email(rng, country, "male")
    if kind == "social_media_handle":
        return names.handle(rng, country)
    return f"REF-{between(rng, 100000, 999999)}"


def offender_record(
    rng: Random, roles: list[str], charges: list[str], provisions: str, currency: str
) -> tuple[Row, list[str]]:
    """The offender row (stage filled by ``stage_history``) and the stages to walk through."""
    stages = list(STAGE_PATHS.pick(rng))
    charge_codes = list(
        dict.fromkeys(
            charges
            + [NETWORK_CHARGES[r] for r in roles if r in NETWORK_CHARGES and chance(rng, 0.5)]
        )
    )
    row: Row = {
        "network_roles": roles,
        "stage": stages[-1],
        "charges": charge_codes if stages != ["suspected"] or chance(rng, 0.5) else [],
        "charge_provisions": provisions if stages[-1] != "suspected" else "",
        "sentence_type": "",
        "sentence_months": None,
        "fine_amount": None,
        "assets_frozen": None,
        "assets_seized": None,
        "assets_confiscated": None,
        "currency": "",
    }
    if stages[-1] == "convicted":
        _sentence(rng, row, currency)
    if "organiser" in roles or "money_handler" in roles:
        _assets(rng, row, currency, convicted=stages[-1] == "convicted")
    return row, stages


def _sentence(rng: Random, row: Row, currency: str) -> None:
    kind = SENTENCES.pick(rng)
    row["sentence_type"] = kind
    if kind == "imprisonment":
        row["sentence_months"] = 6 * skewed(rng, 1, 30, 2.0)
    elif kind == "suspended_imprisonment":
        row["sentence_months"] = 6 * between(rng, 1, 6)
    elif kind == "fine":
        row["fine_amount"] = _money(rng, currency, 500, 20000)
        row["currency"] = currency


def _assets(rng: Random, row: Row, currency: str, convicted: bool) -> None:
    if chance(rng, 0.3):
        row["assets_seized"] = _money(rng, currency, 2000, 400000)
        row["currency"] = currency
        if convicted and chance(rng, 0.6):
            row["assets_confiscated"] = min(
                row["assets_seized"], _money(rng, currency, 1000, 300000)
            )
    if chance(rng, 0.1):
        row["assets_frozen"] = _money(rng, currency, 5000, 900000)
        row["currency"] = currency


def _money(rng: Random, currency: str, low_eur: int, high_eur: int) -> Decimal:
    amount = skewed(rng, low_eur, high_eur, 2.5) * PER_EURO.get(currency, 1)
    step = 10 ** max(0, len(str(amount)) - 3)
    return Decimal(amount // step * step)


def stage_history(
    rng: Random,
    stages: list[str],
    start: int | None,
    today: int,
    actor: int | None,
    recorded_from: datetime.datetime,
    now: datetime.datetime,
) -> list[Row]:
    """``StageChange`` rows with dates in order, on or after the incident.

    A step is recorded when it happened, but never before the incident itself was recorded.
    """
    rows, previous, when, recorded = [], "", start, recorded_from
    for index, stage in enumerate(stages):
        if when is not None:
            when = min(today, when + (skewed(rng, 0, 20) if index == 0 else between(rng, 20, 420)))
        effective = None
        if when is not None and not chance(rng, 0.1):
            effective = datetime.date.fromordinal(when)
            moment = datetime.datetime(
                effective.year,
                effective.month,
                effective.day,
                between(rng, 8, 18),
                between(rng, 0, 59),
                tzinfo=datetime.UTC,
            )
            recorded = max(recorded, moment + datetime.timedelta(days=skewed(rng, 0, 30)))
        else:
            recorded += datetime.timedelta(days=between(rng, 1, 90))
        rows.append(
            {
                "from_stage": previous,
                "to_stage": stage,
                "effective_on": effective,
                "actor_id": actor,
                "recorded_at": min(recorded, now),
                "note": "",
            }
        )
        previous = stage
    return rows
