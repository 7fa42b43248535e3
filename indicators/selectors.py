"""Reads for the indicator pages: live (approved) rows only."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import DimensionValue, Indicator, Observation
from .progress import numeric_targets, progress_status, totals_by_year


def indicator_list() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("programme", "organization").order_by("key")


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
