"""The API's one request-body parser: JSON that PostgreSQL and the rest of the code can take.

Python's `json` accepts what later breaks a request with a server error: a lone UTF-16 surrogate
(`"\\ud800"`, valid JSON escape, not a character: PostgreSQL refuses it in a `jsonb` value and
Python cannot encode it to UTF-8 when an error message echoes it), and arrays or objects nested
hundreds deep (a RecursionError in whatever walks them next). Both are refused here, before any
view sees the data, with a translated 400. No other body format is accepted on JSON endpoints
(form-encoded bodies used to become an empty payload silently): DRF answers 415.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# No payload the workflow takes is nested more than three levels; 32 leaves room for any client.
MAX_DEPTH = 32


class BodyRefusedError(ParseError):
    default_code = "parse_error"


def _refuse_strange(data: Any) -> None:
    """Walk the parsed body without recursion; refuse deep nesting and unencodable strings."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise BodyRefusedError(
                    _("The JSON body is nested more than %(limit)s levels deep.")
                    % {"limit": MAX_DEPTH}
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str):
                    _check_text(key)
                stack.append((item, depth + 1))
        elif isinstance(value, str):
            _check_text(value)


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise BodyRefusedError(
            _(
                "The JSON body contains an escape that is not a character (a lone UTF-16 "
                "surrogate such as \\ud800). Send valid Unicode text."
            )
        ) from None
    if "\x00" in text:
        raise BodyRefusedError(
            _("The JSON body contains a NUL character (\\u0000), which no text may.")
        )


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise BodyRefusedError(
                _("The JSON body is nested more than %(limit)s levels deep.") % {"limit": MAX_DEPTH}
            ) from None
        _refuse_strange(data)
        return data
