"""The one writer of the sign-in audit, and the sign-in rules asked from several places.

- `needs_second_factor(user)`: reviewers, administrators and staff (who may use the admin) must
  sign in with a second factor; editors may choose to.
- `second_factor_satisfied(user)`: the one check of the second factor, asked by the review rule
  (tracker/rules.py) and by the pages' gate (web/accounts/middleware.py). A user object that came
  through a web request carries django-otp's `is_verified()`; one that did not (a shell, a Celery
  task, a service called directly) has no session to verify and is not refused here. Any other
  way of authenticating a request (API tokens) must set `is_verified` on its user.
- `record(...)`: an audit event. Never pruned.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from tracker.organisations.roles import ADMINISTRATOR, REVIEWER

from .models import SignInEvent, SignInEventKind

if TYPE_CHECKING:
    from django.http import HttpRequest

    from tracker.organisations.models import User

# The audited attributes of a person's roles: what they may do and for whom.
ROLE_FIELDS = ("is_active", "is_staff", "is_superuser", "organization_id")
USERNAME_MAX = 150


def client_address(request: HttpRequest) -> str | None:
    """The client's address (axes' AXES_CLIENT_IP_CALLABLE, and the audit's). With
    TRUSTED_PROXY_COUNT = n proxies in front, each appending to X-Forwarded-For the address it
    got the request from, the n-th entry from the right is the client as our first proxy saw
    it; entries further left came from the client and may be forged. A header shorter than n, or
    not an address, falls back to REMOTE_ADDR (the proxy itself: stricter, never spoofable)."""
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if len(hops) < count:
        return remote
    try:
        return str(ipaddress.ip_address(hops[-count]))
    except ValueError:
        return remote


def client_ip(request: HttpRequest | None) -> str | None:
    return None if request is None else client_address(request)


def axes_username(request: HttpRequest, credentials: dict | None) -> str:
    """The username axes records: as typed, cut to the column's length (a 300-character name is
    a failed sign-in like any other, not a database error)."""
    value = (credentials or {}).get("username")
    if value is None and request is not None:
        value = request.POST.get("username", "")
    return str(value or "")[:USERNAME_MAX]


def record(
    kind: str,
    *,
    user: User | None = None,
    username: str = "",
    actor: User | None = None,
    request: HttpRequest | None = None,
    **detail: Any,
) -> SignInEvent:
    if user is not None and not username:
        username = user.get_username()
    return SignInEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=str(username)[:USERNAME_MAX],
        actor=actor if actor is not None and actor.pk else None,
        ip_address=client_ip(request),
        detail=detail,
    )


def role_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def needs_second_factor(user: Any) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return bool(role_names(user) & {REVIEWER, ADMINISTRATOR})


def has_confirmed_device(user: Any) -> bool:
    from django_otp import devices_for_user

    return user is not None and user.is_authenticated and any(devices_for_user(user))


def must_verify(user: Any) -> bool:
    """Required (coordinators), or chosen (an editor who enrolled a device)."""
    return needs_second_factor(user) or has_confirmed_device(user)


def second_factor_satisfied(user: Any) -> bool:
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None:
        return True
    return bool(is_verified()) or not needs_second_factor(user)


def lockout_remaining(request: HttpRequest, credentials: dict | None) -> dt.timedelta | None:
    """How long this (username, address) pair stays locked, from its latest failed attempt."""
    from axes.helpers import get_cool_off
    from axes.models import AccessAttempt

    cool_off = get_cool_off(request)
    if not cool_off:
        return None
    attempt = (
        AccessAttempt.objects.filter(
            username=axes_username(request, credentials), ip_address=client_ip(request)
        )
        .order_by("-attempt_time")
        .first()
    )
    if attempt is None:
        return cool_off
    return max(attempt.attempt_time + cool_off - timezone.now(), dt.timedelta(seconds=60))


def password_resets_allowed(*, email: str, ip_address: str | None) -> bool:
    """At most PASSWORD_RESET_RATE_PER_EMAIL requests per hour for one address asked for and
    PASSWORD_RESET_RATE_PER_CLIENT per client address, counted in the audit, whether or not an
    account has that address (so the answer tells nothing about who has an account)."""
    since = timezone.now() - dt.timedelta(hours=1)
    recent = SignInEvent.objects.filter(
        kind=SignInEventKind.PASSWORD_RESET_REQUESTED, at__gte=since
    )
    if recent.filter(detail__email=email.strip().lower()).count() >= (
        settings.PASSWORD_RESET_RATE_PER_EMAIL
    ):
        return False
    return not (
        ip_address
        and recent.filter(ip_address=ip_address).count() >= settings.PASSWORD_RESET_RATE_PER_CLIENT
    )


# Second-factor devices -------------------------------------------------------------------------

RECOVERY_CODES = 10
RECOVERY_DEVICE_NAME = "recovery codes"


def pending_totp_device(user: User):
    """The authenticator being enrolled: an unconfirmed TOTP device, one per person."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def confirm_totp_device(device, token: str) -> bool:
    """Confirms the device if `token` is its current code (proof the app holds the secret)."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True


def issue_recovery_codes(user: User) -> list[str]:
    """New single-use recovery codes, replacing any earlier ones; shown to the person once."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remove_second_factor(user: User) -> int:
    """Deletes every device of the person (a lost phone: an administrator does it in the admin;
    an editor may drop an optional one). Each removal is audited by the device signals."""
    from django_otp import devices_for_user

    removed = 0
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
        removed += 1
    return removed
