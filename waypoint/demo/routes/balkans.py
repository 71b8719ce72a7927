"""Western Balkans: from Greece, Bulgaria or Serbia towards Austria and Germany."""

from __future__ import annotations

from waypoint.demo.draw import Weighted, table, years
from waypoint.demo.routes.base import (
    CROSSING,
    Profile,
    Route,
    fee,
    hop,
    path,
    stop,
)

BALKAN_WALK = hop(
    "land",
    "on_foot 7, car 2, van 1",
    CROSSING,
    days=(1, 3),
    fee=fee("EUR 300-1500", "cash 8, money_transfer_operator 2", 0.4),
)

INTO_HUNGARY = hop(
    "land",
    "on_foot 5, car 3, van 2",
    CROSSING,
    days=(1, 2),
    crossings=("Röszke–Horgoš",),
    fee=fee("EUR 1500-4000", "cash 7, money_transfer_operator 3"),
)

HUNGARY_TO_AUSTRIA = hop(
    "land",
    "van 5, truck 4, car 1",
    "concealment_in_vehicle",
    days=(1, 1),
    crossings=("Hegyeshalom–Nickelsdorf",),
    fee=fee("EUR 1000-3000", "cash 9, hawala 1"),
    deaths=0.004,
    causes="harsh_conditions 9, vehicle_accident 1",
)

AUSTRIA_TO_GERMANY = hop(
    "land",
    "car 5, train 3, bus 2",
    "concealment_in_vehicle evading_border_checks",
    days=(1, 1),
    fee=fee("EUR 300-800", "cash", 0.3),
)

BY_ROAD = hop("land", "bus 6, car 4", "other", days=(1, 1))

WESTERN_BALKANS = Route(
    key="western_balkans",
    name="Western Balkans",
    weight=8,
    years=years(25, 8, 4, 4, 6, 6, 8, 12, 8, 4),
    paths=Weighted(
        [
            (
                path(
                    "SYR 30, AFG 35, PAK 12, IRQ 8, MAR 5, BGD 5, TUR 5",
                    stop("GRC", "Thessaloniki", "Idomeni"),
                    BALKAN_WALK,
                    stop("MKD", "Gevgelija", "Kumanovo"),
                    hop(
                        "land",
                        "van 4, truck 3, on_foot 3",
                        "concealment_in_vehicle evading_border_checks",
                        days=(1, 2),
                        fee=fee("EUR 300-1500", "cash", 0.4),
                    ),
                    stop("SRB", "Preševo", "Belgrade"),
                    BY_ROAD,
                    stop("SRB", "Subotica", "Horgoš"),
                    INTO_HUNGARY,
                    stop("HUN", "Röszke", "Szeged", "Budapest"),
                    HUNGARY_TO_AUSTRIA,
                    stop("AUT", "Nickelsdorf", "Parndorf", "Vienna"),
                    AUSTRIA_TO_GERMANY,
                    stop("DEU", "Passau", "Munich", "Rosenheim"),
                    first_role="transit",
                ),
                60,
            ),
            (
                path(
                    "AFG 40, SYR 25, PAK 15, IRQ 10, MAR 10",
                    stop("TUR", "Istanbul", "Edirne"),
                    hop(
                        "land",
                        "on_foot 8, car 2",
                        CROSSING,
                        days=(1, 3),
                        fee=fee("EUR 1000-3000", "cash 6, hawala 4"),
                    ),
                    stop("BGR", "Svilengrad", "Harmanli", "Sofia"),
                    BALKAN_WALK,
                    stop("SRB", "Belgrade"),
                    BY_ROAD,
                    stop("SRB", "Subotica", "Horgoš"),
                    INTO_HUNGARY,
                    stop("HUN", "Röszke", "Szeged", "Budapest"),
                    HUNGARY_TO_AUSTRIA,
                    stop("AUT", "Nickelsdorf", "Parndorf", "Vienna"),
                    first_role="transit",
                ),
                25,
            ),
            (
                path(
                    "AFG 35, PAK 30, BGD 15, MAR 10, SYR 10",
                    stop("SRB", "Belgrade", "Šid"),
                    BALKAN_WALK,
                    stop("BIH", "Bihać", "Velika Kladuša"),
                    hop(
                        "land",
                        "on_foot 8, car 2",
                        CROSSING,
                        days=(3, 10),
                        crossings=("Una-Sana forests",),
                        fee=fee("EUR 1500-3500", "cash 7, money_transfer_operator 3"),
                    ),
                    stop("HRV", "Cetingrad", "Zagreb"),
                    hop(
                        "land",
                        "car 5, van 3, truck 2",
                        "concealment_in_vehicle",
                        days=(1, 2),
                        fee=fee("EUR 1000-2500", "cash", 0.4),
                    ),
                    stop("AUT", "Graz", "Vienna"),
                    first_role="transit",
                ),
                15,
            ),
        ]
    ),
    profile=Profile(female=0.12, minors=0.18, families=0.1),
    offender_nationalities=table(
        "SRB 15, MKD 8, HUN 8, ROU 8, BGR 8, AUT 4, SYR 12, AFG 12, "
        "PAK 8, MDA 5, UKR 5, TUR 4, IRQ 3"
    ),
    offender_roles=table(
        "driver 30, guide 15, organiser 12, harbourer 8, document_forger 5, "
        "money_handler 8, lookout 5, transporter 10, corrupt_official 1, "
        "unknown 5"
    ),
    selector_kinds=table("vehicle_plate 5, phone 6, social_media_handle 1"),
    recorded_in=table("AUT"),
)
