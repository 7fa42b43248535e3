"""Reads of live (approved) measures for the pages and the API."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from tracker.convention.models import Article, ReportParagraph
from tracker.law.models import Citation
from tracker.organisations.models import Organization
from tracker.quality.models import DataFlag
from tracker.search import search

from .filters import SEARCHED_FIELDS
from .models import Measure, MeasureStatus


def measure_list(*, with_sources: bool = False) -> QuerySet[Measure]:
    """The public list of live measures, in key order, before filtering (tracker/measures/
    filters.py narrows it for the page and the API alike): their articles and responsible
    organisations prefetched in display order; `with_sources` adds the source paragraphs and
    legal basis, which the API names on every row."""
    prefetches = [
        Prefetch("articles", queryset=Article.objects.order_by("number")),
        Prefetch("organizations", queryset=Organization.objects.order_by("code")),
    ]
    if with_sources:
        prefetches += [
            Prefetch("source_paragraphs", queryset=ReportParagraph.objects.order_by("number")),
            Prefetch("legal_basis", queryset=Citation.objects.order_by("key")),
        ]
    return Measure.objects.prefetch_related(*prefetches).order_by("key")


def measure_detail() -> QuerySet[Measure]:
    """Measures with what their page shows: articles, organisations, legal basis with its acts,
    source paragraphs and the unresolved data-quality flags; get_object_or_404 picks one."""
    return Measure.objects.prefetch_related(
        "articles",
        "organizations",
        Prefetch("legal_basis", queryset=Citation.objects.select_related("act")),
        "source_paragraphs",
        Prefetch("flags", queryset=DataFlag.objects.filter(resolved=False)),
    )


def measures_of_article(*, article_id: int) -> QuerySet[Measure]:
    return (
        Measure.objects.filter(articles=article_id)
        .prefetch_related("organizations")
        .order_by("key")
    )


def measures_citing_act(*, act_id: int) -> QuerySet[Measure]:
    """Measures whose legal basis cites the act, each once."""
    return Measure.objects.filter(legal_basis__act=act_id).distinct().order_by("key")


def measures_of_organization(*, organization_id: int) -> QuerySet[Measure]:
    return Measure.objects.filter(organizations=organization_id).order_by("key")


def measures_needing_review(*, organization_id: int) -> QuerySet[Measure]:
    """An organisation's measures flagged because an act they cite was amended or repealed (one
    row each: the organisation and the measure are a pair once, so no DISTINCT is needed)."""
    return Measure.objects.filter(organizations=organization_id, needs_review=True).order_by("key")


def measure_queryset() -> QuerySet[Measure]:
    """Measures as they are, for a proposal to start from one."""
    return Measure.objects.all()


def measure_search(text: str) -> QuerySet[Measure]:
    """Live measures matching `text`, best first (the search page; tracker/search.py)."""
    return search(Measure.objects.all(), SEARCHED_FIELDS, text)


def measure_status_counts(
    *, article_id: int | None = None, organization_id: int | None = None
) -> dict[str, int]:
    """Live measures by status, and how many are overdue (the status reports' rule: past the due
    date and neither implemented nor discontinued), of an article or an organisation: one query."""
    qs = Measure.objects.all()
    if article_id is not None:
        qs = qs.filter(articles=article_id)
    if organization_id is not None:
        qs = qs.filter(organizations=organization_id)
    closed = (MeasureStatus.IMPLEMENTED, MeasureStatus.DISCONTINUED)
    overdue = Q(due_date__lt=timezone.localdate()) & ~Q(status__in=closed)
    aggregates = {value: Count("pk", filter=Q(status=value)) for value in MeasureStatus.values}
    return qs.aggregate(**aggregates, overdue=Count("pk", filter=overdue))
