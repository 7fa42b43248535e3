"""Progress of an indicator towards its targets: computed, never stored by hand.

Baseline: the earliest observation. Target path: straight lines from the baseline through each
numeric target after it, by year. Status in a year, from the latest observation up to that year:
achieved (meets the final target), off track (below the path, or the final target's year has come
without meeting it), on track (at least the path), or no data (no observation yet, or a year past
the latest observation while the final target is still ahead).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal
from itertools import pairwise

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import Direction, Indicator, Observation, Target

Point = tuple[int, Decimal]


class ProgressStatus(models.TextChoices):
    ACHIEVED = "achieved", _("Achieved")
    ON_TRACK = "on_track", _("On track")
    OFF_TRACK = "off_track", _("Off track")
    NO_DATA = "no_data", _("No data")


# Observations are stored with 4 decimals: the path is compared at the same precision, or a value
# on the path exactly (33.3333 of a third) would count as below it.
_PRECISION = Decimal("0.0001")


def expected_value(path: Sequence[Point], year: int) -> Decimal:
    """Linear interpolation along the path; flat before its start and after its end."""
    if year <= path[0][0]:
        return path[0][1]
    for (y0, v0), (y1, v1) in pairwise(path):
        if y0 <= year <= y1:
            return v0 + (v1 - v0) * Decimal(year - y0) / Decimal(y1 - y0)
    return path[-1][1]


def _at_least_as_good(value: Decimal, reference: Decimal, direction: str) -> bool:
    return value >= reference if direction == Direction.HIGHER else value <= reference


def progress_status(
    *,
    direction: str,
    targets: Sequence[Point],
    observations: Sequence[Point],
    year: int | None = None,
) -> ProgressStatus:
    # A context figure has no better or worse: there is nothing to be on track for.
    if direction not in (Direction.HIGHER, Direction.LOWER) or not targets:
        return ProgressStatus.NO_DATA
    targets = sorted(targets)
    observed = sorted(observations)
    upto = [p for p in observed if year is None or p[0] <= year]
    if not upto:
        return ProgressStatus.NO_DATA
    latest_year, latest = upto[-1]
    final_year, final = targets[-1]
    if _at_least_as_good(latest, final, direction):
        return ProgressStatus.ACHIEVED
    if latest_year >= final_year:
        # The deadline has come and the target is not met: no path can put that on track.
        return ProgressStatus.OFF_TRACK
    if year is not None and year > observed[-1][0]:
        # Nothing has been observed for this year yet: carrying an old value forward would
        # report a status nobody measured.
        return ProgressStatus.NO_DATA
    baseline = observed[0]
    # Targets after the baseline shape the path; the final one is among them (checked above).
    path = [baseline, *(t for t in targets if t[0] > baseline[0])]
    expected = expected_value(path, latest_year).quantize(_PRECISION)
    if _at_least_as_good(latest, expected, direction):
        return ProgressStatus.ON_TRACK
    return ProgressStatus.OFF_TRACK


def numeric_targets(targets: Iterable[Target]) -> list[Point]:
    """The targets a path can run through: those with a value (a qualitative one has none)."""
    return [(t.year, t.value) for t in targets if t.value is not None]


def totals_by_year(observations: Iterable[Observation]) -> list[Point]:
    """The one value per year that is compared with the targets, oldest first.

    Disaggregated cells are parts of the whole: only totals count. Of two totals ending in one
    year (a half-year and the year), the one covering more stands, then the later-recorded."""
    totals = sorted(
        (o for o in observations if o.dims_key == ""),
        key=lambda o: (o.period_end, -o.period_start.toordinal(), o.pk),
    )
    by_year = {o.period_end.year: o.value for o in totals}
    return sorted(by_year.items())


def indicator_progress(
    indicator: Indicator,
    *,
    year: int | None = None,
    proposed: Point | None = None,
    replacing_pk: int | None = None,
) -> ProgressStatus:
    """The indicator's status from its live totals, optionally as if `proposed` were observed
    (replacing observation `replacing_pk`): what an observation change would do to it."""
    targets = numeric_targets(indicator.targets.all())
    totals = indicator.observations.filter(dims_key="").exclude(pk=replacing_pk)
    points = totals_by_year(totals.only("pk", "dims_key", "period_start", "period_end", "value"))
    if proposed is not None:
        points = [p for p in points if p[0] != proposed[0]] + [proposed]
    return progress_status(
        direction=indicator.direction, targets=targets, observations=points, year=year
    )
