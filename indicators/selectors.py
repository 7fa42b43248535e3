"""Reads for the indicator pages: live (approved) rows only."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from .models import DimensionValue, Indicator, Observation
from .progress import ProgressStatus, progress_status


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
    """The computed status for every year with a target or a total, from the prefetched rows
    (the same rule as indicators.progress.indicator_progress, without a query per year)."""
    targets = [(t.year, t.value) for t in indicator.targets.all() if t.value is not None]
    totals: dict[int, Any] = {}
    rows = sorted(
        (o for o in indicator.observations.all() if o.dims_key == ""),
        # As indicators.progress.indicator_progress orders them: the total covering more stands.
        key=lambda o: (o.period_end, -o.period_start.toordinal(), o.pk),
    )
    # Disaggregated cells are parts of the whole: only totals are compared with the targets.
    for obs in rows:
        totals[obs.period_end.year] = obs.value
    observed = sorted(totals.items())
    years = sorted({y for y, _v in targets} | set(totals))
    return [
        {
            "year": year,
            "status": ProgressStatus(
                progress_status(
                    direction=indicator.direction,
                    targets=targets,
                    observations=observed,
                    year=year,
                )
            ),
        }
        for year in years
    ]
