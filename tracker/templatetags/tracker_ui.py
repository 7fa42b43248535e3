"""Small display filters for the web pages."""

from decimal import Decimal
from typing import Any

from django import template

from tracker.models import localized

register = template.Library()


@register.filter
def plain_number(value: Any) -> str:
    """A decimal as printed: 20, 9.1 — never 20.0000 or 2E+1."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else str(value)


@register.filter
def localized_name(obj: Any) -> str:
    """The `name_<lang>` of any record with per-language names, falling back to Kazakh."""
    return localized(obj, "name")
