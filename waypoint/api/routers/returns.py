"""``/returns``: aggregate returns, as the staff pages show them, and their workflow.

Reads go through ``Return.objects.visible_to`` only: the token's user reads every version of
their own organisations' returns, and the submitted returns of the other members of their
reporting communities for the periods their organisation opened by submitting its own
(reciprocity). A return the user may not read answers 404 exactly like one that does not exist;
one the user reads but may not change (another organisation's, or theirs without a recording
role) answers 403 to a write. Every write goes through ``returns.actions``.

Files: one return's figures in the native import layout and the list of returns with their
figures (``returns.exports``, recorded in the audit log), and the regional table over the
returns (``returns.regional``: through the disclosure gate, with who reported how).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from waypoint.analytics import answers
from waypoint.api.auth import actor
from waypoint.api.errors import ApiError, BadRequest, Forbidden, Invalid
from waypoint.api.routers.stats import FILE_ANSWERS
from waypoint.api.schemas.common import Text, errors, links
from waypoint.api.schemas.returns import (
    Code,
    FiguresIn,
    ReturnIn,
    ReturnOut,
    ReturnPage,
    ReturnQuery,
    RevisionIn,
    StatusCode,
)
from waypoint.api.schemas.stats import StatsFormat, StatsTableOut
from waypoint.cases.validation import Problem
from waypoint.orgs.access import AccessDenied, member_organisations, recording_organisations
from waypoint.orgs.models import Organisation
from waypoint.returns import actions, exports, regional, validation
from waypoint.returns.actions import Entry, ReturnRefused
from waypoint.returns.exports import ExportFile, ReturnFilters
from waypoint.returns.models import Indicator, Questionnaire, Return, ReturnValue
from waypoint.returns.models import Status as State
from waypoint.returns.periods import Period, PeriodError
from waypoint.returns.presentation import get_return_for
from waypoint.returns.statistics import Coverage
from waypoint.returns.validation import Finding

# People are named to the members of the return's organisation only: left out for others.
router = Router(tags=["returns"], exclude_unset=True)

ORIGIN = "api"
FIRST = "$response.body#/items/0/id"
CREATED = "$response.body#/id"


class Conflict(ApiError):
    """The return is not in a state that allows the step (submitted already, say)."""

    status = 409


FileFormat = Literal["csv", "xlsx"]
FILE_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    exports.XLSX: {"schema": {"type": "string", "format": "binary"}},
}


class ReturnFileQuery(Schema):
    format: FileFormat = Field("csv", description="`csv` or `xlsx`.")


class ReturnsExportQuery(ReturnFileQuery):
    questionnaire: Code | None = Field(None, description="A questionnaire's code.")
    period: Annotated[Text, Field(max_length=20)] | None = Field(None, description="`2024`.")
    organisation: Code | None = Field(None, description="An organisation's code.")
    status: StatusCode | None = Field(
        None, description="Drafts and returns awaiting approval are your own organisations'."
    )


class RegionalQuery(Schema):
    questionnaire: Code = Field(
        description="The questionnaire's code.", json_schema_extra={"example": "annual"}
    )
    indicator: Code = Field(
        description="The indicator's code; the questionnaire asks for it.",
        json_schema_extra={"example": "tip_victims_detected"},
    )
    breakdown: Annotated[str, Field(pattern=r"^[a-z_]{1,40}$")] | None = Field(
        None,
        description="A breakdown the indicator takes (`sex`, `citizenship`, …); none for its "
        "total by period.",
    )
    period_from: Annotated[Text, Field(min_length=1, max_length=7)] = Field(
        description="The first period: `2024`, `2024-Q2` or `2024-03`, of the questionnaire's "
        "kind.",
        json_schema_extra={"example": "2023"},
    )
    period_to: Annotated[Text, Field(min_length=1, max_length=7)] = Field(
        description=f"The last period (at most {regional.MOST_PERIODS} periods in all).",
        json_schema_extra={"example": "2024"},
    )
    format: StatsFormat = Field(
        "json", description="`json` (the answer below), or a `csv` or `xlsx` file."
    )


class CoverageOut(Schema):
    organisation: str = Field(description="The organisation's code.")
    period: str
    source: Literal["return", "records", "none"] = Field(
        description="`return`: its submitted return (reciprocity lets you read it); `records`: "
        "for your own organisations, derived from their incident records; `none`: not reported "
        "(or not open to you)."
    )
    version: int | None = Field(description="The version of the return, for `return`.")
    return_id: uuid.UUID | None = Field(description="The return's id, for `return`.")


class RegionalTableOut(StatsTableOut):
    questionnaire: str
    indicator: str
    breakdown: str | None
    periods: list[str]
    coverage: list[CoverageOut] = Field(
        description="Who reported how for each period: one source per organisation and period, "
        "so that nothing is counted twice."
    )


# Reading -----------------------------------------------------------------------------------------


@router.get(
    "",
    response={200: ReturnPage, **errors(401, 422, 429)},
    summary="List returns",
    openapi_extra=links(200, GetFirstReturn=("get_return", "return_id", FIRST)),
)
def list_returns(request: HttpRequest, query: Query[ReturnQuery]) -> dict[str, Any]:
    """The returns the user may read: every version of their own organisations' returns, and
    the submitted returns of the other members of their reporting communities for the periods
    their organisation opened by submitting its own. Newest period first."""
    user = actor(request)
    returns = Return.objects.visible_to(user)
    if query.questionnaire:
        returns = returns.filter(questionnaire__code=query.questionnaire)
    if query.period:
        returns = returns.filter(period=query.period.strip())
    if query.organisation:
        returns = returns.filter(organisation__code=query.organisation)
    if query.status:
        returns = returns.filter(status=query.status)
    ordered = returns.select_related(
        "organisation", "questionnaire", "created_by", "submitted_by", "approved_by"
    ).order_by("-period", "questionnaire__code", "organisation__code", "-version", "-id")
    own = _own(user)
    window = ordered[query.offset : query.offset + query.limit]
    return {"items": [return_document(ret, own) for ret in window], "count": returns.count()}


@router.get(
    "/{uuid:return_id}",
    response={200: ReturnOut, **errors(401, 404, 429)},
    summary="Read a return",
)
def get_return(request: HttpRequest, return_id: uuid.UUID) -> dict[str, Any]:
    """One return with its figures; for its organisation's members, while it is in the works,
    what the checks find."""
    user = actor(request)
    ret = get_return_for(Return.objects.visible_to(user), return_id)
    return _full(ret, _own(user))


@router.get(
    "/export",
    response={200: str, **errors(401, 422, 429)},
    summary="Export the returns you may read, with their figures",
    openapi_extra={"responses": {200: {"content": FILE_CONTENT}}},
)
def export_returns(request: HttpRequest, query: Query[ReturnsExportQuery]) -> HttpResponse:
    """The returns the user may read (as the list gives them: every version), one row per
    figure: `organisation`, `version`, `status`, then the columns of the native import layout.
    A censored figure is `<5` with its bound in `censored_below`, never 0. Recorded in the
    audit log."""
    filters = ReturnFilters(
        questionnaire=query.questionnaire or "",
        period=query.period or "",
        organisation=query.organisation or "",
        status=query.status or "",
    )
    return _file(exports.export_returns(actor=actor(request), format=query.format, filters=filters))


@router.get(
    "/regional",
    response={200: RegionalTableOut, **errors(401, 422, 429)},
    summary="Sum an indicator over your reporting communities",
    openapi_extra=FILE_ANSWERS,
)
def get_regional_table(
    request: HttpRequest, query: Query[RegionalQuery]
) -> dict[str, Any] | HttpResponse:
    """The regional table of the page `/returns/regional/`: an indicator (by a breakdown, if
    given) and period, summed over the organisations of your reporting communities, each
    organisation and period from one source (its submitted return where reciprocity lets you
    read it, else, for your own organisations, their incident records), through the disclosure
    gate. A sum that includes a censored figure, and a small one, is null with
    `suppressed: true`, never 0. `coverage` says who reported how."""
    user = actor(request)
    form = regional.RegionalForm(
        {
            "questionnaire": query.questionnaire,
            "indicator": query.indicator,
            "breakdown": query.breakdown or "",
            "period_from": query.period_from,
            "period_to": query.period_to,
        }
    )
    found = regional.answer(user, form)
    if found is None:
        problems = [
            Problem("" if name == "__all__" else name, str(message), "invalid")
            for name, messages in form.errors.items()
            for message in messages
        ]
        raise Invalid(problems[0].message, problems)
    if query.format != "json":
        content_type, write = FILES[query.format]
        response = HttpResponse(write(found.protected), content_type=content_type)
        name = f"{found.protected.table_id}.{query.format}"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return _regional_document(found)


@router.get(
    "/{uuid:return_id}/export",
    response={200: str, **errors(401, 404, 422, 429)},
    summary="Export a return's figures in the native layout",
    openapi_extra={"responses": {200: {"content": FILE_CONTENT}}},
)
def export_return(
    request: HttpRequest, return_id: uuid.UUID, query: Query[ReturnFileQuery]
) -> HttpResponse:
    """One return's figures in the native import layout (`questionnaire`, `period`,
    `indicator`, `value`, `censored_below`, `note`, then one column per breakdown), so that the
    file imports back unchanged. A censored figure is `<5` with its bound, never 0. Recorded in
    the audit log."""
    exported = exports.export_return(actor=actor(request), return_id=return_id, format=query.format)
    return _file(exported)


# Writing -----------------------------------------------------------------------------------------


@router.post(
    "",
    response={201: ReturnOut, **errors(400, 401, 403, 409, 422, 429)},
    summary="Start a return",
    openapi_extra=links(
        201,
        GetReturn=("get_return", "return_id", CREATED),
        ReplaceReturnFigures=("replace_return_figures", "return_id", CREATED),
        SubmitReturn=("submit_return", "return_id", CREATED),
    ),
)
def create_return(request: HttpRequest, payload: ReturnIn) -> Status[dict[str, Any]]:
    """Start a draft, version 1, of the return of the user's organisation (``owner`` when they
    record for several) for a questionnaire and period. There is one return per organisation,
    questionnaire and period: a submitted one is corrected by revising it."""
    user = actor(request)
    organisation = _recording_organisation(user, payload.owner)
    questionnaire = Questionnaire.objects.filter(code=payload.questionnaire).first()
    if questionnaire is None:
        message = _("“%(code)s” is not a questionnaire.") % {"code": payload.questionnaire}
        raise Invalid(message, [Problem("questionnaire", message, "invalid_code")])
    period = _period(questionnaire, payload.period)
    with _refusals():
        ret = actions.start(
            actor=user,
            organisation=organisation,
            questionnaire=questionnaire,
            period=period,
            origin=ORIGIN,
        )
    return Status(201, _full(ret, {organisation.pk}))


@router.put(
    "/{uuid:return_id}/figures",
    response={200: ReturnOut, **errors(400, 401, 403, 404, 409, 422, 429)},
    summary="Replace the figures of a draft",
)
def replace_return_figures(
    request: HttpRequest, return_id: uuid.UUID, payload: FiguresIn
) -> dict[str, Any]:
    """Replace every figure of the draft with the ones given. A draft may hold what the checks
    refuse: the answer's ``findings`` say what to correct before it can be submitted."""
    user = actor(request)
    ret = _writable(user, return_id)
    entries = _entries(payload)
    with _refusals():
        actions.set_figures(actor=user, ret=ret, entries=entries)
    return _full(ret, {ret.organisation_id})


@router.post(
    "/{uuid:return_id}/submit",
    response={200: ReturnOut, **errors(401, 403, 404, 409, 422, 429)},
    summary="Submit a draft for approval",
)
def submit_return(request: HttpRequest, return_id: uuid.UUID) -> dict[str, Any]:
    """Send the draft for approval by a second reporting officer or administrator of the
    organisation. Refused with the checks' errors as ``details`` while there are any."""
    user = actor(request)
    ret = _writable(user, return_id)
    with _refusals():
        actions.submit(actor=user, ret=ret)
    return _full(ret, {ret.organisation_id})


@router.post(
    "/{uuid:return_id}/approve",
    response={200: ReturnOut, **errors(401, 403, 404, 409, 429)},
    summary="Approve a submitted return",
)
def approve_return(request: HttpRequest, return_id: uuid.UUID) -> dict[str, Any]:
    """The second pair of eyes: approve a return awaiting approval, which makes it final and
    readable by the reporting communities' members who submitted for the period. The user who
    submitted it may not approve it."""
    user = actor(request)
    ret = _writable(user, return_id)
    with _refusals():
        try:
            actions.approve(actor=user, ret=ret)
        except AccessDenied as denied:
            raise Forbidden(str(denied)) from None
    return _full(ret, {ret.organisation_id})


@router.post(
    "/{uuid:return_id}/send-back",
    response={200: ReturnOut, **errors(401, 403, 404, 409, 429)},
    summary="Send a submitted return back",
)
def send_back_return(request: HttpRequest, return_id: uuid.UUID) -> dict[str, Any]:
    """Return a submission awaiting approval to its drafters: it is a draft again."""
    user = actor(request)
    ret = _writable(user, return_id)
    with _refusals():
        actions.send_back(actor=user, ret=ret)
    return _full(ret, {ret.organisation_id})


@router.post(
    "/{uuid:return_id}/revise",
    response={201: ReturnOut, **errors(400, 401, 403, 404, 409, 422, 429)},
    summary="Revise a submitted return",
    openapi_extra=links(
        201,
        GetRevision=("get_return", "return_id", CREATED),
        ReplaceRevisionFigures=("replace_return_figures", "return_id", CREATED),
    ),
)
def revise_return(
    request: HttpRequest, return_id: uuid.UUID, payload: RevisionIn
) -> Status[dict[str, Any]]:
    """Start a new draft version of the latest submitted version, with its figures and the
    reason for the revision; the submitted version stays as it was."""
    user = actor(request)
    ret = _writable(user, return_id)
    if not payload.reason.strip():
        message = _("Say why the return is revised.")
        raise Invalid(message, [Problem("reason", message, "missing")])
    with _refusals():
        revision = actions.revise(actor=user, ret=ret, reason=payload.reason)
    return Status(201, _full(revision, {ret.organisation_id}))


# Helpers -----------------------------------------------------------------------------------------

FILES = {
    "csv": ("text/csv; charset=utf-8", answers.as_csv),
    "xlsx": (exports.XLSX, answers.as_xlsx),
}


def _file(exported: ExportFile) -> HttpResponse:
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.name}"'
    return response


def _regional_document(found: regional.Regional) -> dict[str, Any]:
    return {
        **answers.as_json(found.protected),
        "questionnaire": found.questionnaire.code,
        "indicator": found.indicator.code,
        "breakdown": found.breakdown,
        "periods": found.periods,
        "coverage": [_coverage(item) for item in found.coverage],
    }


def _coverage(item: Coverage) -> dict[str, Any]:
    return {
        "organisation": item.organisation.code,
        "period": item.period,
        "source": str(item.source),
        "version": item.version,
        "return_id": item.ret.public_id if item.ret is not None else None,
    }


def _own(user: Any) -> set[int]:
    return {organisation.pk for organisation in member_organisations(user)}


def _writable(user: Any, return_id: uuid.UUID) -> Return:
    """A return the user may read and whose organisation they record for (403 otherwise)."""
    ret = get_return_for(Return.objects.visible_to(user), return_id)
    if ret.organisation not in recording_organisations(user):
        raise Forbidden(
            _("You do not record returns for %(code)s.") % {"code": ret.organisation.code}
        )
    return ret


def _recording_organisation(user: Any, code: str | None) -> Organisation:
    """The organisation a new return is for: the one named, or the only one the user records
    for."""
    recording = recording_organisations(user)
    if code is None:
        if len(recording) == 1:
            return recording[0]
        if not recording:
            raise Forbidden(_("You record returns for no organisation."))
        message = _("You record for several organisations: name the owner.")
        raise BadRequest(message, [Problem("owner", message, "owner_needed")])
    named = next((org for org in member_organisations(user) if org.code == code), None)
    if named is None:
        message = _("“%(code)s” is not one of your organisations.") % {"code": code}
        raise BadRequest(message, [Problem("owner", message, "not_your_organisation")])
    if named not in recording:
        raise Forbidden(_("You do not record returns for %(code)s.") % {"code": code})
    return named


def _period(questionnaire: Questionnaire, text: str) -> str:
    found = validation.check(questionnaire, text, [])
    if found:
        raise Invalid(found[0].message, [Problem("period", f.message, f.code) for f in found])
    return str(Period.parse(text))


def _entries(payload: FiguresIn) -> list[Entry]:
    """The figures as the action takes them; unknown indicators and a figure given twice are
    refused here, each named by its place in the request."""
    known = set(
        Indicator.objects.filter(code__in={f.indicator for f in payload.figures}).values_list(
            "code", flat=True
        )
    )
    problems: list[Problem] = []
    seen: dict[tuple[str, str], int] = {}
    for number, figure in enumerate(payload.figures, start=1):
        place = (figure.indicator, ReturnValue.key_of(figure.categories))
        if figure.indicator not in known:
            message = _("“%(code)s” is not an indicator.") % {"code": figure.indicator}
            problems.append(Problem(f"figures[{number}].indicator", message, "invalid_code"))
        elif place in seen:
            message = _("The same figure is given in figures[%(first)s].") % {"first": seen[place]}
            problems.append(Problem(f"figures[{number}].categories", message, "duplicate"))
        else:
            seen[place] = number
    if problems:
        raise Invalid(_("The figures were not written: see the details."), problems)
    return [
        Entry(f.indicator, dict(f.categories), f.value, f.censored_below, note=f.note)
        for f in payload.figures
    ]


@contextmanager
def _refusals() -> Iterator[None]:
    """A step the action refuses: 422 with the checks' errors when the figures are at fault,
    409 when the return's state does not allow it."""
    try:
        yield
    except ReturnRefused as refused:
        found = validation.errors(refused.findings)
        if found:
            raise Invalid(str(refused), [problem_of(f) for f in found]) from None
        raise Conflict(str(refused), code="conflict") from None
    except PeriodError as error:
        raise Invalid(str(error), [Problem("period", str(error), "period")]) from None


def path_of(finding: Finding) -> str:
    if not finding.indicator:
        return "period" if finding.code.startswith("period") else ""
    return f"{finding.indicator}[{finding.key}]" if finding.key else finding.indicator


def problem_of(finding: Finding) -> Problem:
    return Problem(path_of(finding), finding.message, finding.code)


# Documents ---------------------------------------------------------------------------------------


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


def return_document(ret: Return, own: set[int]) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": ret.public_id,
        "owner": ret.organisation.code,
        "questionnaire": ret.questionnaire.code,
        "period": ret.period,
        "version": ret.version,
        "status": ret.status,
        "reason": ret.reason,
        "origin": ret.origin,
        "created_at": ret.created_at,
        "submitted_at": ret.submitted_at,
        "approved_at": ret.approved_at,
    }
    if ret.organisation_id in own:
        document["created_by"] = _username(ret.created_by)
        document["submitted_by"] = _username(ret.submitted_by)
        document["approved_by"] = _username(ret.approved_by)
    return document


def _full(ret: Return, own: set[int]) -> dict[str, Any]:
    """The return as it stands now, with its figures (and findings, for its members, while it
    is in the works)."""
    ret.refresh_from_db()  # the action changed its own copy
    document = return_document(ret, own)
    values = ret.values.select_related("indicator").order_by("indicator__code", "key")
    document["figures"] = [_figure(value) for value in values]
    if ret.organisation_id in own and ret.status != State.SUBMITTED:
        document["findings"] = [_finding(finding) for finding in actions.findings(ret)]
    return document


def _figure(value: ReturnValue) -> dict[str, Any]:
    return {
        "indicator": value.indicator.code,
        "categories": value.categories,
        "key": value.key,
        "value": value.value,
        "censored_below": value.censored_below,
        "note": value.note,
        "derivation": value.derivation,
    }


def _finding(finding: Finding) -> dict[str, Any]:
    return {
        "path": path_of(finding),
        "indicator": finding.indicator,
        "key": finding.key,
        "message": finding.message,
        "code": finding.code,
        "severity": finding.severity.value,
    }
