"""``/stats``: the standard statistical tables, computed over what the token's user may see (or,
with ``public``, over the incidents whose owners agreed to publication) and protected by the
disclosure gate, as ``waypoint stats`` gives them.

Every answer goes through ``waypoint.analytics.answers.answer``: small cells are suppressed (the
public threshold for a public release), or a public release is made differentially private and
paid for from a dataset's privacy budget. Figures without disclosure control are not offered
here; platform administrators check tables with ``waypoint stats --unprotected``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router

from waypoint.analytics import answers, statistics
from waypoint.analytics.disclosure import ProtectedTable, effective_threshold
from waypoint.analytics.models import PrivacyBudget
from waypoint.analytics.privacy import BudgetExceeded, PrivacyError, PrivateRelease
from waypoint.analytics.statistics import Scope, SpecError, StandardTable, StatSpec, explorer
from waypoint.api.auth import actor
from waypoint.api.errors import ApiError, Invalid, NotFound
from waypoint.api.schemas.common import PageQuery, errors, links
from waypoint.api.schemas.stats import (
    ExplorerQuery,
    StatsQuery,
    StatsTableOut,
    StatsTablePage,
    TableId,
)
from waypoint.cases.validation import Problem

router = Router(tags=["statistics"])

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILES: dict[str, tuple[str, Callable[[ProtectedTable], str | bytes]]] = {
    "csv": ("text/csv; charset=utf-8", answers.as_csv),
    "xlsx": (XLSX, answers.as_xlsx),
}
FILE_ANSWERS = {
    "responses": {
        200: {
            "description": "The table: JSON by default; a file with `format=csv` or `xlsx`.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX: {"schema": {"type": "string", "format": "binary"}},
            },
        }
    }
}


class BudgetSpent(ApiError):
    """The dataset's privacy budget cannot pay for the release: nothing was released."""

    status = 409


@router.get(
    "",
    response={200: StatsTablePage, **errors(401, 422, 429)},
    summary="List the statistical tables",
    openapi_extra=links(
        200, GetStatsTable=("get_stats_table", "table_id", "$response.body#/items/0/id")
    ),
)
def list_stats_tables(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """The standard tables, by id, with what each counts and its columns."""
    tables = statistics.REGISTRY[page.offset : page.offset + page.limit]
    return {"items": [_summary(table) for table in tables], "count": len(statistics.REGISTRY)}


@router.get(
    "/explorer",
    response={200: StatsTableOut, **errors(401, 409, 422, 429)},
    summary="Count anything by up to three breakdowns",
    openapi_extra=FILE_ANSWERS,
)
def explore_stats(
    request: HttpRequest, query: Query[ExplorerQuery]
) -> dict[str, Any] | HttpResponse:
    """The explorer: incidents, victims, offenders or persons broken down by one to three
    breakdowns (`by`, repeatable), with the filters and the disclosure control of the standard
    tables. docs/statistics-tables.md lists the breakdowns each subject takes."""
    user = actor(request)
    try:
        question = explorer.Question(query.subject, tuple(query.by))
    except SpecError as error:
        raise _invalid("by", str(error), "invalid_breakdown") from error
    spec = _spec(question.table_id, query, user)
    return _answer(_protected(spec, query, user, question), query.format)


@router.get(
    "/{table_id}",
    response={200: StatsTableOut, **errors(401, 404, 409, 422, 429)},
    summary="Compute a statistical table",
    openapi_extra=FILE_ANSWERS,
)
def get_stats_table(
    request: HttpRequest, table_id: Path[TableId], query: Query[StatsQuery]
) -> dict[str, Any] | HttpResponse:
    """One standard table over the incidents you may see (with `public`: over those whose owners
    agreed to publication), filtered, with small cells suppressed, or, for a public release with
    `epsilon` and `dataset`, with differentially private noise paid from that dataset's privacy
    budget. Suppressed figures are null with `suppressed: true`, never 0."""
    if table_id not in statistics.IDS:
        raise NotFound(_("There is no statistical table with this id."))
    user = actor(request)
    protected = _protected(_spec(table_id, query, user), query, user)
    return _answer(protected, query.format)


def _answer(protected: ProtectedTable, fmt: str) -> dict[str, Any] | HttpResponse:
    if fmt == "json":
        return answers.as_json(protected)
    content_type, write = FILES[fmt]
    response = HttpResponse(write(protected), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{protected.table_id}.{fmt}"'
    return response


def _summary(table: StandardTable) -> dict[str, Any]:
    return {
        "id": table.id,
        "title": str(table.title),
        "description": str(table.description),
        "unit": str(table.unit),
        "dimensions": list(table.dimensions),
        "measures": list(table.measures),
    }


def _spec(table_id: str, query: StatsQuery, user: Any) -> StatSpec:
    try:
        return StatSpec(
            table_id,
            Scope.published() if query.public else Scope.of(user),
            year_from=query.year_from,
            year_to=query.year_to,
            countries=tuple(code.upper() for code in query.country),
            regions=tuple(query.region),
            kinds=tuple(query.kind),
            labels=tuple(query.label),
            routes=tuple(query.route),
            currency=query.currency.upper() if query.currency else None,
        )
    except SpecError as error:
        raise Invalid(str(error)) from error


def _protected(
    spec: StatSpec, query: StatsQuery, user: Any, question: explorer.Question | None = None
) -> ProtectedTable:
    release = _release(query)
    if release is None:
        _check_threshold(query)
    try:
        return answers.answer(
            spec, actor=user, threshold=query.threshold, release=release, question=question
        )
    except BudgetExceeded as error:
        raise BudgetSpent(str(error), code="budget_exceeded") from error
    except (SpecError, PrivacyError) as error:
        raise Invalid(str(error)) from error


def _check_threshold(query: StatsQuery) -> None:
    try:
        effective_threshold(query.public, query.threshold)
    except ValueError as error:
        raise _invalid("threshold", str(error), "threshold_too_low") from error


def _release(query: StatsQuery) -> PrivateRelease | None:
    """The differentially private release the query asks for, if any."""
    if query.epsilon is None and query.dataset is None:
        return None
    if query.epsilon is None or query.dataset is None:
        missing = "epsilon" if query.epsilon is None else "dataset"
        message = _("A differentially private release needs both epsilon and dataset.")
        raise _invalid(missing, message, "missing")
    if not query.public:
        message = _("A differentially private release is a public release: add public=true.")
        raise _invalid("public", message, "public_only")
    if query.threshold is not None:
        message = _("A differentially private release applies no threshold.")
        raise _invalid("threshold", message, "no_threshold")
    if not _has_budget(query.dataset):
        message = _(
            "There is no privacy budget for the dataset “%(dataset)s”; a platform "
            "administrator sets one on the administration site."
        ) % {"dataset": query.dataset}
        raise _invalid("dataset", message, "unknown_dataset")
    try:
        return PrivateRelease(dataset=query.dataset, epsilon=query.epsilon)
    except PrivacyError as error:
        raise Invalid(str(error)) from error


def _has_budget(dataset: str) -> bool:
    """Whether the dataset's budget was set up outside the API. A name the API could make up
    would come with a fresh budget each time, and many releases of one table under new names
    would average the noise away."""
    return PrivacyBudget.objects.filter(dataset=dataset).exists()


def _invalid(path: str, message: str, code: str) -> Invalid:
    return Invalid(message, [Problem(path, message, code)])
