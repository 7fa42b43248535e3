"""A request that the database cannot serve right now answers 503 "busy, try again", not 500.

PostgreSQL ends a statement that waited too long for a lock (lock_timeout) or ran too long
(statement_timeout, both set in config/settings/base.py), that lost a deadlock or a serialisation
conflict; or it refuses a new connection because all its slots are taken (max_connections, or a
role's connection limit). Each is a condition of the moment, not a defect: the transaction was
rolled back whole (nothing half-applied), and the person is told, in their language, to try again
in a few seconds. Any other database error stays a 500 and is reported as one.
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# SQLSTATE codes: lock_not_available, query_canceled (statement_timeout), deadlock_detected,
# serialization_failure, too_many_connections.
BUSY_SQLSTATES = {"55P03", "57014", "40P01", "40001", "53300"}
# A refused connection carries no SQLSTATE in psycopg2, only the server's FATAL message.
FULL_MESSAGES = ("too many connections", "too many clients", "remaining connection slots")
RETRY_AFTER_SECONDS = 5


def sqlstate(exc: BaseException) -> str | None:
    cause = exc.__cause__ or exc
    return getattr(cause, "pgcode", None)


def is_busy(exc: BaseException) -> bool:
    if not isinstance(exc, OperationalError):
        return False
    code = sqlstate(exc)
    if code is not None:
        return code in BUSY_SQLSTATES
    return any(message in str(exc) for message in FULL_MESSAGES)


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_busy(exception):
            return None
        logger.warning(
            "Database busy (%s) on %s %s: %s",
            sqlstate(exception),
            request.method,
            request.path,
            str(exception).strip().splitlines()[0] if str(exception).strip() else "",
        )
        message = _("The database is busy. Nothing was saved. Please try again in a few seconds.")
        if request.path.startswith("/api/") or "application/json" in request.headers.get(
            "Accept", ""
        ):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(busy_page(request, message), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


def busy_page(request: HttpRequest, message: str) -> str:
    try:
        return render_to_string("503.html", {"message": message}, request=request)
    except Exception:  # the page itself needs the database (the user, the menu): a bare one
        title = escape(_("Please try again"))
        return (
            f'<!doctype html><html lang="{escape(get_language() or "kk")}"><meta charset="utf-8">'
            f'<title>{title}</title><h1>{title}</h1><p role="alert">{escape(message)}</p></html>'
        )
