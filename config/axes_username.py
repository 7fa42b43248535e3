"""The username django-axes records for a sign-in attempt (AXES_USERNAME_CALLABLE).

Axes stores it in a 255-character column; a longer name (or one with a NUL, which PostgreSQL
refuses in any text) made the failed attempt's INSERT fail and the sign-in page answer 500. No
account has such a name (usernames are at most 150 characters), so the attempt is recorded under
its first 255 characters, NULs removed, and the form says what it says for any wrong password.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

MAX_LENGTH = 255


def client_username(request: Any, credentials: dict[str, Any] | None) -> str | None:
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        username = credentials.get(field)
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", {})
        username = data.get(field)
    if not isinstance(username, str):
        return username
    return username.replace("\x00", "")[:MAX_LENGTH]
