"""Counts kept ahead of time: the standard tables' groups per owner organisation and label.

A standard table is one GROUP BY over the incidents a request may count (``cube``). Over a
million incidents some of those queries take two to three seconds, however they are written: the
database reads every person of every visible incident. But what a user may see is, for nearly
every record, decided by the record's owner and label alone (``orgs.access.visible_parts``): all
of the user's organisations' records but the TLP:AMBER+STRICT ones, the TLP:AMBER records of the
organisations sharing with them, everyone's TLP:GREEN records. So each table's groups are
counted ahead of time per owner, label and consent to publication (``SummaryRow``), and a
request adds up the rows of the classes it sees whole:

- records seen one by one (a TLP:AMBER+STRICT record naming the user, a TLP:AMBER record naming
  the user's organisation as a partner) are counted from the records, in the same request;
- so are the records of any organisation whose summary is out of date: database triggers raise
  its version whenever one of its records changes (``analytics.summary_triggers``), and until
  ``refresh()`` has counted it again its records are counted from the records;
- a request filtered by country, region, kind or route is counted from the records altogether
  (the summary keeps no such detail); years and labels are answered from the summary.

Every contributor (a person, an incident) belongs to one incident, and every incident to one
owner and label, so the groups of disjoint parts add up to the groups of the whole: the table
built from them is the table counted from the records, figure for figure, margins included (the
cube works them out from the groups). The tests compare the two for every table, scope and
sharing level.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.utils import timezone

from waypoint.analytics.models import SUMMARY_MEASURES, SummaryRow, SummaryState
from waypoint.analytics.statistics import cube
from waypoint.analytics.statistics.cube import Axis, Counting
from waypoint.analytics.statistics.definition import StandardTable
from waypoint.analytics.statistics.spec import Scope, StatSpec
from waypoint.analytics.table import StatTable
from waypoint.orgs import access
from waypoint.orgs.models import Organisation

logger = logging.getLogger(__name__)

#: The columns of a summary row beyond the table's own dimensions, in this order.
CLASS_COLUMNS = ("owner_id", "label", "publish_in_statistics")
MEASURE_COLUMNS = tuple(f"m{index}" for index in range(SUMMARY_MEASURES))
BATCH = 2000
#: The most records seen one by one that a table's query names by id.
LISTED_IDS = 10_000


def tabulate(table: StandardTable, spec: StatSpec, notes: Sequence[str]) -> StatTable:
    """The table a request asks for, from the summary where it can answer and from the records
    for the rest; figure for figure what ``cube.tabulate`` counts from the records alone."""
    assert table.counting is not None
    parts = _parts(spec) if answerable(table, spec) else None
    if parts is None:
        return cube.tabulate(table, table.counting(spec), notes)
    fresh, stale = _owners_by_freshness()
    from_summary = parts.whole & Q(owner_id__in=fresh)
    from_records = _seen_one_by_one(parts) | (parts.whole & Q(owner_id__in=stale))
    # The rest is counted from the records as any request is, through the visibility rule, and
    # only then restricted to what the summary does not answer.
    live: Counting = table.counting(replace(spec, scope=spec.scope.restricted(from_records)))
    grouped = [*_summary_rows(table, spec, live, from_summary), *cube.run_grouping(live)]
    if stale:
        schedule_refresh()
    return cube.tabulate(table, live, notes, grouped=grouped)


def answerable(table: StandardTable, spec: StatSpec) -> bool:
    """Whether the summary can answer (part of) the request: a table it keeps, a user's or the
    public scope, filtered by nothing but years and labels."""
    return bool(
        settings.WAYPOINT_STATISTICS_SUMMARY
        and table.counting is not None
        and spec.scope.owners is None
        and spec.scope.only is None
        and not (spec.countries or spec.regions or spec.kinds or spec.routes)
    )


def _parts(spec: StatSpec) -> access.VisibleParts | None:
    if spec.scope.public:
        return access.published_parts()
    user = spec.scope.user
    if not (getattr(user, "is_authenticated", False) and user.is_active):
        return None  # sees nothing: counted from the records, which find nothing
    return access.visible_parts(user)


def _seen_one_by_one(parts: access.VisibleParts) -> Q:
    """The records seen one by one, by their ids when they are not too many: the table's query
    then reads them through the primary key (PostgreSQL otherwise checks each of a million
    incidents against the lists of names)."""
    if not parts.one_by_one_ids:
        return parts.one_by_one
    first, *others = (ids.values_list("incident_id", flat=True) for ids in parts.one_by_one_ids)
    listed = list(first.union(*others)[: LISTED_IDS + 1])  # one query
    if len(listed) > LISTED_IDS:
        return parts.one_by_one
    return Q(pk__in=sorted(listed))


def _owners_by_freshness() -> tuple[list[int], list[int]]:
    """The active organisations whose summary counts their records as they are, and the others,
    whose records changed since it was counted. An organisation without a ``SummaryState`` has
    had no record since the triggers were installed (the first one creates it), and its summary
    of nothing is up to date."""
    changed = SummaryState.objects.filter(owner_id=OuterRef("pk"), built__lt=F("version"))
    fresh: list[int] = []
    stale: list[int] = []
    for pk, is_stale in Organisation.objects.active().values_list("pk", Exists(changed)):
        (stale if is_stale else fresh).append(pk)
    return fresh, stale


def _summary_rows(
    table: StandardTable, spec: StatSpec, counting: Counting, classes: Q
) -> Iterable[tuple[Any, ...]]:
    """The table's groups over the classes given, added up per group, shaped as the counting's
    own query gives them (the dimensions' values, the count, the measures' sums)."""
    rows = SummaryRow.objects.filter(classes, table_id=table.id)
    if spec.labels:
        rows = rows.filter(label__in=spec.labels)
    if spec.year_from is not None:
        rows = rows.filter(year__gte=spec.year_from)
    if spec.year_to is not None:
        rows = rows.filter(year__lte=spec.year_to)
    measures = MEASURE_COLUMNS[: len(counting.measures)]
    sums = {"n": Sum("count"), **{column: Sum(column) for column in measures}}
    for key, *figures in (
        rows.order_by().values("key").annotate(**sums).values_list("key", "n", *measures)
    ):
        yield (*json.loads(key), *figures)


# Building the summary ---------------------------------------------------------------------------


@dataclass
class Refreshed:
    """What ``refresh()`` did: the organisations counted again and the rows written."""

    organisations: int = 0
    rows: int = 0


def summarised_tables() -> tuple[StandardTable, ...]:
    from waypoint.analytics.statistics import REGISTRY

    return tuple(table for table in REGISTRY if table.counting is not None)


def stale_owners() -> list[int]:
    """The organisations (active or not) whose records changed since their summary was built."""
    return list(
        SummaryState.objects.filter(built__lt=F("version"))
        .order_by("owner_id")
        .values_list("owner_id", flat=True)
    )


def refresh(
    owners: Iterable[int] | None = None,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> Refreshed:
    """Count again the summary of the organisations whose records changed (of ``owners`` only,
    if given): one query per table for all of them, then each organisation's rows replaced in one
    transaction. ``progress(done, total)`` is called after each table.

    Safe beside writers and other refreshes: each organisation's version is read before its
    records are, so a write that lands meanwhile leaves it out of date again (to be counted the
    next time), and rows are replaced only if no refresh of a later version came first."""
    versions = _claim(owners)
    done = Refreshed()
    if not versions:
        return done
    tables = summarised_tables()
    counted: dict[int, list[SummaryRow]] = {owner: [] for owner in versions}
    for index, table in enumerate(tables):
        for row in _count_per_class(table, tuple(sorted(versions))):
            counted[row.owner_id].append(row)
        if progress is not None:
            progress(index + 1, len(tables))
    for owner, version in versions.items():
        with transaction.atomic():
            state = SummaryState.objects.select_for_update().get(owner_id=owner)
            if state.built >= version:
                continue  # a refresh of a later version was written first
            SummaryRow.objects.filter(owner_id=owner).delete()
            SummaryRow.objects.bulk_create(counted[owner], batch_size=BATCH)
            SummaryState.objects.filter(owner_id=owner).update(
                built=version, built_at=timezone.now()
            )
        done.organisations += 1
        done.rows += len(counted[owner])
    return done


def _claim(owners: Iterable[int] | None) -> dict[int, int]:
    """Claim the current version of the out-of-date organisations (of ``owners``, if given) as
    being counted, in a transaction of its own before any record is read; answer the versions.

    Any write committed before the claim is in what is counted next. A write after it raises
    the version again (see ``summary_triggers``), so the organisation stays out of date."""
    stale = SummaryState.objects.filter(built__lt=F("version"))
    if owners is not None:
        stale = stale.filter(owner_id__in=list(owners))
    with transaction.atomic():
        # The write first: it takes the write lock (SQLite) or the rows' locks (PostgreSQL), so
        # that the versions read next are the ones claimed.
        stale.update(counting=F("version"))
        return dict(stale.values_list("owner_id", "version"))


def _count_per_class(table: StandardTable, owners: tuple[int, ...]) -> Iterable[SummaryRow]:
    """The table's groups over every counted record of ``owners``, per owner, label and consent
    to publication."""
    assert table.counting is not None
    counting: Counting = table.counting(StatSpec(table.id, Scope(owners=owners)))
    if len(counting.measures) > SUMMARY_MEASURES:
        raise ValueError(f"{table.id} sums more measures than a summary row holds")
    width = len(counting.axes)
    year = next(index for index, axis in enumerate(counting.axes) if axis.name == "year")
    by_class = replace(
        counting,
        axes=(
            *counting.axes,
            *(_class_axis(counting.incident + column) for column in CLASS_COLUMNS),
        ),
    )
    for row in cube.run_grouping(by_class):
        values, (owner, label, published) = row[:width], row[width : width + 3]
        count, *sums = row[width + 3 :]
        yield SummaryRow(
            table_id=table.id,
            owner_id=owner,
            label=label,
            publish_in_statistics=bool(published),
            year=values[year],
            key=json.dumps(list(values)),
            count=count,
            **{
                column: float(value or 0)
                for column, value in zip(MEASURE_COLUMNS, sums, strict=False)
            },
        )


def _class_axis(path: str) -> Axis:
    return Axis(path, path, F(path), categories=lambda found: ((), {}))


# Refreshing in the background --------------------------------------------------------------------

_refreshing = threading.Lock()


def schedule_refresh() -> None:
    """Count out-of-date summaries again in a thread of this process, when jobs run in threads
    (the demo); a worker (``waypoint work_jobs``) does it between jobs, tests call ``refresh``.
    One refresh at a time; a request that finds one running leaves it be."""
    if settings.WAYPOINT_JOB_RUNNER != "thread" or _refreshing.locked():
        return

    def work() -> None:
        if not _refreshing.acquire(blocking=False):
            return
        try:
            refresh()
        except Exception:  # the figures stay right, counted from the records; say why
            logger.exception("the statistics summary could not be refreshed")
        finally:
            close_old_connections()
            _refreshing.release()

    transaction.on_commit(
        lambda: threading.Thread(target=work, name="statistics-summary", daemon=True).start()
    )
