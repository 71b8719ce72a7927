"""Changes a user makes to their own sign-in: two-factor devices, recovery codes, sessions.

Each takes the acting user, runs in one transaction and writes its audit event. Sign-ins,
sign-outs and failed sign-ins are recorded through Django's authentication signals.
"""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from waypoint.audit.log import record
from waypoint.audit.models import Action
from waypoint.web import twofactor
from waypoint.web.models import UserSession


@transaction.atomic
def confirm_totp_device(*, actor: Any, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the device being enrolled with a code from it; answer the new recovery codes.

    The confirmed device replaces any other the user had. None when the code is wrong.
    """
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=actor)
    if device.confirmed or not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    codes = replace_recovery_codes(actor=actor, audited=False)
    record(actor=actor, action=Action.TWO_FACTOR_ENABLED, target=actor)
    return codes


@transaction.atomic
def replace_recovery_codes(*, actor: Any, audited: bool = True) -> list[str]:
    """Issue new single-use recovery codes; the old ones stop working."""
    StaticDevice.objects.filter(user=actor).delete()
    device = StaticDevice.objects.create(user=actor, name=twofactor.RECOVERY_DEVICE_NAME)
    codes = twofactor.new_recovery_codes()
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    if audited:
        record(
            actor=actor,
            action=Action.TWO_FACTOR_ENABLED,
            target=actor,
            details={"fields": ["recovery_codes"]},
        )
    return codes


@transaction.atomic
def remove_two_factor(*, actor: Any) -> None:
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    record(actor=actor, action=Action.TWO_FACTOR_DISABLED, target=actor)


@transaction.atomic
def end_sessions(*, actor: Any, keep: str | None, only: int | None = None) -> int:
    """End the actor's sessions but ``keep`` (a session key), or only the listed session ``only``.

    Deleting the Django session signs that browser out on its next request.
    """
    listed = UserSession.objects.filter(user=actor)
    if keep is not None:
        listed = listed.exclude(session_id=keep)
    if only is not None:
        listed = listed.filter(pk=only)
    keys = list(listed.values_list("session_id", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    if keys:
        record(actor=actor, action=Action.LOGOUT, target=actor, details={"count": len(keys)})
    return len(keys)
