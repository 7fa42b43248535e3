"""Reads of the Convention's articles for the pages and the API."""

from django.db.models import Count, QuerySet

from tracker.measures.models import Measure

from .models import Article, ReportParagraph


def article_list_with_counts() -> QuerySet[Article]:
    return Article.objects.annotate(
        paragraph_count=Count("paragraphs", distinct=True),
        measure_count=Count("measures", distinct=True),
    ).order_by("number")


def article_status_breakdown() -> dict[int, dict[str, int]]:
    """Measures per article and status, in one query: {article number: {status: count}}."""
    rows = (
        Measure.objects.filter(articles__isnull=False)
        .values_list("articles__number", "status")
        .annotate(n=Count("pk", distinct=True))
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


def article_list_with_paragraph_counts() -> QuerySet[Article]:
    """Articles in order with the number of the report's paragraphs in their section: one
    join over the paragraphs only (the measures are counted by the status reports)."""
    return Article.objects.annotate(paragraph_count=Count("paragraphs")).order_by("number")
