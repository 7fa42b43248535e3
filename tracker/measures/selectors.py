"""Reads of live (approved) measures for the pages and the API."""

from typing import Any

from django.db.models import Q, QuerySet

from .models import Measure


def measure_text_q(text: str) -> Q:
    """A measure whose key, title (any language) or description contains `text`: the one
    definition of measure search for the pages and the API."""
    return (
        Q(key__icontains=text)
        | Q(title_kk__icontains=text)
        | Q(title_ru__icontains=text)
        | Q(title_en__icontains=text)
        | Q(description_kk__icontains=text)
    )


def measure_list(*, filters: dict[str, Any] | None = None) -> QuerySet:
    """Live measures for the public list, filtered by article, organisation, status, kind and a
    text search; responsible organisations and articles prefetched for the rows."""
    filters = filters or {}
    qs = Measure.objects.prefetch_related("organizations", "articles")
    if filters.get("article"):
        qs = qs.filter(articles=filters["article"])
    if filters.get("organization"):
        qs = qs.filter(organizations=filters["organization"])
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("q"):
        qs = qs.filter(measure_text_q(filters["q"]))
    if filters.get("article") or filters.get("organization"):
        qs = qs.distinct()
    return qs.order_by("key")
