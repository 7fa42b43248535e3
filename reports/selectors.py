"""Where the country stands: one status model, computed from live (approved) rows only.

Live `Measure`, `Indicator`, `Target` and `Observation` rows change only when a reviewer approves a
change request, so reading the live tables *is* reading approved data; drafts live in
`ChangeRequest.payload` and never reach these numbers.

Every number the reports, their files and (later) the dashboard show comes from `status_report`.
Its query count does not depend on the data's size: counts are aggregated in SQL with GROUP BY,
lists are one query each, and indicator progress is computed in Python from two flat queries
(targets, totals) with the same rule as `indicators.progress`.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Observation, Target
from indicators.progress import ProgressStatus, progress_status
from tracker.common import generation
from tracker.models import (
    Article,
    ChangeRequest,
    ChangeStatus,
    Measure,
    MeasureStatus,
    Notification,
    NotificationStatus,
    Organization,
    ReviewAction,
    ReviewEvent,
)

DUE_SOON_DAYS = 60
# Measures that are finished, one way or the other, owe nothing: they are never overdue or due.
CLOSED = (MeasureStatus.IMPLEMENTED, MeasureStatus.DISCONTINUED)
DECIDED = (ChangeStatus.APPROVED, ChangeStatus.RETURNED, ChangeStatus.REJECTED)
# Ages of the changes waiting for a reviewer, in days: (label, from, to).
WAITING_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("under_7", 0, 7),
    ("7_30", 7, 30),
    ("over_30", 30, None),
)
WAITING_LABELS = {
    "under_7": _("under 7 days"),
    "7_30": _("7–30 days"),
    "over_30": _("over 30 days"),
}


def indicator_deadline(year: int) -> dt.date:
    """The day by which an indicator's value for `year` is due (statistics for a year are
    published in the following spring; REPORTS_INDICATOR_DEADLINE is (month, day) of year + 1)."""
    month, day = getattr(settings, "REPORTS_INDICATOR_DEADLINE", (3, 31))
    return dt.date(year + 1, month, day)


def latest_due_year(as_of: dt.date) -> int:
    """The latest year whose values should have been reported by `as_of`."""
    year = as_of.year - 1
    return year if indicator_deadline(year) < as_of else year - 1


def indicator_due_year(
    indicator: Indicator, as_of: dt.date, *, latest: int | None = None
) -> int | None:
    """The latest period `indicator` should have a value for by `as_of`, or None if none yet."""
    year = latest if latest is not None else latest_due_year(as_of)
    if indicator.year_to is not None:
        year = min(year, indicator.year_to)
    if indicator.year_from is not None and year < indicator.year_from:
        return None
    return year


# --- the result's shapes -------------------------------------------------------------------------


@dataclass
class IndicatorStatus:
    indicator: Indicator
    verdict: str
    latest_year: int | None = None
    latest_value: Decimal | None = None
    explanation: str = ""
    due_year: int | None = None
    missing: bool = False


@dataclass
class ArticleRow:
    article: Article
    measures: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    due_soon: int = 0
    flagged: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)


@dataclass
class ScorecardRow:
    organization: Organization
    measures: int = 0
    on_schedule: int = 0
    indicators_due: int = 0
    indicators_current: int = 0
    open_returned: int = 0
    median_response_days: float | None = None

    @property
    def share_on_schedule(self) -> float | None:
        return self.on_schedule / self.measures if self.measures else None

    @property
    def share_current(self) -> float | None:
        return self.indicators_current / self.indicators_due if self.indicators_due else None


@dataclass
class Pipeline:
    waiting: dict[str, int]
    returned: list[ChangeRequest]
    median_decision_days: float | None

    @property
    def waiting_total(self) -> int:
        return sum(self.waiting.values())


@dataclass
class StatusReport:
    as_of: dt.date
    organization: Organization | None
    measures_by_status: dict[str, int]
    overdue: list[Measure]
    due_soon: list[Measure]
    flagged: list[Measure]
    indicators: list[IndicatorStatus]
    pipeline: Pipeline
    by_article: list[ArticleRow] = field(default_factory=list)
    scorecard: list[ScorecardRow] = field(default_factory=list)
    failed_deliveries: list[Notification] = field(default_factory=list)

    @property
    def measures_total(self) -> int:
        return sum(self.measures_by_status.values())

    @property
    def verdicts(self) -> dict[str, int]:
        counts = dict.fromkeys(ProgressStatus.values, 0)
        for row in self.indicators:
            counts[row.verdict] += 1
        return counts

    @property
    def off_track(self) -> list[IndicatorStatus]:
        return [r for r in self.indicators if r.verdict == ProgressStatus.OFF_TRACK]

    @property
    def missing(self) -> list[IndicatorStatus]:
        return [r for r in self.indicators if r.missing]


# --- the pieces ----------------------------------------------------------------------------------


def _measures(organization_id: int | None) -> QuerySet[Measure]:
    qs = Measure.objects.all()
    if organization_id is not None:
        qs = qs.filter(organizations=organization_id)
    return qs


def _overdue_q(as_of: dt.date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}due_date__lt": as_of}) & ~Q(**{f"{prefix}status__in": CLOSED})


def _due_soon_q(as_of: dt.date, prefix: str = "") -> Q:
    until = as_of + dt.timedelta(days=DUE_SOON_DAYS)
    return Q(**{f"{prefix}due_date__gte": as_of, f"{prefix}due_date__lte": until}) & ~Q(
        **{f"{prefix}status__in": CLOSED}
    )


def _on_schedule_q(as_of: dt.date, prefix: str = "") -> Q:
    """Implemented, or neither delayed nor past its due date."""
    return Q(**{f"{prefix}status": MeasureStatus.IMPLEMENTED}) | (
        ~Q(**{f"{prefix}status": MeasureStatus.DELAYED})
        & (Q(**{f"{prefix}due_date__isnull": True}) | Q(**{f"{prefix}due_date__gte": as_of}))
    )


_LIST_FIELDS = ("pk", "key", "title_kk", "title_ru", "title_en", "status", "due_date")


def _measure_list(qs: QuerySet[Measure], *, national: bool) -> list[Measure]:
    qs = qs.only(*_LIST_FIELDS).order_by("due_date", "key")
    if national:
        qs = qs.prefetch_related("organizations")
    return list(qs)


def measures_by_status(*, organization_id: int | None = None) -> dict[str, int]:
    counts = dict.fromkeys(MeasureStatus.values, 0)
    for status, n in (
        _measures(organization_id).values_list("status").annotate(n=Count("pk")).order_by()
    ):
        counts[status] = n
    return counts


def indicator_statuses(
    *, as_of: dt.date, organization_id: int | None = None
) -> list[IndicatorStatus]:
    """Every indicator's progress verdict against its targets (annex 2) and whether it lacks a
    value for the latest period it should report. Three queries whatever the number of rows."""
    indicators = Indicator.objects.only(
        "pk",
        "key",
        "name_kk",
        "name_ru",
        "name_en",
        "direction",
        "organization",
        "programme",
        "year_from",
        "year_to",
    )
    # The few organisations once, shared by their indicators (not one copy joined per row).
    organizations = Organization.objects.only(
        "pk", "code", "short_kk", "name_kk", "name_ru", "name_en"
    ).in_bulk()
    targets = Target.objects.filter(value__isnull=False)
    totals = Observation.objects.filter(dims_key="")
    if organization_id is not None:
        indicators = indicators.filter(organization_id=organization_id)
        targets = targets.filter(indicator__organization_id=organization_id)
        totals = totals.filter(indicator__organization_id=organization_id)
    target_points: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for ind_id, year, value in targets.values_list("indicator_id", "year", "value").order_by():
        target_points[ind_id].append((year, value))
    # As indicators.progress orders them: of two totals ending in one year, the one covering more,
    # then the later recorded, stands.
    by_year: dict[int, dict[int, tuple[Decimal, str]]] = defaultdict(dict)
    for ind_id, end, value, explanation in totals.order_by(
        "indicator_id", "period_end", "-period_start", "pk"
    ).values_list("indicator_id", "period_end", "value", "explanation"):
        by_year[ind_id][end.year] = (value, explanation)
    rows = []
    latest = latest_due_year(as_of)
    for indicator in indicators.order_by("key"):
        organization = organizations.get(indicator.organization_id)
        if organization is not None:  # else (added meanwhile) read when asked for
            indicator._state.fields_cache["organization"] = organization
        observed = by_year.get(indicator.pk, {})
        points = sorted((y, v) for y, (v, _e) in observed.items())
        verdict = progress_status(
            direction=indicator.direction,
            targets=target_points.get(indicator.pk, []),
            observations=points,
        )
        latest_year = points[-1][0] if points else None
        due_year = indicator_due_year(indicator, as_of, latest=latest)
        rows.append(
            IndicatorStatus(
                indicator=indicator,
                verdict=str(verdict),
                latest_year=latest_year,
                latest_value=points[-1][1] if points else None,
                explanation=observed[latest_year][1] if latest_year is not None else "",
                due_year=due_year,
                missing=due_year is not None and (latest_year is None or latest_year < due_year),
            )
        )
    return rows


def _median_days(durations: Iterable[dt.timedelta]) -> float | None:
    values = [d.total_seconds() / 86400 for d in durations if d is not None]
    return round(statistics.median(values), 1) if values else None


def pipeline(*, as_of: dt.date, organization_id: int | None = None) -> Pipeline:
    """The review backlog: changes waiting for a reviewer by age, changes returned to their
    organisation, and the median time from submission to decision."""
    crs = ChangeRequest.objects.all()
    if organization_id is not None:
        crs = crs.filter(organization_id=organization_id)
    now = timezone.make_aware(dt.datetime.combine(as_of, dt.time.max))
    buckets = {}
    for name, low, high in WAITING_BUCKETS:
        q = Q(status=ChangeStatus.SUBMITTED, submitted_at__lte=now - dt.timedelta(days=low))
        if high is not None:
            q &= Q(submitted_at__gt=now - dt.timedelta(days=high))
        buckets[name] = Count("pk", filter=q)
    waiting = crs.aggregate(**buckets)
    returned = list(
        crs.filter(status=ChangeStatus.RETURNED)
        .select_related("organization", "author", "target_type")
        .prefetch_related("target")
        .order_by("decided_at", "pk")
    )
    decided = crs.filter(
        status__in=DECIDED, submitted_at__isnull=False, decided_at__isnull=False
    ).values_list(F("decided_at") - F("submitted_at"), flat=True)
    return Pipeline(waiting=waiting, returned=returned, median_decision_days=_median_days(decided))


def _response_times(organization_id: int | None) -> dict[int, list[dt.timedelta]]:
    """Per organisation: how long it took to act (resubmit or withdraw) on each change a reviewer
    returned to it. One query: each return event with the first later move by the organisation."""
    answer = (
        ReviewEvent.objects.filter(
            change_request=OuterRef("change_request"),
            action__in=(ReviewAction.SUBMIT, ReviewAction.WITHDRAW),
            created_at__gt=OuterRef("created_at"),
        )
        .order_by()
        .values("change_request")
        .annotate(first=Min("created_at"))
        .values("first")
    )
    returns = ReviewEvent.objects.filter(action=ReviewAction.RETURN)
    if organization_id is not None:
        returns = returns.filter(change_request__organization_id=organization_id)
    out: dict[int, list[dt.timedelta]] = defaultdict(list)
    for org_id, returned_at, answered_at in (
        returns.annotate(answered_at=Subquery(answer[:1]))
        .filter(answered_at__isnull=False)
        .values_list("change_request__organization_id", "created_at", "answered_at")
    ):
        out[org_id].append(answered_at - returned_at)
    return out


def scorecard(
    *,
    as_of: dt.date,
    indicators: list[IndicatorStatus],
    organization_id: int | None = None,
) -> list[ScorecardRow]:
    """Per organisation responsible for anything: share of its measures on schedule, share of its
    indicators with current data, its open returned changes, its median response time."""
    through = Measure.organizations.through.objects.exclude(
        measure__status=MeasureStatus.DISCONTINUED
    )
    # EXISTS, not a join through both relations: the join multiplies measures by indicators.
    orgs = Organization.objects.filter(
        Exists(Measure.organizations.through.objects.filter(organization=OuterRef("pk")))
        | Exists(Indicator.objects.filter(organization=OuterRef("pk")))
    )
    if organization_id is not None:
        through = through.filter(organization_id=organization_id)
        orgs = Organization.objects.filter(pk=organization_id)
    rows = {o.pk: ScorecardRow(organization=o) for o in orgs.order_by("code")}
    for org_id, total, on_schedule in (
        through.values_list("organization_id")
        .annotate(
            total=Count("pk"),
            on=Count("pk", filter=_on_schedule_q(as_of, prefix="measure__")),
        )
        .order_by()
    ):
        if org_id in rows:
            rows[org_id].measures, rows[org_id].on_schedule = total, on_schedule
    for status in indicators:
        row = rows.get(status.indicator.organization_id)
        if row is not None and status.due_year is not None:
            row.indicators_due += 1
            row.indicators_current += not status.missing
    returned = ChangeRequest.objects.filter(status=ChangeStatus.RETURNED)
    if organization_id is not None:
        returned = returned.filter(organization_id=organization_id)
    for org_id, n in returned.values_list("organization_id").annotate(n=Count("pk")).order_by():
        if org_id in rows:
            rows[org_id].open_returned = n
    for org_id, durations in _response_times(organization_id).items():
        if org_id in rows:
            rows[org_id].median_response_days = _median_days(durations)
    return list(rows.values())


def by_article(*, as_of: dt.date, indicators: list[IndicatorStatus]) -> list[ArticleRow]:
    """Per CRPD article with measures or indicators: measures by status, overdue, due soon,
    flagged, and indicator verdicts."""
    rows: dict[int, ArticleRow] = {}
    through = Measure.articles.through.objects
    articles = Article.objects.filter(
        Exists(through.filter(article=OuterRef("pk")))
        | Exists(Indicator.articles.through.objects.filter(article=OuterRef("pk")))
    )
    for article in articles.order_by("number"):
        rows[article.pk] = ArticleRow(
            article=article, by_status=dict.fromkeys(MeasureStatus.values, 0)
        )
    for art_id, status, n, overdue, soon, flagged in (
        through.values_list("article_id", "measure__status")
        .annotate(
            n=Count("pk"),
            overdue=Count("pk", filter=_overdue_q(as_of, prefix="measure__")),
            soon=Count("pk", filter=_due_soon_q(as_of, prefix="measure__")),
            flagged=Count("pk", filter=Q(measure__needs_review=True)),
        )
        .order_by()
    ):
        row = rows[art_id]
        row.by_status[status] = n
        row.measures += n
        row.overdue += overdue
        row.due_soon += soon
        row.flagged += flagged
    verdict_of = {s.indicator.pk: s.verdict for s in indicators}
    for ind_id, art_id in Indicator.articles.through.objects.values_list(
        "indicator_id", "article_id"
    ):
        row = rows.get(art_id)
        if row is not None and ind_id in verdict_of:
            verdicts = row.verdicts or dict.fromkeys(ProgressStatus.values, 0)
            verdicts[verdict_of[ind_id]] += 1
            row.verdicts = verdicts
    for row in rows.values():
        row.verdicts = row.verdicts or dict.fromkeys(ProgressStatus.values, 0)
    return list(rows.values())


def failed_deliveries() -> list[Notification]:
    """Every e-mail the outbox gave up on and nobody has sent again yet: each stays listed in
    every national overview until an administrator resends it."""
    return list(
        Notification.objects.filter(status=NotificationStatus.FAILED)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def status_report(*, as_of: dt.date, organization: Organization | None = None) -> StatusReport:
    """Everything the reports say, for the nation (organization=None) or one organisation."""
    org_id = organization.pk if organization is not None else None
    measures = _measures(org_id)
    national = organization is None
    indicators = indicator_statuses(as_of=as_of, organization_id=org_id)
    report = StatusReport(
        as_of=as_of,
        organization=organization,
        measures_by_status=measures_by_status(organization_id=org_id),
        overdue=_measure_list(measures.filter(_overdue_q(as_of)), national=national),
        due_soon=_measure_list(measures.filter(_due_soon_q(as_of)), national=national),
        flagged=_measure_list(measures.filter(needs_review=True), national=national),
        indicators=indicators,
        pipeline=pipeline(as_of=as_of, organization_id=org_id),
        scorecard=scorecard(as_of=as_of, indicators=indicators, organization_id=org_id),
    )
    if national:
        report.by_article = by_article(as_of=as_of, indicators=indicators)
        report.failed_deliveries = failed_deliveries()
    return report


# --- the dashboard -------------------------------------------------------------------------------


@dataclass
class NationalSummary:
    """What the dashboard shows: the numbers of the national overview (the same selectors), with
    counts where the reports list rows, so it stays small at any data size."""

    as_of: dt.date
    measures_by_status: dict[str, int]
    overdue: int
    due_soon: int
    flagged: int
    verdicts: dict[str, int]
    verdict_of: dict[int, str]
    due_ids: frozenset[int]
    missing_ids: frozenset[int]
    organization_of: dict[int, int | None]
    programme_of: dict[int, int | None]
    missing: int
    indicators_due: int
    by_article: list[ArticleRow]
    scorecard: list[ScorecardRow]
    waiting: int
    returned: int
    latest_approval: dt.datetime | None
    latest_period: dt.date | None

    @property
    def measures_total(self) -> int:
        return sum(self.measures_by_status.values())

    @property
    def indicators_current(self) -> int:
        """Indicators that owe a value and have it (`missing` counts only those that owe one)."""
        return self.indicators_due - self.missing

    @property
    def indicators_total(self) -> int:
        return sum(self.verdicts.values())


def national_summary(*, as_of: dt.date) -> NationalSummary:
    """The national headline, per article and per organisation: measures_by_status,
    indicator_statuses, by_article, scorecard and pipeline, as the national overview computes
    them; lists replaced by their counts. About 20 queries whatever the data size."""
    indicators = indicator_statuses(as_of=as_of)
    measures = Measure.objects.aggregate(
        overdue=Count("pk", filter=_overdue_q(as_of)),
        due_soon=Count("pk", filter=_due_soon_q(as_of)),
        flagged=Count("pk", filter=Q(needs_review=True)),
    )
    counts = dict.fromkeys(ProgressStatus.values, 0)
    for row in indicators:
        counts[row.verdict] += 1
    crs = ChangeRequest.objects.all()
    return NationalSummary(
        as_of=as_of,
        measures_by_status=measures_by_status(),
        overdue=measures["overdue"],
        due_soon=measures["due_soon"],
        flagged=measures["flagged"],
        verdicts=counts,
        verdict_of={row.indicator.pk: row.verdict for row in indicators},
        due_ids=frozenset(r.indicator.pk for r in indicators if r.due_year is not None),
        missing_ids=frozenset(r.indicator.pk for r in indicators if r.missing),
        organization_of={row.indicator.pk: row.indicator.organization_id for row in indicators},
        programme_of={row.indicator.pk: row.indicator.programme_id for row in indicators},
        missing=sum(row.missing for row in indicators),
        indicators_due=sum(row.due_year is not None for row in indicators),
        by_article=by_article(as_of=as_of, indicators=indicators),
        scorecard=scorecard(as_of=as_of, indicators=indicators),
        waiting=crs.filter(status=ChangeStatus.SUBMITTED).count(),
        returned=crs.filter(status=ChangeStatus.RETURNED).count(),
        latest_approval=crs.filter(status=ChangeStatus.APPROVED).aggregate(last=Max("decided_at"))[
            "last"
        ],
        latest_period=Observation.objects.aggregate(last=Max("period_end"))["last"],
    )


SUMMARY_TIMEOUT = 60 * 60
# At most one process computes the summary at a time (at 100x the data it takes seconds); the
# others serve the latest one meanwhile, and the pages built from it are not cached.
_COMPUTING_KEY = "reports:summary:computing"
_COMPUTING_TIMEOUT = 300


def cached_national_summary(*, as_of: dt.date) -> NationalSummary:
    """national_summary from the shared cache, computed once per day and data generation
    (tracker/common/generation.py: every write moves it on); at most an hour old otherwise.
    While another process computes the new one, the latest is served (marked stale); only with
    none at all does a second process compute too."""
    number = generation.current()
    if number is None:  # no cache: computed every time
        return national_summary(as_of=as_of)
    key, latest_key = _summary_key(as_of, number), _summary_key(as_of, "latest")
    summary = cache.get(key)
    if summary is not None:
        return summary
    if not cache.add(_COMPUTING_KEY, number, _COMPUTING_TIMEOUT):
        latest = cache.get(latest_key)
        if latest is not None:
            generation.served_stale()
            return latest
        # None at all yet (the day's first, or a cold cache): wait for the one being computed
        # rather than compute it in every process at once (on 2 cores, five at once took each
        # of them three times as long).
        waited = _wait_for(key)
        return waited if waited is not None else national_summary(as_of=as_of)
    try:
        summary = national_summary(as_of=as_of)
        cache.set_many({key: summary, latest_key: summary}, SUMMARY_TIMEOUT)
    finally:
        cache.delete(_COMPUTING_KEY)
    return summary


_WAIT_SECONDS, _WAIT_STEP = 30.0, 0.05


def _summary_key(as_of: dt.date, generation_number: int | str) -> str:
    return f"reports:summary:{as_of.isoformat()}:{generation_number}"


def _wait_for(key: str) -> NationalSummary | None:
    """The summary under `key` once the process computing it has stored it; None if it gave up
    (the lock gone with nothing stored) or took longer than _WAIT_SECONDS."""
    deadline = time.monotonic() + _WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(_WAIT_STEP)
        summary = cache.get(key)
        if summary is not None:
            return summary
        if cache.get(_COMPUTING_KEY) is None:
            return cache.get(key)
    return None


def warm_national_summary(*, as_of: dt.date) -> bool:
    """Compute the summary of the current generation unless it is cached or being computed (the
    warm-up task after a write): True when it computed."""
    number = generation.current()
    if number is None or cache.get(_summary_key(as_of, number)) is not None:
        return False
    if cache.get(_COMPUTING_KEY) is not None:
        return False
    cached_national_summary(as_of=as_of)
    return True
