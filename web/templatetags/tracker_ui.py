"""Small display filters for the web pages."""

from decimal import Decimal
from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language

from tracker.common.models import localized, localized_with_language

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


@register.filter
def in_lang(obj: Any, field: str) -> str:
    """A record's localized `field`; when it falls back to another language (a measure entered
    only in Kazakh, read on the English page) it is marked with that `lang`, so a screen reader
    pronounces it right (WCAG 3.1.2)."""
    if obj is None:
        return ""
    value, code = localized_with_language(obj, field)
    if code == (get_language() or "kk")[:2]:
        return conditional_escape(value)
    return format_html('<span lang="{}">{}</span>', code, value)
