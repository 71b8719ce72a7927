"""The account page's API tokens: list, create (the token is shown once), revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from waypoint.api import actions
from waypoint.api.forms import TokenForm
from waypoint.api.models import ApiToken
from waypoint.orgs.access import member_organisations


@require_http_methods(["GET", "POST"])
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    may_hold = bool(member_organisations(user))
    form = TokenForm(request.POST if request.method == "POST" else None)
    created = None
    if may_hold and form.is_bound and form.is_valid():
        token, text = actions.create_token(
            actor=user,
            name=form.cleaned_data["name"],
            expires_at=form.expires_at(),
            request=request,
        )
        created = {"token": token, "text": text}
        form = TokenForm()
    return render(
        request,
        "web/api_tokens.html",
        {
            "form": form,
            "may_hold": may_hold,
            "created": created,
            "tokens": ApiToken.objects.of(user),
        },
    )


@require_POST
@login_required
def revoke_api_token(request: HttpRequest, token_id: str) -> HttpResponse:
    token = ApiToken.objects.of(request.user).filter(public_id=token_id).first()
    if token is None:
        raise Http404("No such token.")
    actions.revoke_token(actor=request.user, token=token, request=request)
    messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("api-tokens")
