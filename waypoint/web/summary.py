"""The dashboard: what a signed-in user sees first, computed only over what they may see.

Key figures come from the standard tables through the disclosure gate
(``analytics.answers.answer``), for one year, so that a figure on the dashboard is the figure the
statistics page shows, suppressed alike. The other parts read through the one way in to case data
(``visible_to``) and the import jobs' own access rule (``bulk.jobs.jobs_for``). Every part is a
fixed number of queries whatever the number of records: the page is read at every sign-in.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, FilteredRelation, Q
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from waypoint.analytics.answers import answer
from waypoint.analytics.disclosure import ProtectedCell, ProtectedTable
from waypoint.analytics.statistics import Scope, StatSpec
from waypoint.analytics.table import TOTAL
from waypoint.bulk.jobs import jobs_for
from waypoint.bulk.models import JobStatus
from waypoint.cases.models import Incident, LabelChangeStatus
from waypoint.orgs.access import RECORDING_ROLES
from waypoint.orgs.models import Membership, Organisation
from waypoint.reference import catalogue

#: The tables behind the trend chart and the flow map.
TREND = "crime_links_year"
ROUTES = "smuggling_by_route_year"
#: Years the trend chart covers, the latest year with incidents included.
TREND_YEARS = 10
#: Rows of each list on the dashboard.
RECENT_INCIDENTS = 8
IMPORTS_SHOWN = 5
APPROVALS_SHOWN = 10
#: Pending changes read to find those the user decides (the others are on partners' records).
PENDING_READ = 200
ROUTES_SHOWN = 5
KIND_COMBINATIONS_SHOWN = 6

#: Short names of the sharing labels; TLP names are not translated.
LABEL_NAMES = {
    "red": "TLP:RED",
    "amber_strict": "TLP:AMBER+STRICT",
    "amber": "TLP:AMBER",
    "green": "TLP:GREEN",
}


# What the page shows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """One key figure: ``value`` formatted for the language, None when suppressed or unknown."""

    label: str | Promise
    value: str | None
    suppressed: bool
    url: str


@dataclass(frozen=True)
class Line:
    """One category of a breakdown (a route, a combination of kinds) with its figures."""

    label: str
    values: tuple[str | None, ...]
    suppressed: bool


@dataclass(frozen=True)
class Breakdown:
    """The largest categories of a table in one year, for a short list on the dashboard."""

    caption: str | Promise
    #: The categories' header, then the figures'.
    headers: tuple[str | Promise, ...]
    lines: list[Line]
    #: The whole table on the statistics page.
    url: str
    #: Categories left out: more than the dashboard lists, or withheld.
    more: int = 0
    withheld: int = 0


@dataclass(frozen=True)
class RecentIncident:
    public_id: str
    reference: str
    date: datetime.date | None
    kinds: str
    status: str
    label: str
    label_code: str
    owner: str


@dataclass(frozen=True)
class ImportInProgress:
    public_id: str
    file_name: str
    organisation: str
    status: str
    status_code: str
    rows_read: int
    rows_expected: int | None
    url: str


@dataclass(frozen=True)
class Approval:
    """A widening of a record's sharing label that waits for the user's decision."""

    public_id: str
    reference: str
    from_label: str
    to_label: str
    requested_by: str
    requested_at: datetime.datetime


@dataclass
class Dashboard:
    organisations: list[Organisation]
    #: The user's roles in each of their active organisations, by organisation id.
    roles_by_org: dict[int, frozenset[str]]
    year: int | None = None
    figures: list[Figure] = field(default_factory=list)
    kinds: Breakdown | None = None
    routes: Breakdown | None = None
    recent: list[RecentIncident] = field(default_factory=list)
    imports: list[ImportInProgress] = field(default_factory=list)
    approvals: list[Approval] = field(default_factory=list)
    threshold: int | None = None

    @property
    def roles(self) -> frozenset[str]:
        return frozenset().union(*self.roles_by_org.values())

    @property
    def records(self) -> bool:
        """Whether the user may record incidents (and so import and approve)."""
        return not self.roles.isdisjoint(RECORDING_ROLES)

    @property
    def trend_from(self) -> int | None:
        return None if self.year is None else self.year - TREND_YEARS + 1

    @property
    def trend_chart(self) -> str:
        """Incidents by year, the last ``TREND_YEARS`` years (a line chart)."""
        return _statistics_url("statistics_chart", TREND, self.trend_from, self.year, "svg")

    @property
    def trend_table(self) -> str:
        return _statistics_url("statistics_table", TREND, self.trend_from, self.year)

    @property
    def routes_chart(self) -> str:
        """Smuggling routes in the dashboard's year (a flow map)."""
        return _statistics_url("statistics_chart", ROUTES, self.year, self.year, "svg")

    @property
    def routes_table(self) -> str:
        return _statistics_url("statistics_table", ROUTES, self.year, self.year)

    @property
    def kinds_table(self) -> str:
        return _statistics_url("statistics_table", TREND, self.year, self.year)


def dashboard_for(user: Any) -> Dashboard:
    """Everything the dashboard shows ``user``."""
    organisations, roles_by_org = _memberships(user)
    board = Dashboard(organisations=organisations, roles_by_org=roles_by_org)
    if not organisations:
        return board
    board.year = latest_year(user)
    if board.year is not None:
        _add_figures(board, user, board.year)
    board.recent = recent_incidents(user, organisations)
    if board.records:
        board.imports = imports_in_progress(user)
        board.approvals = approvals_awaiting(user, organisations, roles_by_org=roles_by_org)
    return board


def _memberships(user: Any) -> tuple[list[Organisation], dict[int, frozenset[str]]]:
    """The user's active organisations and their roles in each, in one query."""
    memberships = Membership.objects.filter(
        user_id=user.pk, organisation__is_active=True
    ).select_related("organisation")
    organisations: dict[int, Organisation] = {}
    roles: dict[int, set[str]] = {}
    for membership in memberships.order_by("organisation__code", "role"):
        organisations[membership.organisation_id] = membership.organisation
        roles.setdefault(membership.organisation_id, set()).add(membership.role)
    return list(organisations.values()), {key: frozenset(value) for key, value in roles.items()}


# Key figures -------------------------------------------------------------------------------------


def latest_year(user: Any) -> int | None:
    """The year of the latest dated incident the user may see (figures are for that year)."""
    # Newest first, as the incident list's index is ordered: the first row, not every row.
    dated = Incident.objects.visible_to(user).filter(date_start__isnull=False)
    newest = dated.order_by(F("date_start").desc(nulls_last=True), "-id")
    latest = newest.values_list("date_start", flat=True).first()
    return None if latest is None else latest.year


def _protected(table_id: str, user: Any, year: int) -> ProtectedTable:
    return answer(StatSpec(table_id, Scope.of(user), year_from=year, year_to=year), actor=user)


def _add_figures(board: Dashboard, user: Any, year: int) -> None:
    """Incidents, smuggling, victims of trafficking and casualties in ``year``: four tables,
    one query each, for one year (so that the dashboard stays quick at any size)."""
    links = _protected(TREND, user, year)
    smuggling = _protected(ROUTES, user, year)
    victims = _protected("victims_by_sex_age_year", user, year)
    casualties = _protected("casualties_by_route_cause_year", user, year)
    board.threshold = links.policy.threshold
    total = str(year)
    board.figures = [
        _figure(_("Incidents"), links.cell(TOTAL, total), "count", board, links),
        _figure(
            _("Smuggling incidents"), smuggling.cell(TOTAL, total), "incidents", board, smuggling
        ),
        _figure(
            _("Smuggled migrants"),
            smuggling.cell(TOTAL, total),
            "smuggled_migrants",
            board,
            smuggling,
        ),
        _figure(
            _("Victims of trafficking"), victims.cell(TOTAL, TOTAL, total), "count", board, victims
        ),
        _figure(_("Dead"), casualties.cell(TOTAL, TOTAL, total), "dead", board, casualties),
        _figure(_("Missing"), casualties.cell(TOTAL, TOTAL, total), "missing", board, casualties),
    ]
    board.kinds = _breakdown(
        links,
        total,
        ("count",),
        KIND_COMBINATIONS_SHOWN,
        caption=_("Incidents by the kinds of crime they combine"),
        headers=(_("Kinds of crime"), _("Incidents")),
        url=board.kinds_table,
    )
    board.routes = _breakdown(
        smuggling,
        total,
        ("incidents", "smuggled_migrants"),
        ROUTES_SHOWN,
        caption=_("Main smuggling routes"),
        headers=(_("Route"), _("Incidents"), _("Smuggled migrants")),
        url=board.routes_table,
    )


def _figure(
    label: Promise, cell: ProtectedCell, measure: str, board: Dashboard, table: ProtectedTable
) -> Figure:
    return Figure(
        label=label,
        value=_value(cell, measure),
        suppressed=cell.suppressed,
        url=_statistics_url("statistics_table", table.table_id, board.year, board.year),
    )


def _value(cell: ProtectedCell, measure: str) -> str | None:
    value = cell.count if measure == "count" else cell.values.get(measure)
    return None if cell.suppressed or value is None else formatted(value)


def formatted(value: float) -> str:
    """A figure in the active language's number format, grouped (12 345; 12,345; ١٢٬٣٤٥)."""
    if float(value).is_integer():
        return number_format(int(value), force_grouping=True)
    return number_format(value, decimal_pos=1, force_grouping=True)


def _breakdown(
    table: ProtectedTable,
    year: str,
    measures: tuple[str, ...],
    shown: int,
    **presentation: Any,
) -> Breakdown:
    """The categories of a two-dimension table (category × year) in ``year``, largest first:
    published ones with something counted, then how many more and how many were withheld."""
    cells = [
        cell for cell in table.rows(totals=False) if cell.key[-1] == year and TOTAL not in cell.key
    ]
    withheld = sum(1 for cell in cells if cell.suppressed)
    published = sorted(
        (cell for cell in cells if not cell.suppressed and cell.count),
        key=lambda cell: -(cell.count or 0),
    )
    lines = [
        Line(cell.labels[0], tuple(_value(cell, m) for m in measures), False)
        for cell in published[:shown]
    ]
    more = max(0, len(published) - shown)
    return Breakdown(lines=lines, more=more, withheld=withheld, **presentation)


def _statistics_url(
    name: str, table_id: str, first: int | None, last: int | None, *fmt: str
) -> str:
    try:
        url = reverse(name, args=[table_id, *fmt])
    except NoReverseMatch:
        return ""
    years = {"year_from": first, "year_to": last}
    query = urlencode({key: value for key, value in years.items() if value is not None})
    return f"{url}?{query}" if query else url


# Records, imports and approvals ------------------------------------------------------------------


def recent_incidents(user: Any, organisations: Iterable[Organisation]) -> list[RecentIncident]:
    """The latest incidents, by their date, of the user's organisations that the user may see
    (an index on owner and date finds them without sorting the organisation's records)."""
    incidents = (
        Incident.objects.visible_to(user)
        .filter(owner__in=list(organisations), date_start__isnull=False)
        .select_related("owner")
        .only(
            "public_id",
            "reference",
            "date_start",
            "kinds",
            "status",
            "label",
            "owner__code",
        )
        .order_by("-date_start", "-id")[:RECENT_INCIDENTS]
    )
    return [
        RecentIncident(
            public_id=str(incident.public_id),
            reference=incident.reference,
            date=incident.date_start,
            kinds=", ".join(catalogue.term_label("incident_kind", kind) for kind in incident.kinds),
            status=incident.get_status_display(),
            label=LABEL_NAMES.get(incident.label, incident.label),
            label_code=incident.label,
            owner=incident.owner.code,
        )
        for incident in incidents
    ]


def imports_in_progress(user: Any) -> list[ImportInProgress]:
    """Imports of the user's organisations that wait or run."""
    jobs = (
        jobs_for(user)
        .filter(status__in=(JobStatus.QUEUED, JobStatus.RUNNING))
        .order_by("-created_at")[:IMPORTS_SHOWN]
    )
    found = []
    for job in jobs:
        progress = job.progress()
        found.append(
            ImportInProgress(
                public_id=str(job.public_id),
                file_name=job.file_name,
                organisation=job.organisation.code,
                status=job.get_status_display(),
                status_code=job.status,
                rows_read=int(progress.get("rows_read") or 0),
                rows_expected=progress.get("rows_expected"),
                url=_url("import_job", job_id=job.public_id),
            )
        )
    return found


def approvals_awaiting(
    user: Any, organisations: Iterable[Organisation], *, roles_by_org: dict[int, frozenset[str]]
) -> list[Approval]:
    """Pending widenings of sharing labels the user may decide: on records of an organisation
    where they record (reporting officer or organisation administrator), that they may see, and
    that someone else asked for (four eyes; see ``cases.actions.decide_label_change``)."""
    deciding = {
        organisation.pk
        for organisation in organisations
        if roles_by_org.get(organisation.pk, frozenset()) & RECORDING_ROLES
    }
    if not deciding:
        return []
    # Pending changes are few: the query starts from them (through their one-pending index)
    # rather than from the organisation's records, and the owners are checked here.
    pending = (
        Incident.objects.visible_to(user)
        .annotate(
            pending=FilteredRelation(
                "label_changes", condition=Q(label_changes__status=LabelChangeStatus.PENDING)
            ),
            requester_id=F("pending__requested_by_id"),
        )
        .filter(pending__isnull=False)
        .filter(Q(requester_id__isnull=True) | ~Q(requester_id=user.pk))
        .values(
            "public_id",
            "reference",
            "owner_id",
            "pending__from_label",
            "pending__to_label",
            "pending__requested_by__username",
            "pending__requested_at",
        )
        .order_by("pending__requested_at")[:PENDING_READ]
    )
    rows = [row for row in pending if row["owner_id"] in deciding][:APPROVALS_SHOWN]
    return [
        Approval(
            public_id=str(row["public_id"]),
            reference=row["reference"],
            from_label=LABEL_NAMES.get(row["pending__from_label"], row["pending__from_label"]),
            to_label=LABEL_NAMES.get(row["pending__to_label"], row["pending__to_label"]),
            requested_by=row["pending__requested_by__username"] or "—",
            requested_at=row["pending__requested_at"],
        )
        for row in rows
    ]


def _url(name: str, **kwargs: Any) -> str:
    """The address of another section's page, or "" while that page does not exist."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""
