"""Small display filters for the web pages."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django import template
from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.formats import date_format, number_format
from django.utils.html import conditional_escape, format_html
from django.utils.translation import (
    get_language,
    get_language_info,
    gettext_lazy,
    ngettext,
)

from tracker.common.models import localized_with_language
from web.tracker.widgets import citation_refs, mark_kazakh

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
    """The `name_<lang>` of any record with per-language names, falling back to Kazakh marked
    with its `lang` (WCAG 3.1.2)."""
    return in_lang(obj, "name")


@register.filter
def name_lang(obj: Any) -> str:
    """The language of a record's shown name when it is not the page's (for an <option>'s
    `lang`, which cannot hold a marked span), else ""."""
    if obj is None:
        return ""
    _value, code = localized_with_language(obj, "name")
    return code if code != (get_language() or "kk")[:2] else ""


@register.filter
def in_lang(obj: Any, field: str) -> str:
    """A record's localized `field`; when it falls back to another language (a measure entered
    only in Kazakh, read on the English page) it is marked with that `lang`, so a screen reader
    pronounces it right (WCAG 3.1.2)."""
    if obj is None:
        return ""
    value, code = localized_with_language(obj, field)
    return mark_kazakh(value, code)


@register.simple_tag(takes_context=True)
def language_links(context: template.Context) -> list[dict[str, Any]]:
    """The current page in each language — the language switcher is links (bookmarkable, no form,
    no JavaScript). `translate_url` swaps the /kk/ prefix; the query string is kept."""
    request = context.get("request")
    current = (get_language() or "kk")[:2]
    path = request.get_full_path() if request is not None else "/"
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(path, code),
                "current": code == current,
            }
        )
    return links


@register.filter
def lang_kk(value: Any) -> str:
    """Text that is Kazakh (it has letters Russian lacks: ә ғ қ ң ө ұ ү һ і) wrapped in
    `<span lang="kk">` on a ru or en page, so a screen reader reads it as Kazakh (WCAG 3.1.2);
    any other text as it is. For data without a language of its own: short names, annex
    sources, values in a diff."""
    if value is None or value == "":
        return ""
    return mark_kazakh(value)


@register.filter
def citation(value: Any, link: str = "") -> str:
    """A citation as people read it: the act's title in the page's language (a Kazakh fallback
    marked lang="kk"), then the article, clause and subclause. `|citation:"link"` links the
    title to the act's page."""
    if value is None:
        return ""
    title = in_lang(value.act, "title")
    if link:
        url = reverse("tracker:legal-act-detail", args=[value.act_id])
        title = format_html('<a href="{}">{}</a>', url, title)
    refs = citation_refs(value)
    return format_html("{}{}", title, ", " + ", ".join(refs) if refs else "")


ISSUERS = {
    "parliament": gettext_lazy("Parliament of the Republic of Kazakhstan"),
    "president": gettext_lazy("President of the Republic of Kazakhstan"),
    "government": gettext_lazy("Government of the Republic of Kazakhstan"),
}


@register.filter
def issuer(act: Any) -> str:
    """Who issued a legal act, named: its organisation's name, or a translated label for the
    State's highest bodies — never a code such as "parliament"."""
    if act is None:
        return ""
    if getattr(act, "issuing_organization_id", None):
        return in_lang(act.issuing_organization, "name")
    code = (act.issuer or "").strip()
    if code.lower() in ISSUERS:
        return conditional_escape(ISSUERS[code.lower()])
    return lang_kk(code)


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
