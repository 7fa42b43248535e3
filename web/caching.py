"""The public pages as the anonymous public gets them, cached in the shared cache.

Every anonymous visitor without a session sees the same page for the same address, language
and day, built from approved data only. `public_page` keeps that page under the data generation
(tracker/common/generation.py), which every write moves on: a page cached before an approval is
never served after it, and nothing has to be deleted. Signed-in people, visitors with a session or
a pending message, and anything but a plain 200 answer are never cached; neither is a page with a
CSRF token in it, nor one built from a summary another process was still recomputing (served
stale). The middlewares run on the cached answer as on a fresh one (security headers, CSP, Vary,
Content-Language). tracker/common/public_cache.py holds what the API's cache shares.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse

from tracker.common import generation, public_cache

View = Callable[..., HttpResponse]
_NOT_COPIED = frozenset({"set-cookie", "vary"})


def _cacheable_response(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        response.status_code == 200
        and not getattr(response, "streaming", False)
        and not response.cookies
        # A page with a CSRF token in it is this visitor's own.
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def public_page(view: View) -> View:
    """Serve `view`'s answer to the anonymous public from the cache (see the module's text)."""

    @wraps(view)
    def cached_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        key, hit = public_cache.lookup("page", request)
        if key is None:
            return view(request, *args, **kwargs)
        if hit is not None:
            response = HttpResponse(hit["content"])
            for name, value in hit["headers"]:
                response[name] = value
            return response
        with generation.watching_stale() as stale:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            if _cacheable_response(request, response) and not stale():
                headers = [(k, v) for k, v in response.items() if k.lower() not in _NOT_COPIED]
                public_cache.put(key, {"content": response.content, "headers": headers})
        return response

    return cached_view
