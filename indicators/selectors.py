"""Reads of indicators and their data for the pages and the API: live (approved) rows only."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet

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


def totals_of(indicator_ids: list[int]) -> dict[int, list[tuple[int, Decimal]]]:
    """The totals by year of some indicators (the rule of progress.totals_by_year: of two totals
    ending in one year, the one covering more, then the later recorded, stands): one query."""
    by_year: dict[int, dict[int, Decimal]] = {}
    rows = (
        Observation.objects.filter(indicator_id__in=indicator_ids, dims_key="")
        .order_by("indicator_id", "period_end", "-period_start", "pk")
        .values_list("indicator_id", "period_end", "value")
    )
    for indicator_id, end, value in rows:
        by_year.setdefault(indicator_id, {})[end.year] = value
    return {pk: sorted(years.items()) for pk, years in by_year.items()}


def indicator_header(pk: int) -> Indicator:
    """One indicator with what its page shows above the data: programme, organisation, articles,
    targets and sources (its observations are read by the page's pieces, a page at a time)."""
    return (
        Indicator.objects.select_related("programme", "organization")
        .prefetch_related(
            Prefetch("articles", queryset=Article.objects.order_by("number")),
            Prefetch("targets", queryset=Target.objects.order_by("year")),
            Prefetch("source_paragraphs", queryset=ReportParagraph.objects.order_by("number")),
        )
        .get(pk=pk)
    )


def indicator_breakdowns(indicator_id: int) -> list[str]:
    """The dims_keys of an indicator's cells, once each (a DISTINCT over its cells: as many rows
    as combinations, not as observations)."""
    return list(
        Observation.objects.filter(indicator_id=indicator_id)
        .exclude(dims_key="")
        .order_by("dims_key")
        .values_list("dims_key", flat=True)
        .distinct()
    )


def cells_of_dimension(indicator_id: int, dimensions: list[str]) -> list[tuple[int, str, Decimal]]:
    """The cells broken down by exactly these dimensions (one, or a combination), as (year,
    values joined by ';' in the dimensions' order, value), each year once per cell (the rule of
    totals_by_year: the longer period, then the later recorded)."""
    pattern = "^" + ";".join(f"{re.escape(d)}=[^;]+" for d in sorted(dimensions)) + "$"
    rows = (
        Observation.objects.filter(indicator_id=indicator_id, dims_key__regex=pattern)
        .order_by("period_end", "-period_start", "pk")
        .values_list("period_end", "dims_key", "value")
    )
    cells: dict[tuple[int, str], Decimal] = {}
    for end, key, value in rows:
        code = ";".join(part.split("=", 1)[1] for part in key.split(";"))
        cells[(end.year, code)] = value
    return [(year, code, value) for (year, code), value in sorted(cells.items())]


def values_of_dimensions(codes: list[str]) -> list[DimensionValue]:
    """The values of some dimensions, in their recorded order (one query)."""
    return list(
        DimensionValue.objects.filter(dimension__code__in=codes)
        .select_related("dimension")
        .order_by("dimension__code", "pk")
    )


def dimension_names(codes: list[str]) -> dict[str, Dimension]:
    return {d.code: d for d in Dimension.objects.filter(code__in=codes)}


def observations_page_query(indicator_id: int) -> QuerySet[Observation]:
    """An indicator's observations in period and cell order, with their dimension values and
    source paragraph, for a paginated table."""
    return (
        Observation.objects.filter(indicator_id=indicator_id)
        .select_related("paragraph")
        .prefetch_related(
            Prefetch(
                "dimension_values", queryset=DimensionValue.objects.select_related("dimension")
            )
        )
        .order_by("period_end", "dims_key", "pk")
    )


def programme_detail(pk: int) -> Programme:
    return Programme.objects.select_related("approving_act").get(pk=pk)


def indicators_of_programme(programme_id: int) -> QuerySet[Indicator]:
    return (
        Indicator.objects.filter(programme_id=programme_id)
        .select_related("organization")
        .prefetch_related(Prefetch("targets", queryset=Target.objects.order_by("year")))
        .order_by("key")
    )


def programmes_with_counts() -> QuerySet[Programme]:
    return (
        Programme.objects.select_related("approving_act")
        .annotate(indicator_count=Count("indicators"))
        .order_by("key")
    )
