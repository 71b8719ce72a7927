"""Two-factor sign-in: a TOTP authenticator app and single-use recovery codes (django-otp).

A user "has two-factor sign-in" when they hold a confirmed TOTP device; recovery codes live in a
static device beside it and are accepted wherever a TOTP code is.
"""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "authenticator app"
RECOVERY_DEVICE_NAME = "recovery codes"
TOTP_CODE = re.compile(r"\d{6}")
RECOVERY_CODE = re.compile(r"[a-z2-7]{8}")


def required() -> bool:
    """Whether every account must sign in with a second factor (off only in demo mode)."""
    return bool(settings.WAYPOINT_REQUIRE_2FA)


def is_verified(user: Any) -> bool:
    """Whether this request's session was confirmed by one of the user's devices (OTPMiddleware)."""
    return getattr(user, "otp_device", None) is not None


def has_device(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def unconfirmed_device(user: Any) -> TOTPDevice:
    """The device being enrolled: the same secret until it is confirmed, however often the page loads."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def new_recovery_codes() -> list[str]:
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    return sorted(codes)


def verify(user: Any, code: str) -> Device | None:
    """The device that accepts this code, or None. A TOTP code is accepted once (no replay)."""
    if TOTP_CODE.fullmatch(code):
        devices: Any = TOTPDevice.objects.filter(user=user, confirmed=True)
    elif RECOVERY_CODE.fullmatch(code):
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
    else:
        return None
    for device in devices:
        # verify_token locks the device row, so two requests cannot both use one code.
        verified = django_otp.verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


def is_recovery_device(device: Device) -> bool:
    return isinstance(device, StaticDevice)


def secret(device: TOTPDevice) -> str:
    """The device's key in base32, in groups of four, for typing into an app by hand."""
    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[index : index + 4] for index in range(0, len(text), 4))


def qr_code(device: TOTPDevice) -> SafeString:
    """The enrolment QR code as inline SVG, drawn here: no image request, no third party."""
    svg = segno.make(device.config_url, error="m", micro=False).svg_inline(
        scale=5,
        border=4,
        dark="#000",
        light="#fff",
        svgclass="qr",
        lineclass=None,
        omitsize=True,
        title=_("QR code for your authenticator app"),
    )
    # segno escapes the title; the path data are its own. Nothing else comes from the user.
    return mark_safe(svg)
