"""Reads of the Convention's articles for the pages and the API."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from tracker.measures.models import Measure
from tracker.search import search

from .models import Article, ReportParagraph


def _count_of(queryset: QuerySet, field: str) -> Coalesce:
    """A correlated COUNT(*) of `queryset` rows whose `field` is the outer article: each count
    reads only its own index range, where two distinct counts in one query would join (and
    de-duplicate) the product of both relations."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def article_list_with_counts() -> QuerySet[Article]:
    return Article.objects.annotate(
        paragraph_count=_count_of(ReportParagraph.objects.all(), "article"),
        measure_count=_count_of(Measure.articles.through.objects.all(), "article"),
    ).order_by("number")


def article_status_breakdown() -> dict[int, dict[str, int]]:
    """Measures per article and status, in one query: {article number: {status: count}}.
    Counted over the link table (a measure is linked to an article once), so no DISTINCT."""
    rows = (
        Measure.articles.through.objects.values_list("article__number", "measure__status")
        .annotate(n=Count("*"))
        .order_by()
    )
    breakdown: dict[int, dict[str, int]] = {}
    for number, status, n in rows:
        breakdown.setdefault(number, {})[status] = n
    return breakdown


def article_list() -> QuerySet[Article]:
    return Article.objects.order_by("number")


def article_queryset() -> QuerySet[Article]:
    """Articles as they are, for a page that picks one by its number."""
    return Article.objects.all()


def paragraph_list() -> QuerySet[ReportParagraph]:
    """The report's paragraphs in order, each with its section's article and the articles it
    mentions."""
    return (
        ReportParagraph.objects.select_related("article")
        .prefetch_related("convention_articles")
        .order_by("number")
    )


def paragraphs_of_article(*, article_id: int) -> QuerySet[ReportParagraph]:
    return ReportParagraph.objects.filter(article=article_id).order_by("number")


PARAGRAPH_SEARCHED_FIELDS = ("text_kk", "section_kk")


def paragraph_search(text: str) -> QuerySet[ReportParagraph]:
    """The report's paragraphs (every reporting cycle) matching `text`, best first."""
    queryset = ReportParagraph.objects.select_related("article").order_by("number")
    return search(queryset, PARAGRAPH_SEARCHED_FIELDS, text)


def article_list_with_paragraph_counts() -> QuerySet[Article]:
    """Articles in order with the number of the report's paragraphs in their section: one
    join over the paragraphs only (the measures are counted by the status reports)."""
    return Article.objects.annotate(paragraph_count=Count("paragraphs")).order_by("number")
