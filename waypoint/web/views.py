"""Staff site pages."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from waypoint.orgs.access import member_organisations
from waypoint.web.summary import counts_by_year, totals


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    rows = counts_by_year(request.user)
    return render(
        request,
        "web/home.html",
        {
            "rows": rows,
            "total": totals(rows),
            "organisations": member_organisations(request.user),
        },
    )
