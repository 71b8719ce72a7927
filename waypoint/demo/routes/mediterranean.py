"""Central and Eastern Mediterranean: across Libya or Tunisia to Italy, and from Türkiye
to the Greek islands or across the Evros.
"""

from __future__ import annotations

from waypoint.demo.draw import Weighted, table, years
from waypoint.demo.routes.base import (
    BY_AIR,
    BY_BUS,
    CROSSING,
    DESERT_DEATHS,
    HOME_STOP,
    SEA_DEATHS,
    Profile,
    Route,
    fee,
    hop,
    path,
    stop,
)

LIBYA_TO_ITALY = hop(
    "sea",
    "rubber_dinghy 6, fishing_vessel 3, small_boat 1",
    "sea_crossing",
    days=(1, 4),
    fee=fee("USD 800-2500 5, LYD 3000-8000 3, EUR 1000-3000 2", "cash 7, hawala 3", 0.6),
    deaths=0.06,
    causes=SEA_DEATHS,
)

TURKEY_TO_ISLANDS = hop(
    "sea",
    "rubber_dinghy 8, small_boat 1, other 1",
    "sea_crossing",
    days=(1, 1),
    fee=fee("USD 800-2500 6, EUR 700-2000 4", "hawala 6, cash 4", 0.6),
    deaths=0.02,
    causes="drowning 9, harsh_conditions 1",
)

ACROSS_LIBYA = hop("land", "car 6, truck 4", "other", days=(1, 3))

TO_THE_COAST = hop("land", "bus 7, car 3", "other", days=(1, 2))

CENTRAL_MEDITERRANEAN = Route(
    key="central_mediterranean",
    name="Central Mediterranean",
    weight=13,
    years=years(9, 10, 7, 3, 2, 3, 5, 6, 9, 4),
    paths=Weighted(
        [
            (
                path(
                    "NGA 30, GIN 15, CIV 15, MLI 12, SEN 8, GMB 10, CMR 6",
                    HOME_STOP,
                    BY_BUS,
                    stop("NER", "Agadez"),
                    hop(
                        "land",
                        "truck 7, car 3",
                        CROSSING,
                        days=(4, 14),
                        crossings=("Toummo",),
                        fee=fee(
                            "XOF 150000-500000 6, USD 250-900 4", "cash 9, mobile_money 1", 0.6
                        ),
                        deaths=0.03,
                        causes=DESERT_DEATHS,
                    ),
                    stop("LBY", "Sabha"),
                    ACROSS_LIBYA,
                    stop("LBY", "Tripoli", "Zuwara", "Sabratha"),
                    LIBYA_TO_ITALY,
                    stop("ITA", "Lampedusa", "Augusta", "Pozzallo", "Palermo"),
                ),
                45,
            ),
            (
                path(
                    "ERI 45, SDN 25, ETH 15, SOM 15",
                    HOME_STOP,
                    hop(
                        "land",
                        "on_foot 5, truck 5",
                        CROSSING,
                        days=(2, 8),
                        fee=fee("USD 300-1500", "hawala 6, cash 4", 0.4),
                    ),
                    stop("SDN", "Khartoum", "Kassala"),
                    hop(
                        "land",
                        "truck 9, car 1",
                        "guided_crossing",
                        days=(5, 15),
                        fee=fee("USD 1000-2500", "hawala 7, cash 3"),
                        deaths=0.04,
                        causes=DESERT_DEATHS,
                    ),
                    stop("LBY", "Kufra"),
                    hop("land", "truck 8, car 2", "other", days=(2, 6)),
                    stop("LBY", "Bani Walid", "Tripoli", "Zuwara"),
                    LIBYA_TO_ITALY,
                    stop("ITA", "Lampedusa", "Augusta", "Pozzallo"),
                ),
                25,
            ),
            (
                path(
                    "BGD 55, PAK 20, EGY 15, SYR 10",
                    HOME_STOP,
                    BY_AIR,
                    stop("LBY", "Benghazi", "Tobruk"),
                    hop(
                        "sea",
                        "fishing_vessel 8, small_boat 2",
                        "sea_crossing",
                        days=(2, 5),
                        fee=fee("USD 2000-5000", "hawala 5, cash 5"),
                        deaths=0.04,
                        causes=SEA_DEATHS,
                    ),
                    stop("ITA", "Crotone", "Roccella Ionica", "Augusta", "Pozzallo"),
                ),
                15,
            ),
            (
                path(
                    "TUN 40, CIV 25, GIN 20, CMR 15",
                    HOME_STOP,
                    hop("air", "commercial_flight", "other", days=(1, 2)),
                    stop("TUN", "Sfax"),
                    hop(
                        "sea",
                        "small_boat 7, fishing_vessel 3",
                        "sea_crossing",
                        days=(1, 2),
                        fee=fee("TND 3000-7000 5, EUR 1000-2000 5", "cash"),
                        deaths=0.05,
                        causes=SEA_DEATHS,
                    ),
                    stop("ITA", "Lampedusa"),
                ),
                15,
            ),
        ]
    ),
    profile=Profile(female=0.15, minors=0.12, families=0.05, adult_ages=(18, 22, 42)),
    offender_nationalities=table(
        "LBY 30, EGY 10, TUN 10, NGA 10, ERI 8, SDN 8, GMB 6, SEN 6, MAR 5, ITA 5, BGD 2"
    ),
    offender_roles=table(
        "boat_pilot 25, organiser 15, recruiter 10, transporter 10, driver 8, "
        "money_handler 10, harbourer 10, lookout 5, other 2, unknown 5"
    ),
    selector_kinds=table("phone 6, vessel 2, social_media_handle 1"),
    violence_in=("LBY",),
    violence_forms=table(
        "kidnapping 5, extortion 6, detention 6, forced_labour 3, torture 3, "
        "physical_assault 5, sexual_violence 2, robbery 2"
    ),
    violence_rate=0.45,
)

EASTERN_MEDITERRANEAN = Route(
    key="eastern_mediterranean",
    name="Eastern Mediterranean",
    weight=10,
    years=years(20, 10, 4, 5, 7, 3, 2, 3, 4, 3),
    paths=Weighted(
        [
            (
                path(
                    "SYR 65, IRQ 35",
                    HOME_STOP,
                    hop(
                        "land",
                        "on_foot 6, car 4",
                        CROSSING,
                        days=(1, 3),
                        fee=fee("USD 300-1500", "hawala 6, cash 4", 0.4),
                    ),
                    stop("TUR", "Gaziantep", "Istanbul"),
                    TO_THE_COAST,
                    stop("TUR", "Izmir", "Çeşme", "Ayvalık", "Bodrum"),
                    TURKEY_TO_ISLANDS,
                    stop("GRC", "Mytilene", "Chios", "Samos", "Kos"),
                ),
                45,
            ),
            (
                path(
                    "AFG 80, PAK 12, IRN 8",
                    HOME_STOP,
                    hop(
                        "land",
                        "on_foot 4, car 3, truck 3",
                        CROSSING,
                        days=(2, 7),
                        fee=fee("USD 300-800", "hawala 8, cash 2"),
                        deaths=0.005,
                        causes="harsh_conditions",
                    ),
                    stop("IRN", "Tehran", "Urmia"),
                    hop(
                        "land",
                        "on_foot 8, car 2",
                        "guided_crossing",
                        days=(2, 6),
                        fee=fee("USD 500-1500", "hawala 8, cash 2"),
                        deaths=0.01,
                        causes="harsh_conditions 8, violence 2",
                    ),
                    stop("TUR", "Van", "Istanbul"),
                    hop("land", "truck 5, bus 3, van 2", "concealment_in_vehicle", days=(1, 3)),
                    stop("TUR", "Izmir", "Ayvalık", "Çeşme"),
                    TURKEY_TO_ISLANDS,
                    stop("GRC", "Mytilene", "Chios", "Samos"),
                ),
                40,
            ),
            (
                path(
                    "SYR 30, AFG 25, PAK 20, IRQ 15, MAR 10",
                    stop("TUR", "Istanbul"),
                    hop("land", "car 6, van 4", "other", days=(1, 1)),
                    stop("TUR", "Edirne"),
                    hop(
                        "land",
                        "on_foot 7, small_boat 3",
                        CROSSING,
                        days=(1, 2),
                        crossings=("Evros river",),
                        fee=fee("EUR 1000-2500", "hawala 5, cash 5"),
                        deaths=0.01,
                        causes="drowning 6, harsh_conditions 4",
                    ),
                    stop("GRC", "Orestiada", "Thessaloniki"),
                    first_role="transit",
                ),
                15,
            ),
        ]
    ),
    profile=Profile(female=0.35, minors=0.35, families=0.35),
    offender_nationalities=table("TUR 40, SYR 20, AFG 15, IRQ 10, UKR 5, GRC 5, PAK 5"),
    offender_roles=table(
        "organiser 15, boat_pilot 20, guide 10, driver 15, money_handler 12, "
        "harbourer 8, recruiter 5, lookout 5, unknown 5"
    ),
    selector_kinds=table("phone 7, social_media_handle 2, vehicle_plate 1"),
    final_role=table("transit 6, destination 4"),
)
