"""Session rules, the two-factor requirement and Cache-Control for the staff site."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from waypoint.web import sessions, twofactor

Handler = Callable[[HttpRequest], HttpResponse]


class SessionRulesMiddleware:
    """End sessions that were idle too long, are too old, or whose user was disabled or removed.

    Must come after AuthenticationMiddleware and MessageMiddleware.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            self._check(request)
        elif SESSION_KEY in request.session:
            # Django answers an anonymous user for a disabled or deleted account; end the session.
            request.session.flush()
        return self.get_response(request)

    @staticmethod
    def _check(request: HttpRequest) -> None:
        if not sessions.is_stamped(request):
            # Signed in by a path that did not stamp the session (e.g. a test client's login).
            sessions.start(request)
        elif sessions.is_expired(request):
            logout(request)
            messages.info(request, _("Your session has ended. Please sign in again."))
        else:
            sessions.touch(request)


class TwoFactorMiddleware:
    """Hold a session that has not passed a second factor to what it may do.

    A user who has a device but whose session was not confirmed by it is signed out. Where two-factor
    sign-in is required, a user without a device reaches only the enrolment page (and signing out).
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and not twofactor.is_verified(user):
            if twofactor.has_device(user):
                logout(request)
                return redirect_to_login(request.get_full_path())
            if twofactor.required() and request.path not in self.open_paths():
                return self.to_enrolment(request)
        return self.get_response(request)

    @staticmethod
    def open_paths() -> set[str]:
        return {reverse("two-factor"), reverse("logout"), reverse("set_language")}

    @staticmethod
    def to_enrolment(request: HttpRequest) -> HttpResponse:
        url = reverse("two-factor")
        if request.method == "GET" and request.path != reverse("home"):
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(url)


class NoStoreMiddleware:
    """Keep pages out of browser and proxy caches: every page of a signed-in user, and every
    other page that does not say otherwise (sign-in pages included)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated or not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        if "no-store" in response.get("Cache-Control", ""):
            response["Pragma"] = "no-cache"  # for HTTP/1.0 caches
        return response


class AllowedMethodsMiddleware:
    """Refuse every HTTP method the staff site does not use (PUT, DELETE, PATCH, TRACE…) with
    405 before any view runs, so no view can answer one by accident. The REST API, which has
    its own methods, lives under ``/api/``."""

    ALLOWED = frozenset({"GET", "HEAD", "POST", "OPTIONS"})

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in self.ALLOWED and not request.path.startswith("/api/"):
            return HttpResponseNotAllowed(sorted(self.ALLOWED - {"OPTIONS"}))
        return self.get_response(request)
