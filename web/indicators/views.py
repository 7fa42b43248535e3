"""Indicator pages: the public list and detail, and proposing an observation (through the tracker
workflow services, like every other change)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from indicators.models import Indicator, Observation
from indicators.selectors import (
    indicator_detail,
    indicator_list,
    indicator_queryset,
    observations_with_indicator,
    progress_by_year,
)
from tracker import rules as permissions
from web.tracker.views import ProposalView


def indicator_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(indicator_list(), 50).get_page(request.GET.get("page"))
    return render(request, "indicators/indicator_list.html", {"page": page})


def indicator_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        indicator = indicator_detail(pk)
    except Indicator.DoesNotExist:
        raise Http404 from None
    can_record = permissions.can_propose(request.user, Observation, payload={"indicator": pk})
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "progress": progress_by_year(indicator),
            "can_record": can_record,
        },
    )


@login_required
def observation_propose_new(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(indicator_queryset(), pk=pk)
    if not permissions.can_propose(request.user, Observation, payload={"indicator": pk}):
        raise PermissionDenied
    return ProposalView(
        request,
        model=Observation,
        initial={"indicator": indicator.pk},
        hidden=("indicator",),
        context={"indicator": indicator},
    ).respond()


@login_required
def observation_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a correction to a recorded value (a revised statistic, a wrong period)."""
    observation = get_object_or_404(observations_with_indicator(), pk=pk)
    if not permissions.can_propose(request.user, Observation, target=observation):
        raise PermissionDenied
    return ProposalView(
        request,
        model=Observation,
        target=observation,
        hidden=("indicator",),
        context={"indicator": observation.indicator},
    ).respond()
