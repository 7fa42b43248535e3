"""The page on which a signed-in person creates and revokes their own API tokens. A new token is
shown once, on the response to its creation (never stored, never put in a message or a
redirect); the list shows each token's first characters, when it was made and until when it
works. Writes go through tracker/organisations/tokens.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker.organisations.tokens import token_create, token_revoke, tokens_of


def _page(request: HttpRequest, *, new_token: str = "", errors=(), status: int = 200):
    response = render(
        request,
        "tracker/api_tokens.html",
        {"tokens": tokens_of(request.user), "new_token": new_token, "errors": list(errors)},
        status=status,
    )
    add_never_cache_headers(response)  # the new token must not stay in any cache
    return response


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    try:
        _token, text = token_create(user=request.user)
    except ValidationError as exc:
        return _page(request, errors=exc.messages, status=400)
    return _page(request, new_token=text)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest) -> HttpResponse:
    try:
        token_revoke(by=request.user, digest=request.POST.get("token", ""))
    except ValidationError as exc:
        return _page(request, errors=exc.messages, status=400)
    messages.success(request, _("The token was revoked: it no longer works."))
    return redirect("tracker:api-tokens")
