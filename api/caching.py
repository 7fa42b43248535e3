"""The public endpoints' answers to the anonymous public, cached like the pages (web/caching.py)
under the data generation: a list or record read before a write is never served after it.

Only the JSON answers of `list` and `retrieve`, after DRF has authenticated the caller and applied
the throttles (a cached answer still counts against the anonymous rate); a token, a session, the
browsable API or an export are never cached. tracker/common/public_cache.py holds the rules.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from rest_framework.request import Request
from rest_framework.response import Response

from tracker.common import generation, public_cache


class PublicListCacheMixin:
    """For the read-only list endpoints over approved data."""

    def list(self, request: Request, *args: Any, **kwargs: Any):
        return self._cached(request, super().list, *args, **kwargs)

    def _cached(self, request: Request, build: Callable[..., Response], *args: Any, **kwargs: Any):
        renderer = getattr(request, "accepted_renderer", None)
        if getattr(renderer, "format", "") != "json":  # the browsable API: never cached
            return build(request, *args, **kwargs)
        key, hit = public_cache.lookup("api", request)
        if key is None:
            return build(request, *args, **kwargs)
        if hit is not None:
            return HttpResponse(hit["content"], content_type=hit["content_type"])
        with generation.watching_stale() as stale:
            response = build(request, *args, **kwargs)
            if response.status_code == 200 and not stale():
                response.accepted_renderer = renderer
                response.accepted_media_type = request.accepted_media_type
                response.renderer_context = self.get_renderer_context()
                response.render()
                public_cache.put(
                    key, {"content": response.content, "content_type": response["Content-Type"]}
                )
        return response


class PublicCacheMixin(PublicListCacheMixin):
    """For the read-only viewsets over approved data: their lists and their records."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any):
        return self._cached(request, super().retrieve, *args, **kwargs)
