"""The audit page: the events a user may read, newest first, filtered and paginated."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from waypoint.audit.access import audited_organisations, may_read_audit_log
from waypoint.audit.forms import EventFilter
from waypoint.audit.log import Target, record
from waypoint.audit.models import Action, AuditEvent

PAGE_SIZE = 50

#: The kinds of record events are about, as readers see them; an unlisted kind shows its code.
RECORD_KINDS = {
    "incident": _("incident"),
    "person": _("person"),
    "user": _("user"),
    "organisation": _("organisation"),
    "key": _("encryption key"),
    "export": _("export"),
    "audit_log": _("audit log"),
    "api_token": _("API token"),
    "privacy_spend": _("privacy budget spending"),
}


@require_GET
def events(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_read_audit_log(request.user):
        raise Http404("No page matches the given query.")
    form = EventFilter(request.GET)
    visible = AuditEvent.objects.visible_to(request.user).order_by("-sequence")
    page = None
    if form.is_valid():
        page = Paginator(form.apply(visible), PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = list(page.object_list)  # read before this view is itself recorded
        for event in page.object_list:
            kind = RECORD_KINDS.get(event.target_type, event.target_type)
            event.record_kind = kind  # type: ignore[attr-defined]
    _record_view(request)
    return render(request, "audit/events.html", {"form": form, "page": page})


def _record_view(request: HttpRequest) -> None:
    """Who reads the audit log is itself recorded."""
    audited = audited_organisations(request.user)
    record(
        actor=request.user,
        action=Action.AUDIT_VIEW,
        organisation=audited[0] if len(audited) == 1 else None,
        target=Target("audit_log"),
        request=request,
    )
