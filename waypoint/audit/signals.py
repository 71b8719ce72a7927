"""Sign-in, sign-out and failed sign-in, recorded from Django's authentication signals."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from waypoint.audit.log import Target, describe, record, sole_organisation
from waypoint.audit.models import Action


def on_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    organisation = sole_organisation(user)
    record(actor=user, action=Action.LOGIN, organisation=organisation, target=user, request=request)


def on_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is None:  # signing out without being signed in
        return
    organisation = sole_organisation(user)
    record(
        actor=user, action=Action.LOGOUT, organisation=organisation, target=user, request=request
    )


def on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    """Keep the user name as typed (never the password, which Django has already masked); the
    record it names, if any, lets its organisation's auditors see attempts on their users."""
    typed = str(credentials.get(get_user_model().USERNAME_FIELD, ""))
    record(
        actor=None,
        action=Action.LOGIN_FAILED,
        target=_account(typed),
        details={"username": typed},
        request=request,
    )


def _account(username: str) -> Target:
    model = get_user_model()
    lookup = {model.USERNAME_FIELD: username}
    found = model._default_manager.filter(**lookup).first() if username else None
    return describe(found) if found is not None else Target("user")


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="waypoint.audit.login")
    user_logged_out.connect(on_logout, dispatch_uid="waypoint.audit.logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="waypoint.audit.login_failed")
