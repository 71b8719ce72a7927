"""Incident pages: the list of what the user may see and one record as they may see it."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from waypoint.cases.forms import RevealForm
from waypoint.cases.models import Incident
from waypoint.cases.presentation import incident_rows, incident_view
from waypoint.cases.revealing import locate, protected_field, reveal_value
from waypoint.orgs.access import get_incident_for, is_owner_member

PAGE_SIZE = 50


@require_GET
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


@require_GET
@login_required
def incident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    incident = get_incident_for(request.user, public_id)
    return render(
        request, "cases/incident_detail.html", {"view": incident_view(request.user, incident)}
    )


@require_http_methods(["GET", "POST"])
@login_required
def reveal(request: HttpRequest, public_id: str) -> HttpResponse:
    """Ask for one protected value with a reason (GET), then show it (POST)."""
    incident = get_incident_for(request.user, public_id)
    if not is_owner_member(request.user, incident):
        raise Http404("No such value.")
    target = request.POST.get("target") or request.GET.get("target", "")
    field = request.POST.get("field") or request.GET.get("field", "")
    row = locate(incident, target)
    protected_field(row, field)
    label = getattr(row._meta.get_field(field), "verbose_name", field)
    bound = request.POST if request.method == "POST" else None
    form = RevealForm(bound, initial={"target": target, "field": field})
    if form.is_bound and form.is_valid():
        _, value = reveal_value(
            actor=request.user,
            incident=incident,
            target=target,
            field=field,
            justification=form.cleaned_data["justification"],
            request=request,
        )
        return render(
            request, "cases/revealed.html", {"incident": incident, "label": label, "value": value}
        )
    return render(
        request, "cases/reveal.html", {"incident": incident, "form": form, "label": label}
    )
