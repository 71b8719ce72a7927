"""Signing in: a password, then a code for a user who has two-factor sign-in.

Throttling is django-axes's: failed passwords and failed codes count against the pair of user name
and address, and a throttled attempt gets the same page as any refused one, whether the user
exists or not. Between the two steps the session holds only who passed the password step, for a
few minutes; the user is signed in (and the session key changes) once the code is accepted.
"""

from __future__ import annotations

import time
from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.models import Device

from waypoint.web import sessions, twofactor
from waypoint.web.forms import CodeForm, LoginForm

PENDING = "waypoint.sign_in.pending"
#: How long the code may take after the password was accepted.
CODE_SECONDS = 5 * 60


def refused_message() -> str:
    # Django's own wording, so that its translations apply.
    return _(
        "Please enter a correct %(username)s and password. Note that both "
        "fields may be case-sensitive."
    ) % {"username": get_user_model()._meta.get_field("username").verbose_name}


def throttled_message() -> str:
    return _("Too many failed attempts. Please try again later.")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    then = next_url(request)
    if request.user.is_authenticated:
        return redirect(then)
    form = LoginForm(request.POST if request.method == "POST" else None)
    if not form.is_bound:
        return _login_page(request, form, then)
    if form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        if user is not None:
            return _password_accepted(request, user, then)
    return _login_page(request, form, then, _refusal(request))


@sensitive_post_parameters("code")
@csrf_protect
@never_cache
def login_code(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    user = _pending_user(pending)
    if pending is None or user is None:
        request.session.pop(PENDING, None)
        return redirect("login")
    credentials = {"username": user.get_username()}
    if not AxesProxyHandler.is_allowed(request, credentials):
        return _start_again(request, pending, throttled_message())
    form = CodeForm(request.POST if request.method == "POST" else None)
    if form.is_bound:
        device = twofactor.verify(user, form.cleaned_data["code"]) if form.is_valid() else None
        if device is not None:
            return _code_accepted(request, user, pending, device)
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
        if getattr(request, "axes_locked_out", False):
            return _start_again(request, pending, throttled_message())
        form.errors.clear()
        form.add_error("code", _("This code is not valid. Enter the current code from your app."))
    return render(request, "web/login_code.html", {"form": form})


def throttled_response(
    request: HttpRequest, response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes's answer to a throttled attempt: the page the view already made."""
    if isinstance(response, HttpResponse):
        return response
    return _login_page(request, LoginForm(), next_url(request), throttled_message())


def _password_accepted(request: HttpRequest, user: Any, then: str) -> HttpResponse:
    if twofactor.has_device(user):
        request.session.cycle_key()
        request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "next": then,
        }
        return redirect("login-code")
    _sign_in(request, user, user.backend, None)
    return redirect(then)


def _code_accepted(
    request: HttpRequest, user: Any, pending: dict[str, Any], device: Device
) -> HttpResponse:
    del request.session[PENDING]
    _sign_in(request, user, pending["backend"], device)
    if twofactor.is_recovery_device(device):
        left = twofactor.recovery_codes_left(user)
        messages.warning(
            request,
            _(
                "You signed in with a recovery code; %(left)d are left. "
                "Get new codes on your account page if you are running out."
            )
            % {"left": left},
        )
    return redirect(pending["next"])


def _sign_in(request: HttpRequest, user: Any, backend: str, device: Device | None) -> None:
    """Sign the user in: a new session key, the device that confirmed it, and the session stamps."""
    auth_login(request, user, backend=backend)
    if device is not None:
        django_otp.login(request, device)
    sessions.start(request)


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > CODE_SECONDS:
        return None
    return pending


def _pending_user(pending: dict[str, Any] | None) -> Any:
    if pending is None or pending.get("backend") not in settings.AUTHENTICATION_BACKENDS:
        return None
    return get_user_model()._default_manager.filter(pk=pending["user"], is_active=True).first()


def _start_again(request: HttpRequest, pending: dict[str, Any], error: str) -> HttpResponse:
    request.session.pop(PENDING, None)
    return _login_page(request, LoginForm(), pending["next"], error)


def _refusal(request: HttpRequest) -> str:
    return throttled_message() if getattr(request, "axes_locked_out", False) else refused_message()


def _login_page(
    request: HttpRequest, form: LoginForm, then: str, error: str | None = None
) -> HttpResponse:
    return render(request, "web/login.html", {"form": form, "next": then, "error": error})


def next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if safe else settings.LOGIN_REDIRECT_URL
