"""The interactive API documentation at ``/api/v1/docs``: Swagger UI from django-ninja's own
static files, started by a script file of ours, so that the page holds nothing inline and runs
under the site's strict Content-Security-Policy unchanged (no CDN, no inline script or style)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI
from ninja.openapi.docs import DocsBase


class Docs(DocsBase):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        context = {"api": api, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "api/docs.html", context)
