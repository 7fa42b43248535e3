"""The public overview pages: the dashboard, an article's summary, the organisations and their
scorecards. Their numbers are the status reports' (reports/selectors.py, the same selectors as the
e-mailed national overview), read through its cache; every list is paginated or cut, so the number
of queries does not grow with the data."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.progress import ProgressStatus
from indicators.selectors import indicators_of_article, indicators_of_organization, totals_of
from reports.charts import sparkline, stacked_bar
from reports.selectors import NationalSummary, ScorecardRow, cached_national_summary
from tracker.convention.selectors import (
    article_list_with_paragraph_counts,
    article_queryset,
    paragraphs_of_article,
)
from tracker.law.selectors import acts_cited_under_article
from tracker.measures.selectors import (
    measure_status_counts,
    measures_of_article,
    measures_of_organization,
)
from tracker.models import ChangeStatus, MeasureStatus
from tracker.organisations.selectors import organization_list as organizations_in_order
from tracker.organisations.selectors import organization_queryset
from tracker.workflow.selectors import open_change_requests, review_queue

PAGE_SIZE = 25
SCORECARD_ON_DASHBOARD = 15


def measures_url(**params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("tracker:measure-list") + (f"?{query}" if query else "")


def indicators_url(**params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return reverse("indicators:indicator-list") + (f"?{query}" if query else "")


def status_rows(counts: dict[str, int], **params: Any) -> list[dict[str, Any]]:
    return [
        {
            "key": value,
            "label": label,
            "count": counts.get(value, 0),
            "url": measures_url(status=value, **params),
        }
        for value, label in MeasureStatus.choices
    ]


def verdict_rows(counts: dict[str, int], **params: Any) -> list[dict[str, Any]]:
    return [
        {
            "key": value,
            "label": label,
            "count": counts.get(value, 0),
            "url": indicators_url(verdict=value, **params),
        }
        for value, label in ProgressStatus.choices
    ]


def bar_for(rows: list[dict[str, Any]], what: str) -> str:
    words = "; ".join(f"{r['label']}: {r['count']}" for r in rows)
    return stacked_bar([(r["key"], r["label"], r["count"]) for r in rows], label=f"{what}. {words}")


def _article_rows(summary: NationalSummary) -> list[dict[str, Any]]:
    """Every article of the Convention (those with nothing are zeros) with its measures by
    status, overdue and its indicators' verdicts, each number with the address of its list."""
    rows = {r.article.pk: r for r in summary.by_article}
    out = []
    for article in article_list_with_paragraph_counts():
        row = rows.get(article.pk)
        counts = row.by_status if row else {}
        statuses = status_rows(counts, article=article.number)
        verdicts = row.verdicts if row else {}
        out.append(
            {
                "article": article,
                "measures": row.measures if row else 0,
                "measures_url": measures_url(article=article.number),
                "statuses": statuses,
                "overdue": row.overdue if row else 0,
                "overdue_url": measures_url(article=article.number, overdue=1),
                "indicators": sum(verdicts.values()),
                "indicators_url": indicators_url(article=article.number),
                "bar": bar_for(statuses, _("Measures by status")),
            }
        )
    return out


def _counted_page(queryset, total: int, number: str | None):
    """A page of `queryset`, whose size is already known (the status counts add up to it): the
    paginator does not count the rows a second time."""
    paginator = Paginator(queryset, PAGE_SIZE)
    paginator.count = total  # its cached_property, set beforehand
    return paginator.get_page(number)


def _scorecard_dict(row: ScorecardRow) -> dict[str, Any]:
    code = row.organization.code
    return {
        "row": row,
        "organization": row.organization,
        "url": reverse("tracker:organization-detail", args=[code]),
        # The scorecard counts the measures not discontinued; the list it links to, too.
        "measures_url": measures_url(organization=code, discontinued=0),
        "share_on_schedule": None
        if row.share_on_schedule is None
        else round(row.share_on_schedule * 100),
        "share_current": None if row.share_current is None else round(row.share_current * 100),
        # "x of y due" counts the indicators owing a value: the list it links to, too.
        "indicators_url": indicators_url(organization=code, due=1),
    }


def _todo(user) -> dict[str, Any] | None:
    """A signed-in editor's or reviewer's own work, counted (the lists are on "my work")."""
    if not user.is_authenticated:
        return None
    editor = user.has_perm("tracker.work_for_organisation") and user.organization_id
    reviewer = user.has_perm("tracker.review_changerequest")
    if not (editor or reviewer):
        return None
    todo: dict[str, Any] = {"editor": bool(editor), "reviewer": reviewer}
    if editor:
        org_id = user.organization_id
        mine = open_change_requests(organization_id=org_id, statuses=[ChangeStatus.DRAFT])
        todo["drafts"] = mine.count()
        todo["returned"] = open_change_requests(
            organization_id=org_id, statuses=[ChangeStatus.RETURNED]
        ).count()
        todo["flagged"] = (
            measures_of_organization(organization_id=org_id).filter(needs_review=True).count()
        )
        code = user.organization.code
        todo["overdue_url"] = measures_url(organization=code, overdue=1)
        todo["overdue"] = measure_status_counts(organization_id=org_id)["overdue"]
    if reviewer:
        queue = review_queue()
        todo["queue"] = queue.count()
        todo["oldest"] = list(queue[:5])
    return todo


def dashboard(request: HttpRequest) -> HttpResponse:
    summary = cached_national_summary(as_of=timezone.localdate())
    statuses = status_rows(summary.measures_by_status)
    verdicts = verdict_rows(summary.verdicts)
    scorecard = sorted(summary.scorecard, key=lambda r: (-r.measures, r.organization.code))
    return render(
        request,
        "tracker/dashboard.html",
        {
            "summary": summary,
            "todo": _todo(request.user),
            "statuses": statuses,
            "verdicts": verdicts,
            "status_bar": bar_for(statuses, _("Measures by status")),
            "verdict_bar": bar_for(verdicts, _("Indicators by progress")),
            "overdue_url": measures_url(overdue=1),
            "due_url": indicators_url(due=1),
            "missing_url": indicators_url(missing=1),
            "flagged_url": measures_url(needs_review="true"),
            "articles": _article_rows(summary),
            "scorecard": [_scorecard_dict(r) for r in scorecard[:SCORECARD_ON_DASHBOARD]],
            "scorecard_total": len(scorecard),
        },
    )


def _indicator_rows(indicators, summary: NationalSummary) -> list[dict[str, Any]]:
    """Indicators with their verdict (the reports') and a sparkline of their totals."""
    indicators = list(indicators)
    points = totals_of([i.pk for i in indicators])
    rows = []
    for indicator in indicators:
        series = points.get(indicator.pk, [])
        verdict = summary.verdict_of.get(indicator.pk, ProgressStatus.NO_DATA)
        label = _("Totals %(first)s–%(last)s") % {
            "first": series[0][0] if series else "",
            "last": series[-1][0] if series else "",
        }
        rows.append(
            {
                "indicator": indicator,
                "verdict": verdict,
                "verdict_label": ProgressStatus(verdict).label,
                "points": series,
                "sparkline": sparkline(series, label=label),
                "latest": series[-1] if series else None,
            }
        )
    return rows


def article_detail(request: HttpRequest, number: int) -> HttpResponse:
    article = get_object_or_404(article_queryset(), number=number)
    summary = cached_national_summary(as_of=timezone.localdate())
    counts = measure_status_counts(article_id=article.pk)
    statuses = status_rows(counts, article=number)
    measures_total = sum(counts[s] for s in MeasureStatus.values)
    indicators = Paginator(indicators_of_article(article_id=article.pk), PAGE_SIZE)
    paragraphs = Paginator(paragraphs_of_article(article_id=article.pk), PAGE_SIZE)
    indicator_page = indicators.get_page(request.GET.get("indicators"))
    acts, acts_total = acts_cited_under_article(article_id=article.pk, limit=20)
    return render(
        request,
        "tracker/article_detail.html",
        {
            "article": article,
            "statuses": statuses,
            "status_bar": bar_for(statuses, _("Measures by status")),
            "measures_total": measures_total,
            "overdue": counts["overdue"],
            "overdue_url": measures_url(article=number, overdue=1),
            "all_measures_url": measures_url(article=number),
            "measures": _counted_page(
                measures_of_article(article_id=article.pk),
                measures_total,
                request.GET.get("measures"),
            ),
            "indicator_page": indicator_page,
            "indicator_rows": _indicator_rows(indicator_page, summary),
            "acts": acts,
            "acts_total": acts_total,
            "paragraphs": paragraphs.get_page(request.GET.get("paragraphs")),
        },
    )


def organization_list(request: HttpRequest) -> HttpResponse:
    summary = cached_national_summary(as_of=timezone.localdate())
    rows = {r.organization.pk: r for r in summary.scorecard}
    page = Paginator(organizations_in_order(), 50).get_page(request.GET.get("page"))
    items = []
    for organization in page:
        row = rows.get(organization.pk) or ScorecardRow(organization=organization)
        items.append(_scorecard_dict(row) | {"organization": organization})
    return render(request, "tracker/organization_list.html", {"page": page, "items": items})


def organization_detail(request: HttpRequest, code: str) -> HttpResponse:
    if "\x00" in code:  # PostgreSQL refuses such a text outright; no code has one
        raise Http404
    organization = get_object_or_404(organization_queryset(), code=code)
    summary = cached_national_summary(as_of=timezone.localdate())
    row = next(
        (r for r in summary.scorecard if r.organization.pk == organization.pk),
        ScorecardRow(organization=organization),
    )
    counts = measure_status_counts(organization_id=organization.pk)
    statuses = status_rows(counts, organization=code)
    indicators = Paginator(indicators_of_organization(organization_id=organization.pk), PAGE_SIZE)
    indicator_page = indicators.get_page(request.GET.get("indicators"))
    own_verdicts = dict.fromkeys(ProgressStatus.values, 0)
    for status in _verdicts_of(summary, organization.pk):
        own_verdicts[status] += 1
    return render(
        request,
        "tracker/organization_detail.html",
        {
            "organization": organization,
            "card": _scorecard_dict(row),
            "statuses": statuses,
            "status_bar": bar_for(statuses, _("Measures by status")),
            "overdue": counts["overdue"],
            "overdue_url": measures_url(organization=code, overdue=1),
            "verdicts": verdict_rows(own_verdicts, organization=code),
            "measures": _counted_page(
                measures_of_organization(organization_id=organization.pk),
                sum(counts[s] for s in MeasureStatus.values),
                request.GET.get("measures"),
            ),
            "indicator_page": indicator_page,
            "indicator_rows": _indicator_rows(indicator_page, summary),
        },
    )


def _verdicts_of(summary: NationalSummary, organization_id: int) -> list[str]:
    return [
        verdict
        for pk, verdict in summary.verdict_of.items()
        if summary.organization_of.get(pk) == organization_id
    ]
