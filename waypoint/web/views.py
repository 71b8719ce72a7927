"""Staff site pages."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from waypoint.web.summary import dashboard_for


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The dashboard: key figures, trends and routes over what the user may see, their
    organisation's latest records, imports under way and what waits for them."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    board = dashboard_for(request.user)
    return render(request, "web/home.html", {"board": board, "organisations": board.organisations})
