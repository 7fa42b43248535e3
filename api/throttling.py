"""Request rates per signed-in person (or token) and per anonymous client address.

DRF's throttles read their rates once, when imported; these read REST_FRAMEWORK's
DEFAULT_THROTTLE_RATES on every request, so the one setting (API_THROTTLE_ANON /
API_THROTTLE_USER in the environment) is what counts, also under override_settings."""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class _RateFromSettings:
    scope: str

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonThrottle(_RateFromSettings, AnonRateThrottle):
    """Anonymous clients (the public reads), counted per address."""


class UserThrottle(_RateFromSettings, UserRateThrottle):
    """Signed-in people and tokens, counted per user."""
