"""The platform administrator's site: organisations, memberships, users and reference data.

Only active superusers reach it, and, where two-factor sign-in is required, only from a session
confirmed by their device. Signing in happens on the staff site's own login page. No case model is
registered here (a test keeps it so): the platform administrator reads no case content.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class PlatformAdminSite(admin.AdminSite):
    site_header = _("Waypoint platform administration")
    site_title = _("Waypoint administration")
    index_title = _("Organisations, users and reference data")

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        if not (user.is_active and user.is_staff and user.is_superuser):
            return False
        # OTPMiddleware sets otp_device to the device that confirmed this session, if any.
        verified = getattr(user, "otp_device", None) is not None
        return verified or not settings.WAYPOINT_REQUIRE_2FA

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        if request.user.is_authenticated:
            # Signed in but not a platform administrator (or not with a second factor).
            raise PermissionDenied
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"))

    def password_change(  # type: ignore[override]
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        # One place to change a password, which keeps the session list right.
        return redirect("password-change")
