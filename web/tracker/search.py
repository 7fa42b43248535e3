"""The search page (`/<lang>/search/?q=`, issues 9 and 12): measures, the report's paragraphs,
legal acts and indicators matching the words, grouped by kind, each with the passage that
matched. One search (tracker/search.py) shared with the measures page and the API; bounded
queries per group (the search's EXISTS, then the first GROUP_SIZE + 1 results, best first: the
page shows whether there are more) — never a count of every match."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from indicators.selectors import indicator_search
from tracker.convention.selectors import paragraph_search
from tracker.law.selectors import legal_act_search
from tracker.measures.selectors import measure_search
from tracker.search import passage, words_of

GROUP_SIZE = 10
MAX_QUERY = 200


@dataclass(frozen=True)
class Kind:
    slug: str
    title: Any
    find: Any
    passage_fields: tuple[str, ...]
    url_name: str
    more_url_name: str | None = None


KINDS = (
    Kind(
        "measures",
        _("Measures"),
        measure_search,
        ("title_kk", "title_ru", "title_en", "description_kk", "key"),
        "tracker:measure-detail",
        "tracker:measure-list",
    ),
    Kind(
        "paragraphs",
        _("Paragraphs of the report"),
        paragraph_search,
        ("text_kk", "section_kk"),
        "tracker:article-detail",
    ),
    Kind(
        "legal-acts",
        _("Legal acts"),
        legal_act_search,
        ("title_kk", "title_ru", "title_en", "key", "number"),
        "tracker:legal-act-detail",
    ),
    Kind(
        "indicators",
        _("Indicators"),
        indicator_search,
        ("name_kk", "name_ru", "name_en", "key"),
        "indicators:indicator-detail",
    ),
)


def _lang_of(field: str) -> str | None:
    suffix = field.rsplit("_", 1)[-1]
    return suffix if suffix in ("kk", "ru", "en") else None


def _link(kind: Kind, obj: Any) -> str:
    if kind.slug == "paragraphs":
        return reverse(kind.url_name, args=[obj.article.number]) if obj.article_id else ""
    return reverse(kind.url_name, args=[obj.pk])


def _group(kind: Kind, text: str) -> dict[str, Any]:
    rows = list(kind.find(text)[: GROUP_SIZE + 1])
    results = []
    for obj in rows[:GROUP_SIZE]:
        found = passage(obj, kind.passage_fields, text)
        results.append(
            {
                "object": obj,
                "url": _link(kind, obj),
                "passage": found,
                "lang": _lang_of(found.field) if found else None,
            }
        )
    more = None
    if len(rows) > GROUP_SIZE and kind.more_url_name:
        more = f"{reverse(kind.more_url_name)}?{urlencode({'q': text})}"
    return {
        "kind": kind,
        "results": results,
        "has_more": len(rows) > GROUP_SIZE,
        "more_url": more,
    }


def search_page(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    error = None
    if len(text) > MAX_QUERY:
        error = _("Search for at most %(n)s characters.") % {"n": MAX_QUERY}
    groups = []
    if text and not error and words_of(text):
        groups = [_group(kind, text) for kind in KINDS]
    return render(
        request,
        "tracker/search.html",
        {
            "q": text,
            "error": error,
            "groups": groups,
            "found": sum(len(g["results"]) for g in groups),
            "group_size": GROUP_SIZE,
        },
        status=400 if error else 200,
    )
