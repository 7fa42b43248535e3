"""Session limits, the second-factor gate, and the security headers of every response."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import OTPMiddleware

from tracker.accounts import services
from tracker.accounts.models import SignInEventKind

# Session keys, written at sign-in (web/accounts/signals.py) and read on every request.
MUST_VERIFY = "_crpd_must_verify"
IDLE_TIMEOUT = "_crpd_idle_timeout"
SIGNED_IN_AT = "_crpd_signed_in_at"
LAST_SEEN = "_crpd_last_seen"
# The last-seen time is written at most this often (seconds): not a database write per request.
LAST_SEEN_RESOLUTION = 60


def remember_sign_in(request: HttpRequest, user) -> None:
    """At sign-in: what the middleware needs for the rest of the session, computed once."""
    now = int(time.time())
    request.session[MUST_VERIFY] = services.must_verify(user)
    request.session[IDLE_TIMEOUT] = (
        settings.SESSION_IDLE_TIMEOUT_COORDINATOR
        if services.needs_second_factor(user)
        else settings.SESSION_IDLE_TIMEOUT_EDITOR
    )
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN] = now


_UNLOADED = object()


class LazyOTPMiddleware(OTPMiddleware):
    """django-otp's middleware (request.user.is_verified(), otp_device), except that the session's
    device is loaded when is_verified() is first asked, not on every request: a page that never
    asks (most of them, for most people) costs no query."""

    def _verify_user_sync(self, request, user):
        user.otp_device = _UNLOADED

        def is_verified() -> bool:
            if user.otp_device is _UNLOADED:
                user.otp_device = None
                persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
                if user.is_authenticated and persistent_id:
                    device = self._device_from_persistent_id(persistent_id)
                    user.otp_device = self._finalize_device(request, user, device)
            return user.otp_device is not None

        user.is_verified = is_verified
        return user


class SessionLimitsMiddleware:
    """Ends a session idle for longer than its role's timeout, or older than SESSION_COOKIE_AGE
    however active (a stolen session cookie is not good forever)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            session = request.session
            if IDLE_TIMEOUT not in session:
                remember_sign_in(request, request.user)
            now = int(time.time())
            idle = now - session.get(LAST_SEEN, now)
            age = now - session.get(SIGNED_IN_AT, now)
            too_idle = idle > session[IDLE_TIMEOUT]
            if too_idle or age > settings.SESSION_COOKIE_AGE:
                user = request.user
                logout(request)
                services.record(
                    SignInEventKind.SESSION_EXPIRED,
                    user=user,
                    request=request,
                    reason="idle" if too_idle else "maximum age",
                )
            elif idle >= LAST_SEEN_RESOLUTION:
                session[LAST_SEEN] = now
        return self.get_response(request)


# Reachable before the second factor: the pages to pass it, to leave, and to change language.
EXEMPT_URL_NAMES = {
    "otp-verify",
    "otp-enrol",
    "logout",
    "login",
    "set_language",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
}


class SecondFactorMiddleware:
    """Someone who must use a second factor (reviewers, administrators, staff; editors who
    enrolled one) and has not yet passed it this session is sent to pass it, or to enrol: no page,
    admin included, before that. The API is not redirected: its decisions are refused by the
    review rule (tracker/rules.py), the same check."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or not request.session.get(MUST_VERIFY, False):
            return None
        if user.is_verified():
            return None
        match = request.resolver_match
        if match is None or match.url_name in EXEMPT_URL_NAMES or "api" in match.namespaces:
            return None
        if request.path.startswith(("/api/", f"/{settings.STATIC_URL.strip('/')}/", "/healthz")):
            return None
        target = "otp-verify" if services.has_confirmed_device(user) else "otp-enrol"
        return HttpResponseRedirect(
            f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
        )


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; signed-in pages and evidence downloads are never
    stored by a browser or a proxy (Cache-Control: no-store)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        match = getattr(request, "resolver_match", None)
        private = match is not None and match.url_name == "evidence-download"
        user = getattr(request, "user", None)
        if private or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            patch_vary_headers(response, ["Cookie"])
        return response
