"""Indicator pages: the public list and detail, and proposing an observation, a target or a change
to the indicator's definition (through the tracker workflow services, like every other change)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from indicators.models import Indicator, Observation, Target
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
    user = request.user
    return render(
        request,
        "indicators/indicator_detail.html",
        {
            "indicator": indicator,
            "progress": progress_by_year(indicator),
            "can_record": user.has_perm(
                "tracker.propose_change", Proposal(Observation, payload={"indicator": pk})
            ),
            "can_set_targets": user.has_perm(
                "tracker.propose_change", Proposal(Target, payload={"indicator": pk})
            ),
            "can_edit_indicator": user.has_perm(
                "tracker.propose_change", Proposal(Indicator, indicator)
            ),
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


@login_required
def target_propose_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a target for a year the indicator has none for."""
    indicator = get_object_or_404(Indicator, pk=pk)
    if not request.user.has_perm(
        "tracker.propose_change", Proposal(Target, payload={"indicator": pk})
    ):
        raise PermissionDenied
    return proposal_page(
        request,
        model=Target,
        initial={"indicator": indicator.pk},
        hidden=("indicator",),
        context={"indicator": indicator},
    )


@login_required
def target_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a change to a target: it decides whether the indicator is off track, so it is
    reviewed like an observation."""
    target = get_object_or_404(Target.objects.select_related("indicator"), pk=pk)
    if not request.user.has_perm("tracker.propose_change", Proposal(Target, target)):
        raise PermissionDenied
    return proposal_page(
        request,
        model=Target,
        target=target,
        hidden=("indicator",),
        context={"indicator": target.indicator},
    )


@login_required
def indicator_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a change to the indicator's definition (name, unit, direction, responsibility)."""
    indicator = get_object_or_404(Indicator, pk=pk)
    if not request.user.has_perm("tracker.propose_change", Proposal(Indicator, indicator)):
        raise PermissionDenied
    return proposal_page(
        request,
        model=Indicator,
        target=indicator,
        hidden=("key",),
        context={"indicator": indicator},
    )
