"""Scenarios of violence against migrants: captivity and extortion in Libya and Yemen, violence
at the Yemen–Saudi Arabia border, pushbacks at the external borders of the European Union,
abandonment in the Sahara, abuse on the Andaman Sea route, crimes against migrants crossing
Mexico, and bias-motivated attacks in countries of destination. Weighted tables are written
compactly (see ``draw.table``).
"""

from __future__ import annotations

from dataclasses import dataclass

from waypoint.demo.draw import Weighted, table, years
from waypoint.demo.places import Place, place
from waypoint.demo.routes import (
    ANDAMAN_SEA,
    CENTRAL_AMERICA_UNITED_STATES,
    CENTRAL_MEDITERRANEAN,
    HORN_OF_AFRICA_YEMEN,
    Route,
)

#: Offenders who are nationals of the country where it happened.
LOCALS = "locals"


@dataclass(frozen=True)
class Abuse:
    key: str
    weight: float
    years: Weighted[int]
    #: Where it happens, and the country whose organisations record it.
    where: Weighted[tuple[Place, str]]
    victims: Weighted[str]
    forms: Weighted[str]
    female: float
    ages: tuple[int, int, int]
    perpetrators: Weighted[str]
    relations: Weighted[str]
    detection: Weighted[str]
    group: tuple[int, int] = (1, 20)
    #: Probability that offenders are itemised, and their part (none: not a network).
    offenders: float = 0.3
    offender_roles: Weighted[str] | None = None
    bias: Weighted[tuple[str, ...]] | None = None
    deaths: float = 0.0
    death_causes: Weighted[str] | None = None
    aggravating: tuple[str, ...] = ()
    #: The smuggling route the victims were travelling, if the incident is also smuggling.
    route: Route | None = None
    smuggled: float = 0.0


def where(spec: str) -> Weighted[tuple[Place, str]]:
    """``"LBY Bani Walid > ITA 4, LBY Sabha > NER 1"``: place, recording country, weight."""
    pairs = []
    for item in spec.split(","):
        spot, _, recorder = item.partition(">")
        country, name = spot.strip().split(" ", 1)
        recorded_in, *weight = recorder.split()
        pairs.append(((place(country, name), recorded_in), float(weight[0]) if weight else 1.0))
    return Weighted(pairs)


def biases(spec: str) -> Weighted[tuple[str, ...]]:
    """``"racism_xenophobia 10, racism_xenophobia+anti_muslim 4, - 2"`` (``-`` for none given)."""
    return Weighted(
        (tuple(code for code in combination.split("+") if code != "-"), weight)
        for combination, weight in table(spec).pairs()
    )


CAPTIVITY = table(
    "kidnapping 6, extortion 8, torture 5, detention 7, physical_assault 6, sexual_violence 3, "
    "forced_labour 4, threats 3"
)
NO_BIAS = biases("none 5, unknown 3, - 2")

ABUSES: tuple[Abuse, ...] = (
    Abuse(
        key="captivity_libya",
        weight=5,
        years=years(8, 10, 10, 6, 5, 4, 5, 5, 6, 4),
        where=where(
            "LBY Bani Walid > ITA 4, LBY Sabha > ITA 2, LBY Tripoli > ITA 2, "
            "LBY Kufra > ITA 1, LBY Zuwara > ITA 1, LBY Sabha > NER 1, "
            "LBY Tripoli > NGA 1"
        ),
        victims=table("ERI 25, SOM 10, SDN 15, NGA 15, ETH 10, GMB 5, MLI 5, SEN 5, BGD 10"),
        forms=CAPTIVITY,
        female=0.2,
        ages=(16, 24, 45),
        perpetrators=table("LBY 60, ERI 15, SDN 10, NGA 5, EGY 10"),
        relations=table("other 4, stranger 3, recruiter 1, unknown 2"),
        detection=table("victim_self_report 5, referral 3, health_service 2, investigation 2"),
        group=(1, 60),
        offenders=0.35,
        offender_roles=table("organiser 3, harbourer 4, money_handler 2, other 2"),
        bias=NO_BIAS,
        deaths=0.05,
        death_causes=table("violence 8, sickness_no_healthcare 2"),
        aggravating=("inhuman_or_degrading_treatment",),
        route=CENTRAL_MEDITERRANEAN,
        smuggled=0.5,
    ),
    Abuse(
        key="captivity_yemen",
        weight=3,
        years=years(3, 5, 6, 8, 10, 5, 5, 7, 8, 7),
        where=where(
            "YEM Ras al-Ara > DJI 3, YEM Aden > DJI 2, YEM Marib > DJI 2, "
            "YEM Saada > DJI 2, YEM Bir Ali > ETH 1"
        ),
        victims=table("ETH 90, SOM 10"),
        forms=CAPTIVITY,
        female=0.25,
        ages=(15, 21, 40),
        perpetrators=table("YEM 60, ETH 30, SOM 10"),
        relations=table("other 5, stranger 3, unknown 2"),
        detection=table("victim_self_report 5, referral 3, health_service 2"),
        group=(1, 80),
        offenders=0.2,
        offender_roles=table("organiser 3, harbourer 4, other 3"),
        bias=NO_BIAS,
        deaths=0.06,
        death_causes=table("violence 7, sickness_no_healthcare 3"),
        aggravating=("inhuman_or_degrading_treatment",),
        route=HORN_OF_AFRICA_YEMEN,
        smuggled=0.5,
    ),
    Abuse(
        key="violence_yemen_saudi_border",
        weight=1.5,
        years=years(0, 0, 0, 0, 3, 4, 5, 8, 10, 6),
        where=where("YEM Saada > DJI 6, SAU Jizan > DJI 4"),
        victims=table("ETH 90, SOM 10"),
        forms=table("physical_assault 6, pushback 5, detention 4, denial_of_assistance 2"),
        female=0.25,
        ages=(15, 21, 40),
        perpetrators=table(LOCALS),
        relations=table("official 8, unknown 2"),
        detection=table("victim_self_report 5, health_service 3, referral 2"),
        group=(5, 150),
        offenders=0.0,
        bias=NO_BIAS,
        deaths=0.3,
        death_causes=table("violence 9, mixed_or_unknown 1"),
        aggravating=("use_of_violence_or_weapons", "abuse_of_office"),
    ),
    Abuse(
        key="pushbacks",
        weight=5,
        years=years(0, 3, 4, 5, 6, 8, 8, 7, 6, 5),
        where=where(
            "HUN Röszke > SRB 4, HRV Cetingrad > SRB 3, BGR Svilengrad > SRB 1, "
            "GRC Orestiada > GRC 3, GRC Samos > GRC 2, GRC Mytilene > GRC 2"
        ),
        victims=table("AFG 35, SYR 25, PAK 15, IRQ 8, MAR 7, BGD 5, TUR 5"),
        forms=table(
            "pushback 10, physical_assault 5, robbery 4, threats 3, detention 2, "
            "denial_of_assistance 3"
        ),
        female=0.12,
        ages=(15, 24, 50),
        perpetrators=table(LOCALS),
        relations=table("official 9, unknown 1"),
        detection=table("victim_self_report 5, referral 3, other 2"),
        group=(3, 80),
        offenders=0.05,
        offender_roles=table("other"),
        bias=biases("unknown 5, none 2, racism_xenophobia 2, - 1"),
        deaths=0.01,
        death_causes=table("drowning 5, harsh_conditions 5"),
        aggravating=("abuse_of_office",),
    ),
    Abuse(
        key="bias_motivated_europe",
        weight=3.5,
        years=years(6, 8, 5, 5, 4, 3, 3, 3, 4, 4),
        where=where(
            "DEU Berlin > DEU 2, DEU Dresden > DEU 3, DEU Cottbus > DEU 2, "
            "ITA Rome > ITA 1, ITA Foggia > ITA 1, ITA Milan > ITA 1, GRC Athens > GRC 2, "
            "ESP Almería > ESP 1, ESP Barcelona > ESP 1"
        ),
        victims=table("SYR 15, AFG 15, NGA 10, SEN 8, MAR 10, ERI 5, PAK 8, IRQ 5, GMB 5, BGD 5"),
        forms=table("physical_assault 8, threats 6, robbery 2, sexual_violence 1, other 1"),
        female=0.3,
        ages=(16, 28, 60),
        perpetrators=table("locals 9, ALB 1"),
        relations=table("stranger 7, acquaintance 2, other 1"),
        detection=table("victim_self_report 4, inland 2, hotline 1, referral 2, health_service 1"),
        group=(1, 4),
        offenders=0.5,
        bias=biases(
            "racism_xenophobia 10, racism_xenophobia+anti_muslim 4, anti_muslim 2, "
            "anti_christian_other_religion 1, gender 1, "
            "sexual_orientation_gender_identity 1, other 1, unknown 1"
        ),
    ),
    Abuse(
        key="bias_motivated_united_states",
        weight=1.5,
        years=years(3, 4, 5, 5, 6, 4, 4, 4, 4, 4),
        where=where("USA Houston > USA 3, USA El Paso > USA 3, USA Los Angeles > USA 2"),
        victims=table("MEX 40, GTM 25, HND 25, SLV 10"),
        forms=table("physical_assault 8, threats 6, robbery 3, other 1"),
        female=0.35,
        ages=(16, 30, 60),
        perpetrators=table(LOCALS),
        relations=table("stranger 7, acquaintance 2, other 1"),
        detection=table("victim_self_report 4, inland 3, hotline 1, referral 2"),
        group=(1, 4),
        offenders=0.5,
        bias=biases("racism_xenophobia 10, unknown 1, other 1"),
    ),
    Abuse(
        key="crimes_against_migrants_mexico",
        weight=4,
        years=years(4, 5, 4, 6, 9, 5, 9, 10, 10, 7),
        where=where(
            "MEX Tapachula > MEX 3, MEX Coatzacoalcos > MEX 2, MEX Reynosa > MEX 3, "
            "MEX Nuevo Laredo > MEX 2, MEX Tenosique > MEX 2, MEX Reynosa > USA 1, "
            "GTM Tecún Umán > GTM 1"
        ),
        victims=table("HND 40, GTM 25, SLV 20, NIC 15"),
        forms=table(
            "kidnapping 5, extortion 7, robbery 7, sexual_violence 3, physical_assault 4, threats 4"
        ),
        female=0.35,
        ages=(14, 25, 50),
        perpetrators=table("MEX 90, GTM 5, HND 5"),
        relations=table("stranger 6, other 2, official 1"),
        detection=table("victim_self_report 5, referral 3, health_service 1, other 1"),
        group=(1, 100),
        offenders=0.25,
        offender_roles=table("other 3, lookout 2, organiser 1, guide 1"),
        bias=NO_BIAS,
        deaths=0.02,
        death_causes=table("violence"),
        route=CENTRAL_AMERICA_UNITED_STATES,
        smuggled=0.4,
    ),
    Abuse(
        key="abandonment_sahara",
        weight=1.5,
        years=years(6, 8, 6, 5, 4, 3, 4, 4, 5, 4),
        where=where("NER Agadez > NER 3, NER Dirkou > NER 2, NER Arlit > NER 2"),
        victims=table("NGA 25, GIN 15, MLI 15, CIV 15, SEN 10, GMB 10, CMR 10"),
        forms=table("abandonment 8, robbery 3, physical_assault 3, extortion 2"),
        female=0.15,
        ages=(16, 23, 45),
        perpetrators=table("NER 60, LBY 25, NGA 15"),
        relations=table("other 7, stranger 2, unknown 1"),
        detection=table("inland 5, referral 3, other 2"),
        group=(5, 80),
        offenders=0.15,
        offender_roles=table("driver 5, transporter 4, guide 1"),
        bias=NO_BIAS,
        deaths=0.25,
        death_causes=table("harsh_conditions 9, sickness_no_healthcare 1"),
        aggravating=("endangering_life_or_safety",),
        route=CENTRAL_MEDITERRANEAN,
        smuggled=0.7,
    ),
    Abuse(
        key="abuse_andaman_sea",
        weight=1.5,
        years=years(20, 2, 2, 2, 3, 6, 3, 8, 10, 6),
        where=where(
            "IDN Lhokseumawe > IDN 3, IDN Pidie > IDN 2, THA Padang Besar > THA 4, "
            "MYS Langkawi > MYS 1"
        ),
        victims=table("stateless 80, BGD 20"),
        forms=table(
            "detention 5, extortion 5, physical_assault 5, kidnapping 3, "
            "sexual_violence 1, denial_of_assistance 2"
        ),
        female=0.45,
        ages=(12, 22, 45),
        perpetrators=table("MMR 25, BGD 35, THA 25, MYS 15"),
        relations=table("other 6, stranger 3, unknown 1"),
        detection=table("at_sea 3, referral 3, victim_self_report 3, investigation 1"),
        group=(10, 300),
        offenders=0.3,
        offender_roles=table("boat_pilot 3, harbourer 3, organiser 2, money_handler 2"),
        bias=NO_BIAS,
        deaths=0.15,
        death_causes=table("sickness_no_healthcare 5, violence 3, harsh_conditions 2"),
        aggravating=("inhuman_or_degrading_treatment", "endangering_life_or_safety"),
        route=ANDAMAN_SEA,
        smuggled=0.6,
    ),
)
