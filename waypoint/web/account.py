"""The account page: organisations and roles, password, two-factor sign-in, active sessions."""

from __future__ import annotations

from typing import Any

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from waypoint.audit.log import record
from waypoint.audit.models import Action
from waypoint.orgs.models import Membership
from waypoint.web import actions, sessions, twofactor
from waypoint.web.forms import CodeForm, PasswordConfirmForm
from waypoint.web.models import UserSession
from waypoint.web.signin import next_url, throttled_message


@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    memberships = (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__code", "role")
    )
    listed = UserSession.objects.filter(user=user).active()
    return render(
        request,
        "web/account.html",
        {
            "memberships": memberships,
            "two_factor": twofactor.has_device(user),
            "two_factor_required": twofactor.required(),
            "recovery_codes_left": twofactor.recovery_codes_left(user),
            "sessions": listed,
            "current_session": request.session.session_key,
            "idle_minutes": settings.WAYPOINT_SESSION_IDLE_SECONDS // 60,
        },
    )


@sensitive_post_parameters()
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    form = PasswordChangeForm(user, request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        with transaction.atomic():
            form.save()
            record(actor=user, action=Action.PASSWORD_CHANGED, target=user, request=request)
        # Keeps this session (under a new key); the user's other sessions end.
        update_session_auth_hash(request, form.user)
        sessions.record(request)
        messages.success(request, _("Your password was changed. Your other sessions have ended."))
        return redirect("account")
    return render(request, "web/password_change.html", {"form": form})


@sensitive_post_parameters("code")
@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app, or, once enrolled, show the status and what can be changed."""
    user = request.user
    if twofactor.has_device(user):
        return _status_page(request, PasswordConfirmForm())
    device = twofactor.unconfirmed_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        codes = actions.confirm_totp_device(
            actor=user, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            django_otp.login(request, device)
            _new_session_key(request)
            return _recovery_codes_page(request, codes, next_url(request))
    if form.is_bound:
        form.errors.clear()
        form.add_error(
            "code",
            _("This code is not valid. Check the time on your phone and enter the current code."),
        )
    return render(
        request,
        "web/two_factor_enrol.html",
        {
            "form": form,
            "qr_code": twofactor.qr_code(device),
            "secret": twofactor.secret(device),
            "required": twofactor.required(),
            "next": next_url(request),
        },
    )


@require_POST
@sensitive_post_parameters("password")
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST)
    if not twofactor.has_device(request.user):
        return redirect("two-factor")
    if not _password_confirmed(request, form):
        return _status_page(request, form)
    codes = actions.replace_recovery_codes(actor=request.user)
    return _recovery_codes_page(request, codes, reverse("account"))


@require_POST
@sensitive_post_parameters("password")
@login_required
def remove_two_factor(request: HttpRequest) -> HttpResponse:
    form = PasswordConfirmForm(request.POST)
    if not _password_confirmed(request, form):
        return _status_page(request, form)
    actions.remove_two_factor(actor=request.user)
    actions.end_sessions(actor=request.user, keep=request.session.session_key)
    messages.success(
        request, _("Two-factor sign-in was removed and your other sessions have ended.")
    )
    return redirect("two-factor")


@require_POST
@login_required
def end_sessions(request: HttpRequest) -> HttpResponse:
    """End one listed session (``session`` = its number) or every other one (``session=others``)."""
    choice = request.POST.get("session", "")
    if choice != "others" and not choice.isdigit():
        return redirect("account")
    count = actions.end_sessions(
        actor=request.user,
        keep=request.session.session_key,
        only=int(choice) if choice.isdigit() else None,
    )
    messages.success(request, _("Sessions ended: %(count)d.") % {"count": count})
    return redirect("account")


def _status_page(request: HttpRequest, form: PasswordConfirmForm) -> HttpResponse:
    return render(
        request,
        "web/two_factor.html",
        {
            "form": form,
            "recovery_codes_left": twofactor.recovery_codes_left(request.user),
            "required": twofactor.required(),
        },
    )


def _recovery_codes_page(request: HttpRequest, codes: list[str], then: str) -> HttpResponse:
    return render(request, "web/recovery_codes.html", {"codes": codes, "next": then})


def _password_confirmed(request: HttpRequest, form: PasswordConfirmForm) -> bool:
    """Check the password again, through the same throttling as signing in."""
    if not form.is_valid():
        return False
    user: Any = authenticate(
        request, username=request.user.get_username(), password=form.cleaned_data["password"]
    )
    if user is None or user.pk != request.user.pk:
        throttled = getattr(request, "axes_locked_out", False)
        form.add_error(
            "password", throttled_message() if throttled else _("This password is not correct.")
        )
        return False
    return True


def _new_session_key(request: HttpRequest) -> None:
    """A session that gains a second factor gets a new key; the user's other sessions end."""
    request.session.cycle_key()
    sessions.record(request)
    actions.end_sessions(actor=request.user, keep=request.session.session_key)
