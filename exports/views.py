"""The pages' download links: every list as CSV or XLSX, narrowed by the page's own filters and
written in the page's language (the URL's /kk/, /ru/ or /en/). Public lists show live (approved)
data only, as their pages do; the change requests are those the signed-in person may see."""

from __future__ import annotations

import django_filters as df
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tracker.measures.filters import MeasureFilter
from tracker.workflow.selectors import change_requests_visible_to

from . import filters, tables, writers

FORMATS = ("csv", "xlsx")
FILTERS: dict[str, type[df.FilterSet]] = {
    "measures": MeasureFilter,
    "legal-acts": filters.NoFilter,
    "citations": filters.CitationExportFilter,
    "indicators": filters.IndicatorExportFilter,
    "targets": filters.TargetExportFilter,
    "observations": filters.ObservationExportFilter,
}


def _refused(request: HttpRequest, filterset: df.FilterSet) -> HttpResponse:
    """Bad filter values: say which and why, export nothing."""
    return render(request, "exports/refused.html", {"form": filterset.form}, status=400)


def export_list(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    if name not in FILTERS or fmt not in FORMATS:
        raise Http404
    filterset = FILTERS[name](request.GET, queryset=tables.BASE_QUERYSETS[name]())
    if not filterset.is_valid():
        return _refused(request, filterset)
    if name == "indicators" and fmt == "xlsx":
        # The indicators' workbook carries their targets and observations on sheets of their own.
        sheets = tables.indicator_workbook_sheets(filterset.qs)
        return writers.xlsx_response(sheets, stem=name)
    return writers.table_response(tables.TABLES[name], filterset.qs, fmt)


def export_tidy(request: HttpRequest) -> HttpResponse:
    """Indicator data in the tidy shape: one row per observation, one column per dimension."""
    filterset = filters.ObservationExportFilter(
        request.GET, queryset=tables.BASE_QUERYSETS["observations"]()
    )
    if not filterset.is_valid():
        return _refused(request, filterset)
    headers, rows = tables.tidy_observation_rows(filterset.qs)
    return writers.csv_response(headers, rows, stem="observations-tidy")


@login_required
def export_change_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    queryset = change_requests_visible_to(request.user)
    return writers.table_response(tables.CHANGE_REQUESTS, queryset, fmt)
