"""Selectors behind the forms' searchable pickers (organisations, legal-basis citations, source
paragraphs): a bounded page of matches for a typed text, and the rows already chosen. Read-only;
the JSON lookup endpoint (web) and the no-JavaScript "Find" button of the same forms both use
them, so they find the same things."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from operator import and_, or_

from django.db import models
from django.db.models import Q, QuerySet

from tracker.convention.models import ReportParagraph
from tracker.law.models import Citation
from tracker.organisations.models import Organization

MAX_QUERY_LENGTH = 100
PAGE_SIZE = 20


def _words_q(text: str, fields: Iterable[str]) -> Q:
    """Every word in some field, ignoring case."""
    words = text.split()
    if not words:
        return Q(pk__in=[])
    fields = tuple(fields)
    return reduce(
        and_, (reduce(or_, (Q(**{f"{name}__icontains": w}) for name in fields)) for w in words)
    )


def _organizations(text: str) -> QuerySet[Organization]:
    fields = ("code", "short_kk", "name_kk", "name_ru", "name_en")
    return Organization.objects.filter(_words_q(text, fields)).order_by("code")


def _citations(text: str) -> QuerySet[Citation]:
    fields = ("key", "act__title_kk", "act__title_ru", "act__title_en", "text_kk", "article_ref")
    return (
        Citation.objects.filter(_words_q(text, fields))
        .select_related("act", "paragraph")
        .order_by("key", "pk")
    )


def _paragraphs(text: str) -> QuerySet[ReportParagraph]:
    text = text.strip().lstrip("¶").strip()
    if text.isdigit():
        return ReportParagraph.objects.filter(number=int(text)).order_by("number")
    return ReportParagraph.objects.filter(_words_q(text, ("text_kk",))).order_by("number")


@dataclass(frozen=True)
class Lookup:
    model: type[models.Model]
    search: Callable[[str], QuerySet]
    select_related: tuple[str, ...] = ()


LOOKUPS: dict[str, Lookup] = {
    "organisations": Lookup(Organization, _organizations),
    "citations": Lookup(Citation, _citations, ("act", "paragraph")),
    "paragraphs": Lookup(ReportParagraph, _paragraphs),
}


def lookup_page(kind: str, text: str, page: int = 1) -> tuple[list[models.Model], bool]:
    """One page of matches (PAGE_SIZE rows, one query: one row more tells whether there is a
    next page). Texts shorter than two characters match nothing; longer ones are cut."""
    text = (text or "").strip()[:MAX_QUERY_LENGTH]
    if len(text) < 2 and not text.isdigit():
        return [], False
    page = max(page, 1)
    start = (page - 1) * PAGE_SIZE
    rows = list(LOOKUPS[kind].search(text)[start : start + PAGE_SIZE + 1])
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def chosen(kind: str, ids: Iterable[object]) -> list[models.Model]:
    """The rows already chosen, in the order given (one query)."""
    clean = []
    for value in ids:
        try:
            clean.append(int(value))
        except (TypeError, ValueError):
            continue
    lookup = LOOKUPS[kind]
    found = lookup.model._default_manager.select_related(*lookup.select_related).in_bulk(clean)
    return [found[pk] for pk in dict.fromkeys(clean) if pk in found]
