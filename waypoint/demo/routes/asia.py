"""Andaman Sea and Bay of Bengal: Rohingya and Bangladeshi boats to Indonesia, Thailand and
Malaysia.
"""

from __future__ import annotations

from waypoint.demo.draw import Weighted, table, years
from waypoint.demo.routes.base import (
    BY_BUS,
    CROSSING,
    HOME_STOP,
    Profile,
    Route,
    fee,
    hop,
    path,
    stop,
)

ACROSS_THE_ANDAMAN_SEA = hop(
    "sea",
    "fishing_vessel 7, small_boat 3",
    "sea_crossing",
    days=(7, 30),
    fee=fee(
        "BDT 100000-250000 4, MYR 6000-12000 3, USD 1500-2500 3", "hawala 5, mobile_money 3, cash 2"
    ),
    deaths=0.12,
    causes="sickness_no_healthcare 4, harsh_conditions 4, drowning 3, violence 1",
)

ANDAMAN_SEA = Route(
    key="andaman_sea",
    name="Andaman Sea and Bay of Bengal",
    weight=3,
    years=years(25, 3, 2, 3, 4, 8, 4, 12, 15, 10),
    paths=Weighted(
        [
            (
                path(
                    "stateless 85, BGD 15",
                    stop("BGD", "Cox's Bazar", "Teknaf"),
                    ACROSS_THE_ANDAMAN_SEA,
                    stop("IDN", "Lhokseumawe", "Sabang", "Pidie"),
                ),
                45,
            ),
            (
                path(
                    "stateless 80, MMR 20",
                    stop("MMR", "Sittwe", "Maungdaw"),
                    ACROSS_THE_ANDAMAN_SEA,
                    stop("THA", "Ranong", "Satun"),
                    hop(
                        "land",
                        "truck 6, on_foot 4",
                        "evading_border_checks",
                        days=(3, 30),
                        fee=fee(
                            "MYR 6000-9000 6, THB 40000-80000 4", "hawala 5, cash 3, mobile_money 2"
                        ),
                        deaths=0.02,
                        causes="sickness_no_healthcare 5, violence 5",
                    ),
                    stop("THA", "Padang Besar"),
                    hop("land", "on_foot 5, car 5", CROSSING, days=(1, 3)),
                    stop("MYS", "Kuala Lumpur", "Penang", "Klang"),
                ),
                35,
            ),
            (
                path(
                    "BGD",
                    HOME_STOP,
                    BY_BUS,
                    stop("BGD", "Teknaf"),
                    ACROSS_THE_ANDAMAN_SEA,
                    stop("MYS", "Langkawi", "Penang"),
                ),
                20,
            ),
        ]
    ),
    profile=Profile(female=0.45, minors=0.35, families=0.4),
    offender_nationalities=table("MMR 20, BGD 30, THA 20, MYS 15, stateless 15"),
    offender_roles=table(
        "boat_pilot 20, organiser 20, recruiter 15, transporter 15, "
        "harbourer 10, money_handler 10, corrupt_official 2, unknown 8"
    ),
    selector_kinds=table("phone 6, vessel 3"),
    final_role=table("destination 6, transit 4"),
    violence_in=("THA",),
    violence_forms=table(
        "detention 5, extortion 5, physical_assault 4, kidnapping 3, sexual_violence 1"
    ),
    violence_rate=0.35,
)
