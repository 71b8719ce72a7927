"""Staff pages: the server time of the dashboard, the incident list and a statistics table page
at 100,000 incidents, each against a replay of the page's own SQL in the same run.

The data: 20,000 demo incidents (seed 1, dated up to a fixed day) with everything beneath them,
copied in SQL to reach the size, as ``bench_statistics`` builds it (on PostgreSQL then vacuumed,
as autovacuum would). The user is the demo's Amara (analyst, Organisation A), signed in with a
session confirmed by a second factor, as the web tests sign in (``waypoint.test.VerifiedClient``).

The candidate is a GET through Django's test client: middleware, view, queries and template, the
whole response the server sends. The baseline is the database's share of that work: the SQL
statements of one request of the page, captured with their parameters and executed again in the
same order on a cursor, every row fetched. Each page is requested once to warm it, then timed in
``REPEAT`` rounds that alternate page and baseline, the best of each counting. The ratio says how
much the page adds to its own queries; per page the number of queries and the time of the
slowest one say where the database time goes. Target: under 300 ms per page.

The statistics page shows its chart through an ``<img>``: a request of its own, drawn once with
vl-convert and then served from the disk cache (``WAYPOINT_CHART_CACHE_DIR``, here a temporary
folder). The chart is timed apart, drawn (``chart_cold_s``, an empty cache each time) and from
the cache (``chart_warm_s``), each with the same SQL replay as baseline.

``WAYPOINT_BENCH_INCIDENTS`` sets the size (e.g. 20000 for a quick run). SQLite by default (the
runner's in-memory test database); for PostgreSQL run
``scripts/with-postgres .venv/bin/python bench/run.py pages``.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench_statistics import build, clear
from timing import best_of, ratio

NEEDS_DATABASE = True

INCIDENTS = int(os.environ.get("WAYPOINT_BENCH_INCIDENTS", "100000"))
USER = "amara"
REPEAT = 5
#: The pages timed, by the name their results carry.
PAGES = {
    "dashboard": "/",
    "incident_list": "/incidents/",
    "statistics": "/statistics/victims_by_sex_age_year/",
}
CHART = "/statistics/victims_by_sex_age_year/chart.svg"
#: The characters of the slowest statement the results keep, to tell which it is.
SQL_SHOWN = 120


def run() -> dict[str, object]:
    from django.db import connection

    from waypoint.analytics.statistics import summary

    started = time.perf_counter()
    world_existed = _world_exists()
    try:
        rows = build(INCIDENTS)
        settle()
        results: dict[str, object] = {
            "database": connection.vendor,
            "incidents": rows["incidents"],
            "persons": rows["persons"],
            "build_s": round(time.perf_counter() - started, 1),
        }
        # The statistics summary as the import or the worker leaves it after the records came.
        refreshing = time.perf_counter()
        summary.refresh()
        results["summary_refresh_s"] = round(time.perf_counter() - refreshing, 1)
        with (
            tempfile.TemporaryDirectory(prefix="waypoint-bench-charts-") as charts,
            _signed_in(USER) as client,
        ):
            for name, url in PAGES.items():
                results.update(measure(client, name, url))
            results.update(measure_chart(client, Path(charts)))
    finally:
        clear()
        if not world_existed:
            _clear_world()
    return results


def settle() -> None:
    """On PostgreSQL, vacuum the case tables as autovacuum would, so that every run measures the
    same state instead of racing autovacuum (which marks pages all-visible and changes plans)."""
    from django.db import connection

    from waypoint.cases.writing import MODELS

    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in MODELS:
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


# Signing in --------------------------------------------------------------------------------------


@contextmanager
def _signed_in(username: str) -> Iterator[Any]:
    """A test client signed in as ``username`` with a confirmed second factor; on leaving, the
    session, its listing and the device made for it are deleted. (The audit events of signing
    in and out stay: the audit log refuses deletion.)"""
    from django.contrib.auth.models import User
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from waypoint.test import VerifiedClient
    from waypoint.web.models import UserSession

    user = User.objects.get(username=username)
    devices = set(TOTPDevice.objects.filter(user=user).values_list("pk", flat=True))
    client = VerifiedClient()
    client.force_login(user)
    try:
        yield client
    finally:
        key = client.session.session_key
        client.logout()
        UserSession.objects.filter(session_id=key).delete()
        TOTPDevice.objects.filter(user=user).exclude(pk__in=devices).delete()


def _world_exists() -> bool:
    from django.contrib.auth.models import User

    return User.objects.filter(username=USER).exists()


def _clear_world() -> None:
    """Delete the demo organisations and users that ``build`` made in an empty database."""
    from django.contrib.auth.models import User

    from waypoint.demo.personas import ORGANISATIONS, USERS
    from waypoint.orgs.models import Membership, Organisation, SharingAgreement

    codes = [spec.code for spec in ORGANISATIONS]
    SharingAgreement.objects.filter(owner__code__in=codes).delete()
    Membership.objects.filter(organisation__code__in=codes).delete()
    User.objects.filter(username__in=[spec.username for spec in USERS]).delete()
    Organisation.objects.filter(code__in=codes).delete()


# The measurements --------------------------------------------------------------------------------


def measure(client: Any, name: str, url: str) -> dict[str, object]:
    """The page's best time, its SQL replayed as the baseline, the number of queries and the
    slowest query."""
    get = _getter(client, url)
    get()  # warm: templates, translations, the first query plans
    queries = capture(get)
    page, baseline = alternately(get, queries.replay)
    return _figures(name, page, baseline, queries)


def measure_chart(client: Any, folder: Path) -> dict[str, object]:
    """The chart of the statistics page from the cache, and drawn into an empty cache."""
    from django.test import override_settings

    get = _getter(client, CHART)
    fresh = (folder / str(number) for number in itertools.count())

    def warm() -> None:
        with override_settings(WAYPOINT_CHART_CACHE_DIR=folder / "warm"):
            get()

    def cold() -> None:
        with override_settings(WAYPOINT_CHART_CACHE_DIR=next(fresh)):
            get()

    warm()
    queries = capture(warm)
    cached, drawn, baseline = alternately(warm, cold, queries.replay)
    return {
        **_figures("chart_warm", cached, baseline, queries),
        "chart_cold_s": round(drawn, 3),
        "chart_cold_ratio": ratio(drawn, baseline),
    }


def alternately(*functions: Callable[[], object]) -> list[float]:
    """The best time of each function over ``REPEAT`` rounds that call each in turn, so that a
    busy moment of the machine weighs on all of them alike."""
    rounds = [[best_of(function, repeat=1) for function in functions] for _ in range(REPEAT)]
    return [min(times) for times in zip(*rounds, strict=True)]


def _getter(client: Any, url: str) -> Callable[[], Any]:
    def get() -> Any:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"{url} answered {response.status_code}, not 200")
        return response

    return get


def _figures(name: str, page: float, baseline: float, queries: Queries) -> dict[str, object]:
    slowest, statement = queries.slowest()
    return {
        f"{name}_s": round(page, 3),
        f"{name}_baseline_sql_s": round(baseline, 3),
        f"{name}_ratio": ratio(page, baseline),
        f"{name}_queries": len(queries.statements),
        f"{name}_slowest_query_s": round(slowest, 4),
        f"{name}_slowest_query": " ".join(statement.split())[:SQL_SHOWN],
    }


@dataclass
class Queries:
    """The SQL statements of one request, with their parameters, to execute again."""

    statements: list[tuple[str, Any, bool]] = field(default_factory=list)
    #: The best time of each statement over the replays.
    best: list[float] = field(default_factory=list)

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.statements.append((sql, params, many))
        return execute(sql, params, many, context)

    def replay(self) -> None:
        from django.db import connection

        if not self.best:
            self.best = [float("inf")] * len(self.statements)
        with connection.cursor() as cursor:
            for number, (sql, params, many) in enumerate(self.statements):
                started = time.perf_counter()
                if many:
                    cursor.executemany(sql, params)
                else:
                    cursor.execute(sql, params)
                if cursor.description is not None:
                    cursor.fetchall()
                spent = time.perf_counter() - started
                self.best[number] = min(self.best[number], spent)

    def slowest(self) -> tuple[float, str]:
        number = max(range(len(self.best)), key=self.best.__getitem__)
        return self.best[number], self.statements[number][0]


def capture(get: Callable[[], Any]) -> Queries:
    """The statements one call of ``get`` executes; Django's own count must agree."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    queries = Queries()
    with CaptureQueriesContext(connection) as counted, connection.execute_wrapper(queries):
        get()
    if len(counted) != len(queries.statements):
        raise AssertionError(f"{len(counted)} queries counted, {len(queries.statements)} kept")
    return queries


if __name__ == "__main__":
    import json
    import sys

    sys.exit(
        "run through the runner: .venv/bin/python bench/run.py pages "
        + json.dumps({"incidents": INCIDENTS})
    )
