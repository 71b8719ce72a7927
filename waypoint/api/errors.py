"""The one error shape of the API, for every error it answers:

    {"error": {"code": "not_found", "message": "…", "details": [{"path", "message", "code"}]}}

``code`` is stable (scripts rely on it); ``message`` is for people, in the request's language
where translated; ``details`` names each rejected value by its path in the request
(``persons[2].age_group``: lists count from 1, as in the validation rules of the data model).

``install(api)`` replaces django-ninja's own error answers; ``not_found`` and ``shaped`` cover what
happens outside an operation (an unknown address, a method an address does not take).
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from waypoint.cases.validation import IncidentInvalid, Problem
from waypoint.orgs.access import AccessDenied

logger = logging.getLogger("waypoint.api")

#: The stable code of each status this API answers, when nothing more precise is known.
CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
}


class ApiError(Exception):
    """An error answered in the stable shape; raise it (or a subclass) from an operation."""

    status = 400

    def __init__(
        self, message: str, details: Iterable[Problem] = (), *, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = list(details)
        self.code = code or CODES[self.status]


class BadRequest(ApiError):
    status = 400


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Invalid(ApiError):
    status = 422


def body(code: str, message: str, details: Sequence[Problem] = ()) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "details": [
                {"path": problem.path, "message": problem.message, "code": problem.code}
                for problem in details
            ],
        }
    }


def respond(
    status: int, message: str, details: Sequence[Problem] = (), *, code: str | None = None
) -> HttpResponse:
    """An error answer outside an operation (operations raise ``ApiError`` instead)."""
    payload = body(code or CODES[status], message, details)
    return HttpResponse(
        json.dumps(payload), status=status, content_type="application/json; charset=utf-8"
    )


def not_found_message() -> str:
    return _("Nothing was found at this address, or you may not see it.")


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Every address under /api/v1/ that names no operation."""
    return respond(404, not_found_message())


def shaped(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap a django-ninja address so that a method it does not take answers in the stable shape
    (keeping the ``Allow`` header)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            message = _("This address does not take %(method)s; it takes %(allowed)s.") % {
                "method": request.method,
                "allowed": allowed,
            }
            response = respond(405, message)
            response["Allow"] = allowed
        return response

    return wrapper


def install(api: NinjaAPI) -> None:
    """Answer every error of ``api`` in the stable shape."""

    def answer(request: HttpRequest, status: int, payload: dict[str, Any]) -> HttpResponse:
        return api.create_response(request, payload, status=status)

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return answer(request, exc.status, body(exc.code, exc.message, exc.details))

    def invalid_request(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        problems = [request_problem(error) for error in exc.errors]
        message = _("The request was not accepted: see the details.")
        return answer(request, 422, body("invalid", message, problems))

    def invalid_incident(request: HttpRequest, exc: IncidentInvalid) -> HttpResponse:
        problems = [document_problem(problem) for problem in exc.problems]
        message = _("The incident was not written: see the details.")
        return answer(request, 422, body("invalid", message, problems))

    def not_authenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("Give a valid API token in the header “Authorization: Bearer <token>”.")
        response = answer(request, 401, body("not_authenticated", message))
        response["WWW-Authenticate"] = 'Bearer realm="waypoint"'
        return response

    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        message = _("Too many requests with this token; wait as long as Retry-After says.")
        return answer(request, 429, body("rate_limited", message))

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        status = exc.status_code if exc.status_code in CODES else 400
        message = _("The request body is not valid JSON.") if status == 400 else str(exc)
        return answer(request, status, body(CODES[status], message))

    def missing(request: HttpRequest, exc: Http404) -> HttpResponse:
        return answer(request, 404, body("not_found", not_found_message()))

    def denied(request: HttpRequest, exc: AccessDenied) -> HttpResponse:
        message = _("You may not do this with this record or for this organisation.")
        return answer(request, 403, body("forbidden", message))

    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return answer(request, 413, body("too_large", _("The request body is too large.")))

    def suspicious(request: HttpRequest, exc: Exception) -> HttpResponse:
        return answer(request, 400, body("bad_request", _("The request was not understood.")))

    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error(
            "Error answering %s %s",
            request.method,
            request.path,
            exc_info=exc,
            extra={"status_code": 500},
        )
        message = _("Something went wrong on the server; the request changed nothing.")
        return answer(request, 500, body("server_error", message))

    handlers: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
        (ApiError, api_error),
        (ValidationError, invalid_request),
        (IncidentInvalid, invalid_incident),
        (AuthenticationError, not_authenticated),
        (Throttled, throttled),
        (HttpError, http_error),
        (Http404, missing),
        (AccessDenied, denied),
        (RequestDataTooBig, too_large),
        (SuspiciousOperation, suspicious),
        (MultiPartParserError, suspicious),  # e.g. multipart/form-data without a boundary
        (Exception, server_error),
    ]
    for exception, handler in handlers:
        api.add_exception_handler(exception, handler)


def request_problem(error: dict[str, Any]) -> Problem:
    """A request-level problem (django-ninja and pydantic) named by its path in the request."""
    source, *location = error.get("loc", ())
    if source == "body":
        location = location[1:]  # the name of the body parameter
    return Problem(path_of(location), str(error.get("msg", "")), str(error.get("type", "invalid")))


def path_of(location: Iterable[Any]) -> str:
    """``("persons", 0, "age")`` as ``persons[1].age``."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part + 1}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def document_problem(problem: Problem) -> Problem:
    """A validation problem of an incident draft, named by its path in the incident document,
    where the incident's own fields are at the top."""
    path = problem.path
    if path == "incident":
        path = ""
    elif path.startswith("incident."):
        path = path.removeprefix("incident.")
    return Problem(path, problem.message, problem.code)
