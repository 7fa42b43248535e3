"""API tokens for other systems (django-rest-knox): the one writer and the reads.

Knox stores only a SHA-512 digest of each token, so a leaked database does not leak working
tokens; the token itself is returned once, by token_create, and shown to its owner once. A token
acts with exactly its user's rights (the same rules, tracker/rules.py), expires after
REST_KNOX["TOKEN_TTL"], and stops working the moment it is revoked or its user is deactivated.

Creating a token is this one function, whatever the caller (the page, a shell): the place for any
further condition on who may create one (a two-factor-verified session, for instance)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from knox.models import AuthToken
from knox.settings import knox_settings

from .models import User


def tokens_of(user: User) -> QuerySet[AuthToken]:
    """The user's tokens, newest first: the key's first characters (to recognise one), when
    created and until when valid. Never the token itself: it is not stored."""
    return AuthToken.objects.filter(user=user).order_by("-created", "token_key")


@transaction.atomic
def token_create(*, user: User) -> tuple[AuthToken, str]:
    """A new token of `user`, and the token text to show them once."""
    if not (user.is_authenticated and user.is_active):
        raise PermissionDenied
    # Locked, so two requests at once cannot both pass the limit.
    User.objects.select_for_update().get(pk=user.pk)
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and tokens_of(user).count() >= limit:
        raise ValidationError(
            _("You already have %(n)s API tokens: revoke one before creating another.")
            % {"n": limit},
            code="token_limit",
        )
    return AuthToken.objects.create(user=user)


def token_revoke(*, by: User, digest: str) -> None:
    """Revoke one of `by`'s own tokens (administrators revoke anyone's in the admin)."""
    deleted, _rows = AuthToken.objects.filter(user=by, digest=digest).delete()
    if not deleted:
        raise ValidationError(_("No such token of yours: it may already be revoked."), code="gone")
