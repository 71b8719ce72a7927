"""The returns pages, under /returns/: the list of what the user may read, one return, the
figures form of a draft, the steps of the workflow (submit, approve or send back, revise), and
the downloads of one return's figures and of the list.

Every return is found through ``Return.objects.visible_to``: a return the user may not read
answers exactly like one that does not exist. Changing one is for the recorders of its
organisation; to its other members it is forbidden, and to anyone else the page does not exist.
Every change goes through ``returns.actions``, which checks the roles again and writes the
audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from waypoint.orgs.access import AccessDenied, member_organisations
from waypoint.orgs.models import Organisation
from waypoint.returns import actions, exports, prefill
from waypoint.returns.entry import FiguresEntry, rearranged, stored_data
from waypoint.returns.exports import ExportFile
from waypoint.returns.forms import (
    DecisionForm,
    ExportForm,
    NewReturnForm,
    RevisionForm,
    kind_label,
)
from waypoint.returns.models import (
    Indicator,
    Questionnaire,
    ReportingCommunity,
    Return,
    ReturnQuerySet,
    Status,
)
from waypoint.returns.opening import periods_note
from waypoint.returns.periods import PeriodError
from waypoint.returns.presentation import (
    Member,
    awaits_approval_by,
    by_period,
    closed_periods,
    described,
    get_return_for,
    laid_out,
    memberships,
    questionnaire_items,
    versions,
)
from waypoint.returns.validation import Severity

ORIGIN = "entered"


# The list ----------------------------------------------------------------------------------------


@require_GET
@login_required
def return_list(request: HttpRequest) -> HttpResponse:
    """The user's organisations' returns, every version; the other organisations' submitted
    returns the user may read, by period; and the periods still closed to them. A query
    string fills in the download form (and shows what was wrong with it)."""
    context = _list_context(request.user)
    export_form = ExportForm(
        request.GET or None,
        questionnaires=context.pop("questionnaires"),
        organisations=context.pop("readable"),
    )
    if export_form.is_bound:
        export_form.is_valid()
    return render(request, "returns/list.html", context | {"export_form": export_form})


def _list_context(user: Any) -> dict[str, Any]:
    members = memberships(user)
    visible = Return.objects.visible_to(user)
    own = list(
        visible.filter(organisation_id__in=list(members))
        .select_related("organisation", "questionnaire", "submitted_by")
        .order_by("-period", "questionnaire__code", "organisation__code", "-version")
    )
    others = list(
        visible.exclude(organisation_id__in=list(members))
        .current()
        .select_related("organisation", "questionnaire")
        .order_by("-period", "questionnaire__code", "organisation__code")
    )
    communities = list(
        ReportingCommunity.objects.filter(
            pk__in=ReportingCommunity.objects.filter(members__in=list(members)).values("pk")
        )
        .annotate(size=Count("members"))
        .order_by("name")
    )
    recording = _recording(members)
    questionnaires = list(Questionnaire.objects.order_by("code"))
    readable = {member.organisation.code: member.organisation for member in members.values()}
    readable |= {ret.organisation.code: ret.organisation for ret in [*own, *others]}
    return {
        "own": own,
        "several": len(members) > 1,
        "member": bool(members),
        "awaiting": [r for r in own if awaits_approval_by(user, r, members.get(r.organisation_id))],
        "others": by_period(others),
        "closed": closed_periods(own, max((c.window for c in communities), default=0))
        if communities
        else [],
        "communities": communities,
        "form": _new_form(recording, questionnaires=questionnaires) if recording else None,
        "questionnaires": questionnaires,
        "readable": [readable[code] for code in sorted(readable)],
    }


@require_GET
@login_required
def return_list_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The returns the user may read, every version, with their figures (one row per figure),
    narrowed by the download form's choices; recorded in the audit log."""
    visible = Return.objects.visible_to(request.user)
    own = [org.pk for org in member_organisations(request.user)]
    readable = Organisation.objects.filter(
        Q(pk__in=visible.values("organisation_id")) | Q(pk__in=own)
    ).order_by("code")
    form = ExportForm(
        request.GET,
        questionnaires=list(Questionnaire.objects.order_by("code")),
        organisations=list(readable),
    )
    if not form.is_valid():
        messages.error(request, _("The returns were not downloaded: correct the choices below."))
        return redirect(reverse("returns") + "?" + request.GET.urlencode() + "#export-heading")
    exported = exports.export_returns(actor=request.user, format=fmt, filters=form.filters)
    return _attachment(exported)


def _attachment(exported: ExportFile) -> HttpResponse:
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.name}"'
    return response


def _recording(members: dict[int, Member]) -> list[Organisation]:
    return [member.organisation for member in members.values() if member.records]


def _new_form(
    recording: list[Organisation],
    data: QueryDict | None = None,
    questionnaire: str = "",
    questionnaires: list[Questionnaire] | None = None,
) -> NewReturnForm:
    if questionnaires is None:
        questionnaires = list(Questionnaire.objects.order_by("code"))
    form = NewReturnForm(data, organisations=recording, questionnaires=questionnaires)
    if questionnaire in form.questionnaires:
        form.fields["questionnaire"].initial = questionnaire
    return form


@require_http_methods(["GET", "POST"])
@login_required
def return_new(request: HttpRequest) -> HttpResponse:
    """Start a draft for a questionnaire and period (reporting officers and administrators)."""
    recording = _recording(memberships(request.user))
    if not recording:
        raise PermissionDenied(_("You do not record returns for an organisation."))
    form = _new_form(
        recording,
        request.POST if request.method == "POST" else None,
        request.GET.get("questionnaire", ""),
    )
    if form.is_bound and form.is_valid():
        try:
            ret = actions.start(
                actor=request.user,
                organisation=form.chosen_organisation,
                questionnaire=form.chosen_questionnaire,
                period=form.cleaned_data["period"],
                origin=ORIGIN,
            )
        except (actions.ReturnRefused, PeriodError) as refused:
            form.add_error("period", str(refused))
        else:
            messages.success(
                request,
                _("The draft return of %(organisation)s for %(period)s was started.")
                % {"organisation": ret.organisation.code, "period": ret.period},
            )
            return redirect("return_edit", return_id=ret.public_id)
    return render(request, "returns/new.html", _new_context(request.user, form, recording))


def _new_context(user: Any, form: NewReturnForm, recording: list[Organisation]) -> dict[str, Any]:
    """The form, and the note on the chosen questionnaire's periods: what the user's
    organisations and, counted, their partners have submitted."""
    chosen = form["questionnaire"].value() or ""
    questionnaire = form.questionnaires.get(chosen) or next(
        iter(form.questionnaires.values()), None
    )
    note = periods_note(user, questionnaire, recording) if questionnaire else None
    others = [q for q in form.questionnaires.values() if q != questionnaire]
    return {"form": form, "note": note, "other_questionnaires": others}


# One return --------------------------------------------------------------------------------------


@require_GET
@login_required
def return_figures(request: HttpRequest, return_id: Any, fmt: str) -> HttpResponse:
    """One return's figures in the native import layout, as CSV or XLSX: the file imports back
    unchanged. Recorded in the audit log."""
    exported = exports.export_return(actor=request.user, return_id=return_id, format=fmt)
    return _attachment(exported)


def _found(request: HttpRequest, return_id: Any) -> tuple[Return, ReturnQuerySet, Member | None]:
    visible = Return.objects.visible_to(request.user)
    ret = get_return_for(visible, return_id)
    return ret, visible, memberships(request.user).get(ret.organisation_id)


def _recorded(request: HttpRequest, return_id: Any) -> tuple[Return, ReturnQuerySet, Member]:
    """A return to change: for its organisation's recorders; forbidden to its other members; to
    anyone else who may read it, the page does not exist."""
    ret, visible, member = _found(request, return_id)
    if member is None:
        raise Http404("No return matches the given query.")
    if not member.records:
        raise PermissionDenied(_("Only reporting officers of the organisation change its returns."))
    return ret, visible, member


@require_GET
@login_required
def return_detail(request: HttpRequest, return_id: Any) -> HttpResponse:
    ret, visible, member = _found(request, return_id)
    return _detail(request, ret, visible, member)


def _detail(
    request: HttpRequest,
    ret: Return,
    visible: ReturnQuerySet,
    member: Member | None,
    revision_form: RevisionForm | None = None,
) -> HttpResponse:
    history = versions(visible, ret)
    # The checks speak to the organisation while the return is in the works.
    found = actions.findings(ret) if member and ret.status != Status.SUBMITTED else []
    parts = laid_out(
        questionnaire_items(ret.questionnaire), ret.values.select_related("indicator"), found
    )
    records = member is not None and member.records
    checks = described(found, parts)
    context = {
        "ret": ret,
        "member": member is not None,
        "records": records,
        "parts": parts,
        "errors": [check for check in checks if check.is_error],
        "warnings": [check for check in checks if not check.is_error],
        "checked": member is not None and ret.status != Status.SUBMITTED,
        "history": history,
        "kind": kind_label(ret.questionnaire),
        "awaits_me": awaits_approval_by(request.user, ret, member),
        "submitted_by_me": ret.submitted_by_id == request.user.pk,
        "revision": _revision(ret, history) if records else None,
        "revision_form": revision_form or RevisionForm(),
    }
    return render(request, "returns/detail.html", context)


def _revision(ret: Return, history: list[Return]) -> dict[str, Any] | None:
    """What revising this version means now: possible (the latest submitted, nothing in the
    works), or a version that is in the works already or replaces it."""
    if ret.status != Status.SUBMITTED:
        return None
    later = [version for version in history if version.version > ret.version]
    if not later:
        return {"possible": True}
    return {"possible": False, "later": later[0]}


@require_http_methods(["GET", "POST"])
@login_required
def return_edit(request: HttpRequest, return_id: Any) -> HttpResponse:
    """The figures of a draft, indicator by indicator; saving keeps whatever was typed."""
    ret, _visible, _member = _recorded(request, return_id)
    if not ret.editable:
        messages.info(request, _("Only a draft can be changed; revise a submitted return."))
        return redirect("return_detail", return_id=ret.public_id)
    items = _entry_items(ret)
    indicators = {indicator.code: indicator for _number, indicator in items}
    action = request.POST.get("action", "")
    if request.method == "GET":
        entry = FiguresEntry(stored_data(indicators.values(), ret.values.all()), items=items)
        entry.place(actions.findings(ret))
        return _edit_page(request, ret, entry)
    moved = rearranged(request.POST, action, indicators)
    entry = FiguresEntry(moved[0] if moved else request.POST, items=items)
    if moved is not None:
        entry.set_focus(moved[1])
        return _edit_page(request, ret, entry)
    if action not in ("save", "save-submit"):
        return _edit_page(request, ret, entry)
    return _save(request, ret, entry, submit=action == "save-submit")


def _entry_items(ret: Return) -> list[tuple[str, Indicator]]:
    """The questionnaire's indicators with their numbers, then any indicator the draft gives
    figures for that the questionnaire does not ask for (kept, so that saving loses nothing)."""
    items = [(item.number, item.indicator) for item in questionnaire_items(ret.questionnaire)]
    asked = {indicator.pk for _number, indicator in items}
    extra = Indicator.objects.filter(
        pk__in=ret.values.exclude(indicator_id__in=asked).values("indicator_id")
    )
    return items + [("", indicator) for indicator in extra.order_by("code")]


def _save(request: HttpRequest, ret: Return, entry: FiguresEntry, *, submit: bool) -> HttpResponse:
    entries = entry.entries()
    if entries is None:
        return _edit_page(request, ret, entry)
    try:
        found = actions.set_figures(actor=request.user, ret=ret, entries=entries)
    except actions.ReturnRefused as refused:
        if not refused.findings:
            messages.error(request, str(refused))
            return redirect("return_detail", return_id=ret.public_id)
        entry.place(refused.findings)
        return _edit_page(request, ret, entry, refused=str(refused))
    errors = sum(1 for finding in found if finding.severity is Severity.ERROR)
    messages.success(request, _saved_message(errors, len(found) - errors))
    if submit:
        return _submit(request, ret)
    return redirect("return_edit", return_id=ret.public_id)


def _saved_message(errors: int, warnings: int) -> str:
    if not errors and not warnings:
        return _("The figures were saved. The checks found no problem.")
    return _("The figures were saved. The checks found %(errors)s and %(warnings)s.") % {
        "errors": ngettext("%(count)s error", "%(count)s errors", errors) % {"count": errors},
        "warnings": ngettext("%(count)s warning", "%(count)s warnings", warnings)
        % {"count": warnings},
    }


def _edit_page(
    request: HttpRequest, ret: Return, entry: FiguresEntry, refused: str = ""
) -> HttpResponse:
    errors, warnings = entry.counts()
    derivable = [
        block.indicator for block in entry.indicators if prefill.derivable(block.indicator)
    ]
    context = {
        "derivable": derivable,
        "ret": ret,
        "entry": entry,
        "summary": entry.summary() if entry.checked else [],
        "findings": entry.findings_summary(),
        "errors": errors,
        "warnings": warnings,
        "refused": refused,
        "kind": kind_label(ret.questionnaire),
    }
    return render(request, "returns/edit.html", context)


@require_POST
@login_required
def return_prefill(request: HttpRequest, return_id: Any) -> HttpResponse:
    """Replace the draft's figures with what the organisation's own incident records give for
    the period; each figure says how it was derived, for the officer to confirm or correct."""
    ret, _visible, _member = _recorded(request, return_id)
    try:
        found = prefill.fill(actor=request.user, ret=ret)
    except actions.ReturnRefused as refused:
        messages.error(request, str(refused))
        return redirect("return_detail", return_id=ret.public_id)
    errors = sum(1 for finding in found if finding.severity is Severity.ERROR)
    messages.success(
        request,
        _("The figures were filled in from your organisation's records: check each one.")
        + " "
        + _saved_message(errors, len(found) - errors),
    )
    return redirect("return_edit", return_id=ret.public_id)


# The workflow ------------------------------------------------------------------------------------


@require_POST
@login_required
def return_submit(request: HttpRequest, return_id: Any) -> HttpResponse:
    """Send the draft for approval by a second member; refused while the checks find errors."""
    ret, _visible, _member = _recorded(request, return_id)
    return _submit(request, ret)


def _submit(request: HttpRequest, ret: Return) -> HttpResponse:
    try:
        found = actions.submit(actor=request.user, ret=ret)
    except actions.ReturnRefused as refused:
        messages.error(request, str(refused))
        target = "return_edit" if refused.findings else "return_detail"
        return redirect(target, return_id=ret.public_id)
    text = _("The return was submitted. Another reporting officer of %(organisation)s approves it.")
    if found:
        text += " " + ngettext(
            "Mind the warning the checks found.", "Mind the warnings the checks found.", len(found)
        )
    messages.success(request, text % {"organisation": ret.organisation.code})
    return redirect("return_detail", return_id=ret.public_id)


@require_POST
@login_required
def return_decide(request: HttpRequest, return_id: Any) -> HttpResponse:
    """The second pair of eyes: approve the submission, or send it back to its drafters."""
    ret, _visible, _member = _recorded(request, return_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve the return or send it back."))
        return redirect("return_detail", return_id=ret.public_id)
    try:
        if form.approve:
            actions.approve(actor=request.user, ret=ret)
        else:
            actions.send_back(actor=request.user, ret=ret)
    except AccessDenied as denied:
        messages.error(request, str(denied))
    except actions.ReturnRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _decided_message(form.approve))
    return redirect("return_detail", return_id=ret.public_id)


def _decided_message(approved: bool) -> str:
    if approved:
        return _(
            "The return was approved. It is final now, and the members of your reporting "
            "communities who submitted for the period may read it."
        )
    return _("The return was sent back. It is a draft again.")


@require_POST
@login_required
def return_revise(request: HttpRequest, return_id: Any) -> HttpResponse:
    """Start a new version of a submitted return, with the reason, to correct it."""
    ret, visible, member = _recorded(request, return_id)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, ret, visible, member, revision_form=form)
    try:
        revision = actions.revise(actor=request.user, ret=ret, reason=form.cleaned_data["reason"])
    except actions.ReturnRefused as refused:
        messages.error(request, str(refused))
        return redirect("return_detail", return_id=ret.public_id)
    messages.success(
        request,
        _("Version %(version)s was started from version %(previous)s: correct its figures.")
        % {"version": revision.version, "previous": ret.version},
    )
    return redirect("return_edit", return_id=revision.public_id)
