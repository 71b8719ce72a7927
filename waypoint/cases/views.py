"""Incident pages: the list of what the user may see and one record as they may see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from waypoint.cases.models import Incident
from waypoint.cases.presentation import incident_rows, incident_view
from waypoint.orgs.access import get_incident_for

PAGE_SIZE = 50


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    incidents = (
        Incident.objects.visible_to(request.user)
        .select_related("owner")
        .order_by("-date_start", "-id")
    )
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = incident_rows(request.user, page.object_list)
    return render(request, "cases/incident_list.html", {"page": page, "rows": rows})


@login_required
def incident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    incident = get_incident_for(request.user, public_id)
    return render(
        request, "cases/incident_detail.html", {"view": incident_view(request.user, incident)}
    )
