"""Western Africa–Atlantic (to the Canary Islands) and the Eastern Route from the Horn of
Africa through Yemen to Saudi Arabia.
"""

from __future__ import annotations

from waypoint.demo.draw import Weighted, table, years
from waypoint.demo.routes.base import (
    BY_BUS,
    CROSSING,
    HOME_STOP,
    SEA_DEATHS,
    Profile,
    Route,
    fee,
    hop,
    path,
    stop,
)

TO_THE_CANARIES = hop(
    "sea",
    "fishing_vessel 9, other 1",
    "sea_crossing",
    days=(5, 12),
    fee=fee("XOF 300000-1000000 7, EUR 500-1500 3", "cash 7, mobile_money 3", 0.6),
    deaths=0.1,
    causes="drowning 6, harsh_conditions 3, mixed_or_unknown 1",
)

RED_SEA = hop(
    "sea",
    "small_boat 8, fishing_vessel 2",
    "sea_crossing",
    days=(1, 2),
    fee=fee("USD 100-500 5, ETB 10000-40000 5", "hawala 6, cash 4", 0.5),
    deaths=0.04,
    causes="drowning 7, violence 2, harsh_conditions 1",
)

INTO_SAUDI_ARABIA = hop(
    "land",
    "on_foot",
    CROSSING,
    days=(1, 4),
    crossings=("Al Raqw",),
    fee=fee("SAR 500-2000 6, USD 150-500 4", "hawala 7, cash 3", 0.5),
    deaths=0.03,
    causes="violence 5, harsh_conditions 3, unknown 1",
)

WESTERN_AFRICA_ATLANTIC = Route(
    key="western_africa_atlantic",
    name="Western Africa–Atlantic",
    weight=6,
    years=years(1, 1, 2, 4, 3, 9, 10, 6, 12, 14),
    paths=Weighted(
        [
            (
                path(
                    "SEN 60, GMB 25, GIN 8, MLI 7",
                    HOME_STOP,
                    BY_BUS,
                    stop("SEN", "Mbour", "Saint-Louis", "Dakar", "Kafountine"),
                    TO_THE_CANARIES,
                    stop("ESP", "La Restinga", "Arguineguín", "Los Cristianos"),
                ),
                45,
            ),
            (
                path(
                    "MLI 45, GIN 20, SEN 15, GMB 10, CIV 10",
                    HOME_STOP,
                    BY_BUS,
                    stop("MRT", "Nouakchott"),
                    hop("land", "car 6, truck 4", "other", days=(1, 2)),
                    stop("MRT", "Nouadhibou"),
                    TO_THE_CANARIES,
                    stop("ESP", "La Restinga", "Arguineguín", "Los Cristianos"),
                ),
                30,
            ),
            (
                path(
                    "MAR 55, GIN 15, CIV 10, MLI 10, SEN 10",
                    HOME_STOP,
                    BY_BUS,
                    stop("MAR", "Agadir", "Tan-Tan"),
                    hop(
                        "sea",
                        "rubber_dinghy 6, small_boat 4",
                        "sea_crossing",
                        days=(1, 3),
                        fee=fee("EUR 1500-3000 5, MAD 15000-40000 5", "cash"),
                        deaths=0.05,
                        causes=SEA_DEATHS,
                    ),
                    stop("ESP", "Arrecife"),
                ),
                25,
            ),
        ]
    ),
    profile=Profile(female=0.08, minors=0.15, families=0.02, adult_ages=(18, 22, 40)),
    offender_nationalities=table("SEN 35, GMB 15, MRT 15, MAR 20, MLI 5, GIN 5, ESP 5"),
    offender_roles=table(
        "boat_pilot 35, organiser 20, recruiter 15, money_handler 10, "
        "harbourer 5, transporter 5, unknown 10"
    ),
    selector_kinds=table("phone 8, social_media_handle 2, vessel 1"),
)

HORN_OF_AFRICA_YEMEN = Route(
    key="horn_of_africa_yemen",
    name="Horn of Africa–Yemen (Eastern Route)",
    weight=4,
    years=years(4, 6, 6, 8, 10, 4, 5, 8, 10, 8),
    paths=Weighted(
        [
            (
                path(
                    "ETH 92, SOM 8",
                    HOME_STOP,
                    hop("land", "bus 6, truck 4", "other", days=(1, 3)),
                    stop("ETH", "Dire Dawa"),
                    hop(
                        "land",
                        "on_foot 6, truck 4",
                        CROSSING,
                        days=(2, 6),
                        fee=fee("ETB 5000-30000", "cash 5, mobile_money 2, hawala 3", 0.4),
                        deaths=0.01,
                        causes="harsh_conditions",
                    ),
                    stop("DJI", "Obock"),
                    RED_SEA,
                    stop("YEM", "Ras al-Ara", "Aden"),
                    hop(
                        "land",
                        "truck 7, car 3",
                        "other",
                        days=(3, 10),
                        fee=fee("SAR 1000-3000 5, USD 300-800 5", "hawala", 0.4),
                    ),
                    stop("YEM", "Marib", "Saada"),
                    INTO_SAUDI_ARABIA,
                    stop("SAU", "Jizan", "Riyadh", "Jeddah"),
                ),
                70,
            ),
            (
                path(
                    "ETH 60, SOM 40",
                    HOME_STOP,
                    hop("land", "truck 8, bus 2", "other", days=(3, 8)),
                    stop("SOM", "Bosaso"),
                    RED_SEA,
                    stop("YEM", "Bir Ali", "Aden"),
                    hop("land", "truck 7, car 3", "other", days=(3, 10)),
                    stop("YEM", "Marib", "Saada"),
                    INTO_SAUDI_ARABIA,
                    stop("SAU", "Jizan", "Riyadh"),
                ),
                30,
            ),
        ]
    ),
    profile=Profile(female=0.25, minors=0.2, families=0.02, adult_ages=(18, 21, 38)),
    offender_nationalities=table("ETH 35, YEM 35, SOM 15, DJI 10, SAU 5"),
    offender_roles=table(
        "organiser 15, transporter 20, boat_pilot 20, money_handler 15, "
        "harbourer 10, guide 10, unknown 10"
    ),
    selector_kinds=table("phone 8, bank_account 1"),
    violence_in=("YEM",),
    violence_forms=table(
        "kidnapping 5, extortion 6, torture 4, detention 5, physical_assault 4, "
        "sexual_violence 2, robbery 2, forced_labour 2"
    ),
    violence_rate=0.5,
    recorded_in=table("DJI 8, ETH 2"),
)
