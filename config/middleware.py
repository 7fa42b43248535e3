"""A request that the database cannot serve right now answers 503 "busy, try again", not 500.

PostgreSQL ends a statement that waited too long for a lock (lock_timeout) or ran too long
(statement_timeout, both set in config/settings/base.py), that lost a deadlock or a serialisation
conflict, or finds no free connection slot. Each is a condition of the moment, not a defect: the
transaction was rolled back whole (nothing half-applied), and the person is told, in their language,
to try again in a few seconds. Any other database error stays a 500 and is reported as one.
"""

from __future__ import annotations

import logging

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# SQLSTATE codes: lock_not_available, query_canceled (statement_timeout), deadlock_detected,
# serialization_failure, too_many_connections.
BUSY_SQLSTATES = {"55P03", "57014", "40P01", "40001", "53300"}
RETRY_AFTER_SECONDS = 5


def sqlstate(exc: BaseException) -> str | None:
    cause = exc.__cause__ or exc
    return getattr(cause, "pgcode", None)


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError) or sqlstate(exception) not in BUSY_SQLSTATES:
            return None
        logger.warning(
            "Database busy (%s) on %s %s: %s",
            sqlstate(exception),
            request.method,
            request.path,
            str(exception).strip().splitlines()[0] if str(exception).strip() else "",
        )
        message = _(
            "The database is busy with another change to the same record. Nothing was saved. "
            "Please try again in a few seconds."
        )
        if request.path.startswith("/api/") or "application/json" in request.headers.get(
            "Accept", ""
        ):
            response = JsonResponse({"detail": message}, status=503)
        else:
            response = HttpResponse(
                render_to_string("503.html", {"message": message}, request=request), status=503
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
