"""Indicator pages: the public list and detail, and proposing an observation (through the tracker
workflow services, like every other change)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from indicators.models import Indicator, Observation
from indicators.selectors import indicator_detail, indicator_list, progress_by_year
from tracker.rules import Proposal
from web.tracker.views import proposal_page


def indicator_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(indicator_list(), 50).get_page(request.GET.get("page"))
    return render(request, "indicators/indicator_list.html", {"page": page})


def indicator_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        indicator = indicator_detail(pk)
    except Indicator.DoesNotExist:
        raise Http404 from None
    can_record = request.user.has_perm(
        "tracker.propose_change", Proposal(Observation, payload={"indicator": pk})
    )
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
    indicator = get_object_or_404(Indicator, pk=pk)
    if not request.user.has_perm(
        "tracker.propose_change", Proposal(Observation, payload={"indicator": pk})
    ):
        raise PermissionDenied
    return proposal_page(
        request,
        model=Observation,
        initial={"indicator": indicator.pk},
        hidden=("indicator",),
        context={"indicator": indicator},
    )


@login_required
def observation_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a correction to a recorded value (a revised statistic, a wrong period)."""
    observation = get_object_or_404(Observation.objects.select_related("indicator"), pk=pk)
    if not request.user.has_perm("tracker.propose_change", Proposal(Observation, observation)):
        raise PermissionDenied
    return proposal_page(
        request,
        model=Observation,
        target=observation,
        hidden=("indicator",),
        context={"indicator": observation.indicator},
    )
