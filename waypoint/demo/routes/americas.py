"""Central America–United States: through Guatemala and Mexico to the United States."""

from __future__ import annotations

from waypoint.demo.draw import Weighted, table, years
from waypoint.demo.routes.base import (
    CROSSING,
    HOME_STOP,
    Profile,
    Route,
    fee,
    hop,
    path,
    stop,
)

CENTRAL_AMERICA_UNITED_STATES = Route(
    key="central_america_united_states",
    name="Central America–United States",
    weight=9,
    years=years(4, 5, 3, 6, 12, 4, 12, 14, 14, 8),
    paths=Weighted(
        [
            (
                path(
                    "HND 40, GTM 35, SLV 18, NIC 7",
                    HOME_STOP,
                    hop(
                        "land",
                        "bus 8, car 2",
                        "other",
                        days=(1, 3),
                        fee=fee(
                            "USD 4000-15000",
                            "cash 3, money_transfer_operator 4, bank_transfer 2, in_kind 1",
                        ),
                    ),
                    stop("GTM", "Tecún Umán"),
                    hop(
                        "land",
                        "other 6, on_foot 4",
                        "evading_border_checks",
                        days=(1, 1),
                        crossings=("Suchiate river",),
                    ),
                    stop("MEX", "Ciudad Hidalgo", "Tapachula", "Tenosique"),
                    hop(
                        "land",
                        "bus 4, truck 4, train 2",
                        "concealment_in_vehicle corruption_of_officials evading_border_checks",
                        days=(3, 20),
                        fee=fee("MXN 5000-20000", "cash", 0.3),
                    ),
                    stop("MEX", "Reynosa", "Nuevo Laredo", "Ciudad Juárez", "Sonoyta"),
                    hop(
                        "land",
                        "on_foot 7, other 3",
                        CROSSING,
                        days=(1, 3),
                        crossings=("Rio Grande", "Sonoran desert"),
                        fee=fee("USD 1000-3000", "cash 6, money_transfer_operator 4", 0.3),
                        deaths=0.02,
                        causes="harsh_conditions 5, drowning 4, vehicle_accident 1",
                    ),
                    stop("USA", "McAllen", "Laredo", "El Paso", "Tucson"),
                    hop(
                        "land",
                        "truck 5, car 4, van 1",
                        "concealment_in_vehicle",
                        days=(1, 2),
                        deaths=0.005,
                        causes="harsh_conditions 7, vehicle_accident 3",
                    ),
                    stop("USA", "San Antonio", "Houston", "Los Angeles"),
                ),
                85,
            ),
            (
                path(
                    "MEX",
                    HOME_STOP,
                    hop("land", "bus 8, car 2", "other", days=(1, 3)),
                    stop("MEX", "Reynosa", "Nuevo Laredo", "Ciudad Juárez", "Sonoyta"),
                    hop(
                        "land",
                        "on_foot 6, car 2, truck 2",
                        "guided_crossing concealment_in_vehicle",
                        days=(1, 3),
                        fee=fee("USD 3000-8000", "cash 6, money_transfer_operator 4"),
                        deaths=0.01,
                        causes="harsh_conditions 6, drowning 4",
                    ),
                    stop("USA", "McAllen", "Laredo", "El Paso", "Tucson"),
                ),
                15,
            ),
        ]
    ),
    profile=Profile(female=0.35, minors=0.3, families=0.35),
    offender_nationalities=table("MEX 45, USA 25, GTM 15, HND 10, SLV 5"),
    offender_roles=table(
        "guide 20, driver 25, organiser 10, harbourer 15, lookout 8, "
        "transporter 10, money_handler 5, corrupt_official 2, recruiter 3, "
        "unknown 5"
    ),
    selector_kinds=table("phone 6, vehicle_plate 4, bank_account 1, social_media_handle 1"),
    violence_in=("MEX",),
    violence_forms=table(
        "kidnapping 4, extortion 6, robbery 6, sexual_violence 2, physical_assault 3, threats 3"
    ),
    violence_rate=0.3,
)
