"""Reads of indicators and their data for the pages and the API: live (approved) rows only."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from tracker.convention.models import Article, ReportParagraph
from tracker.search import search

from .models import Dimension, DimensionValue, Indicator, Observation, Programme, Target
from .progress import numeric_targets, progress_status, totals_by_year


def indicator_list(*, with_links: bool = False) -> QuerySet[Indicator]:
    """Indicators in key order with their programme and responsible body; `with_links` adds
    the articles, dimensions and source paragraphs the API names on every row."""
    qs = Indicator.objects.select_related("programme", "organization")
    if with_links:
        qs = qs.prefetch_related(
            Prefetch("articles", queryset=Article.objects.order_by("number")),
            Prefetch("dimensions", queryset=Dimension.objects.order_by("code")),
            Prefetch("source_paragraphs", queryset=ReportParagraph.objects.order_by("number")),
        )
    return qs.order_by("key")


def indicator_queryset() -> QuerySet[Indicator]:
    """Indicators as they are, for a proposal to start from one."""
    return Indicator.objects.all()


def indicators_of_article(*, article_id: int) -> QuerySet[Indicator]:
    return Indicator.objects.filter(articles=article_id).select_related("programme").order_by("key")


def indicators_of_organization(*, organization_id: int) -> QuerySet[Indicator]:
    return Indicator.objects.filter(organization=organization_id).order_by("key")


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.select_related("approving_act").order_by("key")


def target_list() -> QuerySet[Target]:
    return Target.objects.select_related("indicator").order_by("indicator__key", "year")


def observation_list() -> QuerySet[Observation]:
    """Every observation, by indicator, period and cell, with its dimension values."""
    return (
        Observation.objects.select_related("indicator", "paragraph")
        .prefetch_related(
            Prefetch(
                "dimension_values", queryset=DimensionValue.objects.select_related("dimension")
            )
        )
        .order_by("indicator__key", "period_end", "dims_key", "pk")
    )


def observations_with_indicator() -> QuerySet[Observation]:
    """Observations with their indicator, for a correction to start from one."""
    return Observation.objects.select_related("indicator")


def dimension_list() -> QuerySet[Dimension]:
    return Dimension.objects.prefetch_related(
        Prefetch("values", queryset=DimensionValue.objects.order_by("code"))
    ).order_by("code")


def indicator_detail(pk: int) -> Indicator:
    """One indicator with its targets, observations (dimension values and their dimensions) and
    sources, prefetched for the page."""
    observations = Observation.objects.select_related("paragraph").prefetch_related(
        Prefetch("dimension_values", queryset=DimensionValue.objects.select_related("dimension"))
    )
    return (
        Indicator.objects.select_related("programme", "organization")
        .prefetch_related(
            "articles",
            "targets",
            "source_paragraphs",
            Prefetch("observations", queryset=observations.order_by("period_end", "dims_key")),
        )
        .get(pk=pk)
    )


def progress_by_year(indicator: Indicator) -> list[dict[str, Any]]:
    """The computed status for every year with a target or a total, from the prefetched rows of
    indicator_detail (the rules of indicators/progress.py, without a query per year)."""
    targets = numeric_targets(indicator.targets.all())
    observed = totals_by_year(indicator.observations.all())
    years = sorted({y for y, _v in targets} | {y for y, _v in observed})
    return [
        {
            "year": year,
            "status": progress_status(
                direction=indicator.direction,
                targets=targets,
                observations=observed,
                year=year,
            ),
        }
        for year in years
    ]


INDICATOR_SEARCHED_FIELDS = ("name_kk", "name_ru", "name_en", "key")


def indicator_search(text: str) -> QuerySet[Indicator]:
    """Indicators matching `text` in a name or key, best first."""
    return search(Indicator.objects.order_by("key"), INDICATOR_SEARCHED_FIELDS, text)
