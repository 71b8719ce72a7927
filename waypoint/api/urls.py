"""The API under /api/v1/: one NinjaAPI with token authentication, per-token rate limits and the
stable error shape; each router is mounted here with one line."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.urls import URLPattern, URLResolver, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from ninja import NinjaAPI

from waypoint.api import errors
from waypoint.api.auth import TokenAuth
from waypoint.api.docs import Docs
from waypoint.api.ratelimit import TokenRate
from waypoint.api.routers import bulk, incidents, reference, returns, stats, tokens

DESCRIPTION = """
Waypoint's records of migrant smuggling, trafficking in persons and violence against migrants,
for the organisations that share them. Every request carries an API token:
`Authorization: Bearer wpt_…` (create one on your account page, `/account/tokens/`). Answers
show exactly what the token's user may see; errors answer
`{"error": {"code", "message", "details"}}`. Guide: docs/api.md.
"""


class WaypointAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """Operations are named by their function, e.g. ``list_incidents``."""
        return str(operation.view_func.__name__)


api = WaypointAPI(
    title="Waypoint API",
    version="1",
    description=DESCRIPTION.strip(),
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=TokenRate(),
    docs=Docs(),
    docs_decorator=require_safe,
    docs_url="docs",
    openapi_url="openapi.json",
)
errors.install(api)

api.add_router("/tokens", tokens.router)
api.add_router("/incidents", incidents.router)
api.add_router("/reference", reference.router)
api.add_router("/stats", stats.router)
api.add_router("/returns", returns.router)
api.add_router("", bulk.router)


@csrf_exempt
@errors.shaped
@require_safe
def index(request: HttpRequest) -> JsonResponse:
    """``/api/v1/``: where the documentation is (public, like the documentation itself)."""
    return JsonResponse({"docs": request.path + "docs", "openapi": request.path + "openapi.json"})


def _shaped(patterns: list[Any]) -> list[Any]:
    """Every address answers in the error shape; none takes a CSRF token, as none reads a
    cookie (django-ninja exempts its operations; its documentation views need it too)."""
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = csrf_exempt(errors.shaped(pattern.callback))
        elif isinstance(pattern, URLResolver):
            _shaped(pattern.url_patterns)
    return patterns


_patterns, _app_name, _namespace = api.urls
urlpatterns = [
    path("", index, name="api-index"),
    path("", (_shaped(_patterns), _app_name, _namespace)),
    path("<path:rest>", csrf_exempt(errors.not_found), name="api-not-found"),
]
