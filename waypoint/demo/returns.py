"""Demo aggregate returns: a Mediterranean reporting community whose members submit annual
returns, one of which has not submitted for the latest year.

ITA-POL pre-fills its returns from its own demo incidents and has submitted them for the two
years before the latest; its return for the latest year is still a draft, so its users see the
other members' returns for the earlier years and nothing of theirs for the latest (reciprocity).
The other members report figures of their own (drawn from a seed) for all three years. Every
return goes through the real workflow: drafted, filled, submitted, approved by a second member.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import User

from waypoint.orgs.models import Organisation
from waypoint.returns import actions, prefill
from waypoint.returns.actions import Entry
from waypoint.returns.models import Questionnaire, ReportingCommunity, Return

COMMUNITY = "mediterranean"
#: Organisation: (who drafts and submits, who approves).
MEMBERS = {
    "ITA-POL": ("bruno", "marco"),
    "GRC-HP": ("eleni", "nikos"),
    "ESP-GC": ("carmen", "javier"),
    "DEU-BKA": ("jonas", "katrin"),
}
#: The organisation that reports from its records and has not submitted the latest year.
LATE = "ITA-POL"
#: Citizenships the drawn figures are spread over, besides ``unknown``.
CITIZENSHIPS = ("NGA", "AFG", "SYR", "MAR", "TUN", "PAK", "BGD", "ERI")
#: Indicators drawn for the members that report figures of their own, with a typical size.
DRAWN = {
    "som_irregular_migrants_detected": 4000,
    "som_smuggled_migrants_detected": 900,
    "som_smugglers_arrested": 120,
    "som_smugglers_prosecuted": 70,
    "som_smugglers_convicted": 40,
    "tip_victims_detected": 150,
    "tip_persons_prosecuted": 45,
    "tip_persons_convicted": 25,
}


def write_returns(latest_year: int, seed: int = 1) -> int:
    """Create the community and its members' returns for the three years up to
    ``latest_year`` unless there are returns already; answers how many were written."""
    if Return.objects.exists():
        return 0
    questionnaire = Questionnaire.objects.get(code="annual")
    organisations = {org.code: org for org in Organisation.objects.filter(code__in=MEMBERS)}
    community, _ = ReportingCommunity.objects.get_or_create(
        code=COMMUNITY, defaults={"name": "Mediterranean reporting community"}
    )
    community.members.add(*organisations.values())
    users = {user.username: user for user in User.objects.filter(username__in=_usernames())}
    draw = random.Random(seed)
    written = 0
    for year in range(latest_year - 2, latest_year + 1):
        for code, organisation in sorted(organisations.items()):
            drafter, approver = (users[name] for name in MEMBERS[code])
            ret = actions.start(
                actor=drafter,
                organisation=organisation,
                questionnaire=questionnaire,
                period=str(year),
                origin="prefilled" if code == LATE else "entered",
            )
            if code == LATE:
                prefill.fill(actor=drafter, ret=ret)
            else:
                actions.set_figures(actor=drafter, ret=ret, entries=_drawn(draw))
            if not (code == LATE and year == latest_year):
                actions.submit(actor=drafter, ret=ret)
                actions.approve(actor=approver, ret=ret)
            written += 1
    return written


def _usernames() -> list[str]:
    return [name for pair in MEMBERS.values() for name in pair]


def _drawn(draw: random.Random) -> list[Entry]:
    entries = []
    for indicator, size in DRAWN.items():
        total = max(1, int(size * draw.uniform(0.6, 1.4)))
        entries.append(Entry(indicator, {}, Decimal(total)))
        female = int(total * draw.uniform(0.1, 0.6))
        unknown_sex = int(total * draw.uniform(0, 0.05))
        entries += _parts(indicator, "sex", {"female": female, "unknown": unknown_sex}, total)
        shares = [draw.random() for _ in CITIZENSHIPS]
        known = int(total * draw.uniform(0.7, 0.95))
        counts = {
            c: int(known * s / sum(shares)) for c, s in zip(CITIZENSHIPS, shares, strict=True)
        }
        entries += _parts(indicator, "citizenship", counts, total)
    return entries


def _parts(indicator: str, name: str, counts: dict[str, int], total: int) -> Sequence[Entry]:
    """The counts given and the rest of ``total``: ``male`` for sex, else ``unknown``."""
    remainder = "male" if name == "sex" else "unknown"
    counts = dict(counts)
    counts[remainder] = counts.get(remainder, 0) + total - sum(counts.values())
    return [
        Entry(indicator, {name: code}, Decimal(count))
        for code, count in sorted(counts.items())
        if count
    ]
