"""Reads of national law (legal acts and the report's citations of them) for the pages and the
API: live (approved) rows only."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from tracker.convention.models import ReportParagraph
from tracker.search import search

from .models import Citation, LegalAct, LegalActAlias

# Acts are listed by kind, then oldest first: the order of the report's own lists of laws.
ACT_ORDER = ("act_type", "adopted", "key")


def legal_act_list() -> QuerySet[LegalAct]:
    """Every act with its issuing body, aliases and source paragraphs, for the API's rows."""
    return (
        LegalAct.objects.select_related("issuing_organization")
        .prefetch_related(
            Prefetch("aliases", queryset=LegalActAlias.objects.order_by("pk")),
            Prefetch("source_paragraphs", queryset=ReportParagraph.objects.order_by("number")),
        )
        .order_by(*ACT_ORDER)
    )


def legal_act_list_with_counts() -> QuerySet[LegalAct]:
    """Every act with the number of its citations, for the list page."""
    return LegalAct.objects.annotate(citation_count=Count("citations")).order_by(*ACT_ORDER)


def legal_act_detail() -> QuerySet[LegalAct]:
    """Acts with what their page shows beside the citations; get_object_or_404 picks one."""
    return LegalAct.objects.select_related("issuing_organization").prefetch_related("aliases")


def legal_act_queryset() -> QuerySet[LegalAct]:
    """Acts as they are, for a proposal to start from one."""
    return LegalAct.objects.all()


def citation_list() -> QuerySet[Citation]:
    return Citation.objects.select_related("act", "paragraph", "crpd_article").order_by("key")


def citations_of_act(*, act_id: int) -> QuerySet[Citation]:
    return (
        Citation.objects.filter(act=act_id)
        # `pinpoint` names the act: without it, one query per citation.
        .select_related("act", "paragraph", "crpd_article")
        .order_by("key")
    )


def citations_of_article(*, article_id: int) -> QuerySet[Citation]:
    """Citations the report makes under a CRPD article, grouped by act."""
    return (
        Citation.objects.filter(crpd_article=article_id)
        .select_related("act", "paragraph")
        .order_by("act__title_kk", "act_id", "key")
    )


LEGAL_ACT_SEARCHED_FIELDS = ("title_kk", "title_ru", "title_en", "key", "number")


def legal_act_search(text: str) -> QuerySet[LegalAct]:
    """Legal acts matching `text` in a title, key or number, best first."""
    return search(LegalAct.objects.order_by(*ACT_ORDER), LEGAL_ACT_SEARCHED_FIELDS, text)


def acts_cited_under_article(*, article_id: int, limit: int) -> tuple[list[LegalAct], int]:
    """The legal basis of an article in brief: the `limit` acts cited most under it, each with
    `citation_count`, and how many acts are cited in all. Two queries whatever the size."""
    acts = LegalAct.objects.filter(citations__crpd_article=article_id).annotate(
        citation_count=Count("citations")
    )
    total = LegalAct.objects.filter(citations__crpd_article=article_id).distinct().count()
    return list(acts.order_by("-citation_count", "title_kk", "pk")[:limit]), total
