"""Small display filters for the web pages."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import date_format, number_format
from django.utils.html import conditional_escape, format_html
from django.utils.translation import get_language, ngettext

from tracker.common.models import localized, localized_with_language

register = template.Library()


@register.filter
def plain_number(value: Any) -> str:
    """A decimal as printed, with the language's decimal sign: 20, 9.1 (en), 9,1 (kk, ru) — never
    20.0000 or 2E+1."""
    if isinstance(value, Decimal):
        return number_format(Decimal(format(value.normalize(), "f")), use_l10n=True)
    return "" if value is None else str(value)


@register.filter
def duration_in_words(value: timedelta | None) -> str:
    """A waiting time as a person says it («1 сағат 30 минут», «30 минут»), never «1:30:00»."""
    if value is None:
        return ""
    minutes = max(round(value.total_seconds() / 60), 1)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours})
    if minutes:
        parts.append(ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes})
    return " ".join(parts)


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


@register.filter
def period(obs: Any) -> str:
    """An observation's period as a reader says it: "2017" for a year or a count on its first
    day, a date for a count on another day, "start – end" otherwise — never
    "2017-01-01 – 2017-01-01"."""
    start, end = obs.period_start, obs.period_end
    whole_year = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    if start.year == end.year and (whole_year or start == end == start.replace(month=1, day=1)):
        return str(start.year)
    if start == end:
        return date_format(start, "SHORT_DATE_FORMAT")
    return f"{date_format(start, 'SHORT_DATE_FORMAT')} – {date_format(end, 'SHORT_DATE_FORMAT')}"


@register.filter
def own_lang(obj: Any, field: str) -> str:
    """A record's `field` only when the page's language has it, else "": for the places that
    cannot mark another language (the document's <title>)."""
    if obj is None:
        return ""
    value, code = localized_with_language(obj, field)
    return value if code == (get_language() or "kk")[:2] else ""
