"""Incident pages: the list of what the user may see, its search, saved filters and export, and
one record as the user may see it."""

from __future__ import annotations

import dataclasses
import datetime
import tempfile
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.bulk import exporters
from waypoint.bulk.exporting import ExportRefused, export_incidents
from waypoint.cases import search
from waypoint.cases.forms import RevealForm
from waypoint.cases.models import Incident, IncidentStatusChange, PersonIdentifier, Selector
from waypoint.cases.presentation import fields_of, incident_rows, incident_view
from waypoint.cases.revealing import locate, protected_field, reveal_value
from waypoint.lib.fieldclasses import FieldClass
from waypoint.orgs.access import RECORDING_ROLES, get_incident_for, is_owner_member, roles_in
from waypoint.orgs.models import Organisation
from waypoint.reference import catalogue

PAGE_SIZE = 50
#: The formats "export this list" offers, with their names for people.
EXPORT_FORMATS = {"csv": "CSV", "xlsx": gettext_lazy("Excel (XLSX)"), "json": "JSON"}


# The list ---------------------------------------------------------------------------------------


def _filter_form(data: Any) -> search.IncidentFilterForm:
    owners = Organisation.objects.active().only("code").order_by("code")
    return search.IncidentFilterForm(data, owners=owners)


def _list_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    saved = search.saved_filters(request.user)
    current = context.get("filters")
    query = current.query_string() if current is not None else None
    return render(
        request,
        "cases/incident_list.html",
        {
            "saved_filters": [(item, item.query == query) for item in saved],
            "export_formats": EXPORT_FORMATS,
            "identifier_form": search.IdentifierSearchForm(),
            "default_sort": search.DEFAULT_SORT,
            **context,
        },
    )


def _rows(user: Any, incidents: Any) -> list[Any]:
    """The list's lines (``incident_rows``), with the short name of each label."""
    incidents = list(incidents)
    return [
        dataclasses.replace(row, label=search.LABEL_NAMES.get(incident.label, row.label))
        for row, incident in zip(incident_rows(user, incidents), incidents, strict=True)
    ]


@require_GET
@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    form = _filter_form(request.GET)
    filters = search.ListFilters.from_form(form)
    incidents = search.incident_list(request.user, filters)
    page = Paginator(incidents, PAGE_SIZE).get_page(request.GET.get("page"))
    return _list_page(
        request,
        {
            "form": form,
            "filters": filters,
            "query": filters.query_string(),
            "page": page,
            "rows": _rows(request.user, page.object_list),
        },
    )


@require_POST
@login_required
def incident_identifier_search(request: HttpRequest) -> HttpResponse:
    """Exact search on an identifier (by POST, so that the value stays out of addresses, browser
    histories and server logs); the search is recorded in the audit log."""
    identifier_form = search.IdentifierSearchForm(request.POST)
    found: list[Incident] | None = None
    if identifier_form.is_valid():
        found = search.search_identifier(
            actor=request.user,
            value=identifier_form.cleaned_data["value"],
            kind=identifier_form.cleaned_data["kind"],
            request=request,
        )
    return _list_page(
        request,
        {
            "form": _filter_form(None),
            "identifier_form": identifier_form,
            "identifier_search": True,
            "rows": _rows(request.user, found or []),
            "found": found,
            "limit": search.IDENTIFIER_RESULTS,
        },
    )


@require_POST
@login_required
def incident_export(request: HttpRequest) -> HttpResponseBase:
    """Download the list as filtered (partners' records de-identified); an audit event."""
    filters = search.ListFilters.from_form(_filter_form(request.POST))
    name = request.POST.get("format", "csv")
    if name not in EXPORT_FORMATS:
        messages.error(request, _("Choose one of the formats offered."))
        return _back_to_list(filters)
    exporter = exporters.get(name)
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115 - the response owns it
    try:
        export_incidents(
            actor=request.user, format=name, out=spool, filters=filters.export_filters(request.user)
        )
    except ExportRefused:
        spool.close()
        messages.error(request, _("The export could not be made."))
        return _back_to_list(filters)
    spool.seek(0)
    response = FileResponse(spool, content_type=exporter.content_type)
    stamp = datetime.date.today().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="waypoint-incidents-{stamp}.{exporter.extension}"'
    )
    return response


def _back_to_list(filters: search.ListFilters) -> HttpResponseRedirect:
    query = filters.query_string()
    return HttpResponseRedirect(reverse("incident_list") + (f"?{query}" if query else ""))


# Saved filters ----------------------------------------------------------------------------------


@require_POST
@login_required
def saved_filter_create(request: HttpRequest) -> HttpResponse:
    filters = search.ListFilters.from_form(_filter_form(request.POST))
    form = search.SavedFilterForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the filter a name of at most 80 characters."))
        return _back_to_list(filters)
    try:
        saved = search.save_filter(
            actor=request.user, name=form.cleaned_data["name"], filters=filters
        )
    except search.SavedFilterRefused as refusal:
        messages.error(request, str(refusal))
        return _back_to_list(filters)
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return _back_to_list(filters)


@require_POST
@login_required
def saved_filter_delete(request: HttpRequest, filter_id: Any) -> HttpResponse:
    saved = search.SavedFilter.objects.of(request.user).filter(public_id=filter_id).first()
    if saved is None:
        raise Http404("No such filter.")
    search.delete_filter(actor=request.user, saved=saved)
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return HttpResponseRedirect(reverse("incident_list"))


# One record -------------------------------------------------------------------------------------


@require_GET
@login_required
def incident_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    incident = get_incident_for(request.user, public_id)
    view = incident_view(request.user, incident)
    stages = _stage_history(incident, view.as_owner, view.coarsened)
    return render(
        request,
        "cases/incident_detail.html",
        {
            "view": view,
            # Editing is for the owner's recorders; other members read the history only.
            "may_edit": view.as_owner
            and bool(roles_in(request.user, incident.owner) & RECORDING_ROLES),
            "route": _route_summary(view),
            "label_name": search.LABEL_NAMES.get(incident.label, incident.label),
            "status_history": _status_history(incident, view.as_owner, view.coarsened),
            "persons": [(person, stages.get(person.public_id, [])) for person in view.persons],
            "label_history": _label_history(incident) if view.as_owner else [],
            "shared_with": list(incident.shared_with.order_by("code")) if view.as_owner else [],
        },
    )


def _route_summary(view: Any) -> list[str]:
    """The countries of the route in order: where the first leg leaves, then each arrival."""
    countries: list[str] = []
    for leg in view.legs:
        values = {field.name: field.value for field in leg}
        for name in ("from_country", "to_country") if not countries else ("to_country",):
            country = values.get(name, "—")
            if not countries or countries[-1] != country:  # a leg within one country
                countries.append(country)
    return countries


def _status_history(incident: Incident, as_owner: bool, coarsen: bool) -> list[dict[str, Any]]:
    """The status changes as this viewer may see them: who made them, and the reason (withheld
    until revealed), only for the owner."""
    changes = (
        incident.status_history.select_related("actor")
        if as_owner
        else incident.status_history.all()
    )
    return [_history_row(change, as_owner, coarsen) for change in changes]


def _history_row(change: IncidentStatusChange, as_owner: bool, coarsen: bool) -> dict[str, Any]:
    shown = {
        field.name: field
        for field in fields_of(change, as_owner, coarsen, target=f"status:{change.public_id}")
    }
    return {
        "at": change.at,
        "from": change.get_from_status_display() if change.from_status else "",
        "to": change.get_to_status_display(),
        "actor": change.actor.get_username() if as_owner and change.actor else "",
        # An empty reason has nothing to reveal.
        "reason": shown.get("reason") if change.reason else None,
    }


def _stage_history(incident: Incident, as_owner: bool, coarsen: bool) -> dict[str, list[Any]]:
    """Each offender's criminal-justice steps, by the person's public id (one query)."""
    offenders = incident.persons.filter(role="offender").prefetch_related("offender__stage_history")
    history: dict[str, list[Any]] = {}
    for person in offenders:
        offender = getattr(person, "offender", None)
        if offender is not None:
            history[str(person.public_id)] = [
                _stage_row(step, as_owner, coarsen) for step in offender.stage_history.all()
            ]
    return history


def _stage_row(step: Any, as_owner: bool, coarsen: bool) -> dict[str, Any]:
    shown = {
        field.name: field
        for field in fields_of(step, as_owner, coarsen, target=f"stage:{step.public_id}")
    }
    effective = shown.get("effective_on")
    return {
        "stage": step.get_to_stage_display(),
        "effective_on": effective.value if effective else "—",
        # An empty note has nothing to reveal.
        "note": shown.get("note") if step.note else None,
    }


def _label_history(incident: Incident) -> list[Any]:
    """Requests to change who may see the record: for the owner only."""
    return list(
        incident.label_changes.select_related("requested_by", "decided_by").prefetch_related(
            "partners_added"
        )
    )


# Revealing one protected value ------------------------------------------------------------------

CLASS_NOTES = {
    FieldClass.PERSONAL: gettext_lazy("personal data"),
    FieldClass.RESTRICTED: gettext_lazy("restricted intelligence"),
    FieldClass.FIREWALLED: gettext_lazy("firewalled: never leaves your organisation"),
}


def _describe(row: Any, field: str) -> str:
    """What is about to be revealed, in words: the kind of an identifier or selector, else the
    field's name."""
    if isinstance(row, PersonIdentifier):
        return catalogue.term_label("identifier_kind", row.kind)
    if isinstance(row, Selector):
        return _("%(kind)s (selector)") % {"kind": catalogue.term_label("selector_kind", row.kind)}
    if isinstance(row, IncidentStatusChange):
        return _("reason for the status change")
    if field == "note":
        return _("note on the criminal-justice stage")
    return str(getattr(row._meta.get_field(field), "verbose_name", field))


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
    field_class = type(row).field_classes[field]  # type: ignore[attr-defined]
    context = {
        "incident": incident,
        "label": _describe(row, field),
        "class_note": CLASS_NOTES.get(field_class, ""),
        "target": target,
        "field": field,
    }
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
        return render(request, "cases/revealed.html", {**context, "value": value})
    return render(request, "cases/reveal.html", {**context, "form": form})
