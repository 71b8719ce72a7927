"""What the new-return form tells an officer about the periods of a questionnaire: which ones
their organisation has submitted or is at work on, and how many partners of their reporting
communities have submitted for each, so that they see what submitting for a period opens.

The partners are counted, never named, and their figures never read here
(``orgs.access.partners_submitted``); the organisation's own returns are read through
``Return.objects.visible_to``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from waypoint.orgs.access import partners_submitted
from waypoint.orgs.models import Organisation
from waypoint.returns.models import Questionnaire, ReportingCommunity, Return, Status
from waypoint.returns.periods import Period, PeriodError

#: The most periods the note lists, the latest first.
MOST_PERIODS = 12


@dataclass(frozen=True)
class OwnReturn:
    """Where one of the user's organisations stands for a period."""

    organisation: Organisation
    #: ``submitted`` once a version was submitted and approved, else the latest version's status.
    status: str
    version: int
    public_id: Any

    @property
    def submitted(self) -> bool:
        return self.status == Status.SUBMITTED

    def get_status_display(self) -> str:
        return str(Status(self.status).label)


@dataclass(frozen=True)
class PeriodNote:
    period: str
    own: tuple[OwnReturn, ...]
    #: How many partners submitted for the period.
    partners: int

    @property
    def closed(self) -> bool:
        """Partners submitted, and none of the user's organisations has: their returns stay
        closed until it does."""
        return self.partners > 0 and not any(item.submitted for item in self.own)


@dataclass(frozen=True)
class PeriodsNote:
    questionnaire: Questionnaire
    periods: tuple[PeriodNote, ...]
    #: Periods left out of the note (older than the ones listed).
    earlier: int
    #: The user's communities in which a submission also opens later periods (``window``).
    windows: tuple[ReportingCommunity, ...]
    #: Whether the user's organisations belong to a reporting community at all.
    community: bool


def periods_note(
    user: Any, questionnaire: Questionnaire, organisations: Sequence[Organisation]
) -> PeriodsNote:
    """The periods of ``questionnaire`` that ``organisations`` (the user's) or their partners
    have submitted for or are at work on, the latest first."""
    own = _own(user, questionnaire, organisations)
    partners = partners_submitted(user, questionnaire)
    periods = sorted(set(own) | set(partners), key=_order, reverse=True)
    notes = [
        PeriodNote(period, tuple(own.get(period, ())), partners.get(period, 0))
        for period in periods[:MOST_PERIODS]
    ]
    communities = list(
        ReportingCommunity.objects.filter(members__in=organisations).distinct().order_by("name")
    )
    return PeriodsNote(
        questionnaire=questionnaire,
        periods=tuple(notes),
        earlier=max(0, len(periods) - MOST_PERIODS),
        windows=tuple(community for community in communities if community.window),
        community=bool(communities),
    )


def _own(
    user: Any, questionnaire: Questionnaire, organisations: Sequence[Organisation]
) -> dict[str, list[OwnReturn]]:
    """Period → where each of the organisations stands (those with a return for it)."""
    versions = (
        Return.objects.visible_to(user)
        .filter(organisation__in=list(organisations), questionnaire=questionnaire)
        .select_related("organisation")
        .order_by("organisation__code", "period", "version")
    )
    latest: dict[tuple[int, str], Return] = {}
    submitted: dict[tuple[int, str], Return] = {}
    for ret in versions:
        key = (ret.organisation_id, ret.period)
        latest[key] = ret
        if ret.status == Status.SUBMITTED:
            submitted[key] = ret
    found: dict[str, list[OwnReturn]] = {}
    for key, ret in latest.items():
        shown = submitted.get(key, ret)
        found.setdefault(ret.period, []).append(
            OwnReturn(ret.organisation, shown.status, shown.version, shown.public_id)
        )
    return found


def _order(period: str) -> tuple[int, int, int]:
    try:
        parsed = Period.parse(period)
    except PeriodError:
        return (0, 0, 0)
    return (parsed.year, parsed.quarter, parsed.month)
