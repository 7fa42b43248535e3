"""What the pages (web/caching.py) and the API (api/caching.py) share to cache what the anonymous
public gets: who may be served from the cache, the key, and cache calls that never fail a request.

The key holds the data generation (tracker/common/generation.py), the day ("overdue" and "due"
depend on it), the language and the whole address with scheme and host (the API's pagination
links are absolute), hashed.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from tracker.common import generation

logger = logging.getLogger(__name__)

MESSAGES_COOKIE = "messages"  # django.contrib.messages' cookie storage


def seconds() -> int:
    return settings.PUBLIC_PAGE_CACHE_SECONDS


def cacheable_request(request: Any) -> bool:
    """A GET by someone signed out, with no session or pending message: the public's page."""
    if seconds() <= 0 or request.method != "GET":
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    return not request.user.is_authenticated


def key(kind: str, request: Any, number: int) -> str:
    address = hashlib.sha256(request.build_absolute_uri().encode()).hexdigest()
    day = timezone.localdate().isoformat()
    return f"{kind}:{number}:{day}:{get_language()}:{address}"


def get(cache_key: str) -> Any:
    try:
        return cache.get(cache_key)
    except Exception:
        logger.warning("cache unreachable: answer built", exc_info=True)
        return None


def put(cache_key: str, value: Any) -> None:
    try:
        cache.set(cache_key, value, seconds())
    except Exception:
        logger.warning("cache unreachable: answer not kept", exc_info=True)


def lookup(kind: str, request: Any) -> tuple[str | None, Any]:
    """(key, what the cache holds under it): (None, None) when this request's answer is not to be
    cached at all — not the public's, or no cache to be reached."""
    if not cacheable_request(request):
        return None, None
    number = generation.current()
    if number is None:
        return None, None
    cache_key = key(kind, request, number)
    return cache_key, get(cache_key)
