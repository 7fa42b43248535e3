"""Refuse an evidence upload that is too large before its body is read.

Django streams a multipart body to memory or a temporary file while parsing it, and only then
could the service see the file's size: a 200 MB upload was read, written to disk and parsed
before the 10 MB rule refused it. This middleware runs before anything touches the body (before
the CSRF check, which parses the form) and answers 413 from the declared Content-Length alone.
A body without a Content-Length is not read at all under WSGI (Django reads exactly
CONTENT_LENGTH bytes), so the declared length bounds what any upload costs; the service keeps its
own per-file check for a body that fits but whose file is over the limit.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

# The pages and the endpoint that take an evidence file.
EVIDENCE_UPLOADS = {"tracker:evidence-upload", "api:change-request-evidence"}
# Room for the multipart framing, the CSRF token and the file name around the file itself.
MULTIPART_OVERHEAD = 64 * 1024


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _is_evidence_upload(request: HttpRequest) -> bool:
    if request.method != "POST":
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return match.view_name in EVIDENCE_UPLOADS


class EvidenceUploadLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.EVIDENCE_MAX_BYTES + MULTIPART_OVERHEAD
        if _declared_length(request) > limit and _is_evidence_upload(request):
            return self.refuse(request)
        return self.get_response(request)

    def refuse(self, request: HttpRequest) -> HttpResponse:
        message = _("The file is larger than %(limit)s MB.") % {
            "limit": settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        }
        # Nothing of the body was read: the connection cannot be reused for another request.
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"file": [message], "code": "too_large"}, status=413)
        else:
            response = render(request, "413.html", {"message": message}, status=413)
        response["Connection"] = "close"
        return response
