"""Organisation administration: members and roles, partners, and the four-eyes approvals.

Only administrators of an organisation reach its pages; to anyone else an organisation's pages
answer as if they did not exist. Every change goes through an action that checks the actor's
role again and writes the audit event.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.cases.actions import decide_label_change
from waypoint.cases.models import Incident, LabelChangeStatus
from waypoint.lib.workflow import TransitionError
from waypoint.orgs import actions
from waypoint.orgs.access import AccessDenied, get_incident_for
from waypoint.orgs.forms import (
    AddMemberForm,
    DecisionForm,
    MemberRolesForm,
    NewMemberForm,
    PartnerForm,
)
from waypoint.orgs.models import Membership, Organisation, Role, SharingAgreement

NOT_FOUND = "No page matches the given query."


def administered(user: Any) -> Any:
    """The active organisations the user administers."""
    if not (user.is_authenticated and user.is_active):
        return Organisation.objects.none()
    return Organisation.objects.active().filter(
        memberships__user=user, memberships__role=Role.ORG_ADMIN
    )


def _organisation(request: HttpRequest, code: str) -> Organisation:
    organisation = administered(request.user).filter(code=code).first()
    if organisation is None:
        raise Http404(NOT_FOUND)
    return organisation


@require_GET
@login_required
def org_admin(request: HttpRequest) -> HttpResponse:
    """The organisations the user administers; with one, its members page."""
    organisations = list(administered(request.user))
    if not organisations:
        raise Http404(NOT_FOUND)
    if len(organisations) == 1:
        return redirect("org_members", code=organisations[0].code)
    return render(request, "orgs/index.html", {"organisations": organisations})


# Members and roles


@require_GET
@login_required
def org_members(request: HttpRequest, code: str) -> HttpResponse:
    organisation = _organisation(request, code)
    return _members_page(request, organisation)


def _members_page(
    request: HttpRequest,
    organisation: Organisation,
    add_form: AddMemberForm | None = None,
    new_form: NewMemberForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "orgs/members.html",
        {
            "organisation": organisation,
            "members": _members(organisation),
            "add_form": add_form or AddMemberForm(prefix="add"),
            "new_form": new_form or NewMemberForm(prefix="new"),
            "section": "members",
        },
    )


def _members(organisation: Organisation) -> list[dict[str, Any]]:
    """Each member once, with the roles they hold, by user name."""
    roles: dict[Any, list[Any]] = defaultdict(list)
    users = {}
    memberships = Membership.objects.filter(organisation=organisation).select_related("user")
    for membership in memberships.order_by("user__username", "role"):
        users[membership.user_id] = membership.user
        roles[membership.user_id].append(Role(membership.role).label)
    return [{"user": user, "roles": roles[pk]} for pk, user in users.items()]


@require_POST
@login_required
def org_member_add(request: HttpRequest, code: str) -> HttpResponse:
    organisation = _organisation(request, code)
    form = AddMemberForm(request.POST, prefix="add")
    if not form.is_valid():
        return _members_page(request, organisation, add_form=form)
    user = form.cleaned_data["username"]
    held = Membership.objects.filter(user=user, organisation=organisation)
    roles = set(held.values_list("role", flat=True)) | set(form.cleaned_data["roles"])
    actions.set_member_roles(actor=request.user, user=user, organisation=organisation, roles=roles)
    messages.success(request, _("%(name)s is a member of %(org)s.") % _names(user, organisation))
    return redirect("org_members", code=organisation.code)


@require_POST
@login_required
def org_member_create(request: HttpRequest, code: str) -> HttpResponse:
    organisation = _organisation(request, code)
    form = NewMemberForm(request.POST, prefix="new")
    if not form.is_valid():
        return _members_page(request, organisation, new_form=form)
    try:
        user, password = actions.create_member(
            actor=request.user,
            organisation=organisation,
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            roles=form.cleaned_data["roles"],
        )
    except actions.UserExists:
        form.add_error("username", _("This user name is taken."))
        return _members_page(request, organisation, new_form=form)
    # Shown in this answer only (never in a message or a redirect): pages are not cached.
    return render(
        request,
        "orgs/member_created.html",
        {"organisation": organisation, "member": user, "password": password, "section": "members"},
    )


def _member(organisation: Organisation, username: str) -> tuple[Any, list[str]]:
    """A member of the organisation and the roles they hold; anyone else is not found."""
    user = get_user_model()._default_manager.filter(username=username).first()
    roles = list(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )
    if user is None or not roles:
        raise Http404(NOT_FOUND)
    return user, roles


@require_http_methods(["GET", "POST"])
@login_required
def org_member(request: HttpRequest, code: str, username: str) -> HttpResponse:
    organisation = _organisation(request, code)
    user, held = _member(organisation, username)
    form = MemberRolesForm(
        request.POST if request.method == "POST" else None, initial={"roles": held}
    )
    roles = form.cleaned_data["roles"] if form.is_bound and form.is_valid() else None
    if roles is not None and _change_roles(request, organisation, user, roles):
        messages.success(request, _("The roles of %(name)s were saved.") % _names(user))
        return redirect("org_members", code=organisation.code)
    return render(
        request,
        "orgs/member.html",
        {"organisation": organisation, "member": user, "form": form, "section": "members"},
    )


@require_POST
@login_required
def org_member_remove(request: HttpRequest, code: str, username: str) -> HttpResponse:
    organisation = _organisation(request, code)
    user, _held = _member(organisation, username)
    if _change_roles(request, organisation, user, []):
        messages.success(
            request, _("%(name)s is no longer a member of %(org)s.") % _names(user, organisation)
        )
        return redirect("org_members", code=organisation.code)
    return redirect("org_member", code=organisation.code, username=user.get_username())


def _change_roles(
    request: HttpRequest, organisation: Organisation, user: Any, roles: list[str]
) -> bool:
    try:
        actions.set_member_roles(
            actor=request.user, user=user, organisation=organisation, roles=roles
        )
    except actions.LastAdministrator:
        messages.error(
            request,
            _("%(org)s needs at least one administrator: give the role to someone else first.")
            % _names(user, organisation),
        )
        return False
    return True


def _names(user: Any, organisation: Organisation | None = None) -> dict[str, str]:
    return {"name": user.get_username(), "org": organisation.code if organisation else ""}


# Partners and sharing agreements


@require_http_methods(["GET", "POST"])
@login_required
def org_partners(request: HttpRequest, code: str) -> HttpResponse:
    organisation = _organisation(request, code)
    ours = list(
        SharingAgreement.objects.filter(owner=organisation)
        .select_related("partner", "created_by", "revoked_by")
        .order_by("revoked_at", "partner__code", "-created_at")
    )
    active = [agreement for agreement in ours if agreement.revoked_at is None]
    form = PartnerForm(
        request.POST if request.method == "POST" else None,
        owner=organisation,
        exclude=[agreement.partner_id for agreement in active],
    )
    if form.is_bound and form.is_valid():
        partner = form.cleaned_data["partner"]
        actions.add_partner(
            actor=request.user, owner=organisation, partner=partner, note=form.cleaned_data["note"]
        )
        messages.success(
            request,
            _("%(org)s now shares its TLP:AMBER records with %(partner)s.")
            % {"org": organisation.code, "partner": partner.code},
        )
        return redirect("org_partners", code=organisation.code)
    theirs = (
        SharingAgreement.objects.active()
        .filter(partner=organisation)
        .select_related("owner")
        .order_by("owner__code")
    )
    return render(
        request,
        "orgs/partners.html",
        {
            "organisation": organisation,
            "active": active,
            "revoked": [agreement for agreement in ours if agreement.revoked_at is not None],
            "theirs": theirs,
            "form": form,
            "section": "partners",
        },
    )


@require_POST
@login_required
def org_partner_revoke(request: HttpRequest, code: str, partner: str) -> HttpResponse:
    organisation = _organisation(request, code)
    agreement = (
        SharingAgreement.objects.active()
        .filter(owner=organisation, partner__code=partner)
        .select_related("owner", "partner")
        .first()
    )
    if agreement is None:
        raise Http404(NOT_FOUND)
    actions.revoke_partner(actor=request.user, agreement=agreement)
    messages.success(
        request,
        _("%(partner)s no longer sees the TLP:AMBER records of %(org)s.")
        % {"org": organisation.code, "partner": partner},
    )
    return redirect("org_partners", code=organisation.code)


# Four-eyes approvals


@require_GET
@login_required
def org_approvals(request: HttpRequest, code: str) -> HttpResponse:
    organisation = _organisation(request, code)
    return render(
        request,
        "orgs/approvals.html",
        {
            "organisation": organisation,
            "pending": _pending(request.user, organisation),
            "section": "approvals",
        },
    )


def _pending(user: Any, organisation: Organisation) -> list[dict[str, Any]]:
    """Widenings of the organisation's records that wait for a second person, among the
    records the administrator may see, oldest request first."""
    incidents = (
        Incident.objects.visible_to(user)
        .filter(owner=organisation, label_changes__status=LabelChangeStatus.PENDING)
        .prefetch_related("label_changes__partners_added", "label_changes__requested_by")
    )
    pending = []
    for incident in incidents:
        for change in incident.label_changes.all():
            if change.status == LabelChangeStatus.PENDING:
                own = change.requested_by_id == user.pk
                pending.append({"incident": incident, "change": change, "own": own})
    pending.sort(key=lambda item: (item["change"].requested_at, item["change"].pk))
    return pending


@require_POST
@login_required
def org_approval_decide(request: HttpRequest, code: str, record_id: uuid.UUID) -> HttpResponse:
    organisation = _organisation(request, code)
    incident = get_incident_for(request.user, record_id)
    if incident.owner_id != organisation.pk:
        raise Http404(NOT_FOUND)
    change = incident.label_changes.filter(status=LabelChangeStatus.PENDING).first()
    form = DecisionForm(request.POST)
    if change is None:
        messages.info(request, _("This change was decided already."))
    elif not form.is_valid():
        messages.error(request, _("Choose whether to approve or reject the change."))
    else:
        _decide(request, change, form)
    return redirect("org_approvals", code=organisation.code)


def _decide(request: HttpRequest, change: Any, form: DecisionForm) -> None:
    reference = change.incident.reference
    try:
        decide_label_change(
            actor=request.user, change=change, approve=form.approve, note=form.cleaned_data["note"]
        )
    except AccessDenied:
        messages.error(request, _("A change you asked for must be decided by someone else."))
    except TransitionError:
        messages.info(request, _("This change was decided already."))
    else:
        text = (
            _("The change of %(reference)s was approved.")
            if form.approve
            else _("The change of %(reference)s was rejected.")
        )
        messages.success(request, text % {"reference": reference})
