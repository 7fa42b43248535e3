"""Indicator pages: the public list and detail, and proposing an observation, a target or a change
to the indicator's definition (through the tracker workflow services, like every other change)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from indicators.models import Indicator, Observation, Target
from indicators.selectors import (
    indicator_queryset,
    observations_with_indicator,
    target_list,
)
from tracker.rules import Proposal
from web.tracker.views import ProposalView


def _may_propose(request: HttpRequest, proposal: Proposal) -> bool:
    return request.user.has_perm("tracker.propose_change", proposal)


@login_required
def observation_propose_new(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(indicator_queryset(), pk=pk)
    if not _may_propose(request, Proposal(Observation, payload={"indicator": pk})):
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
    if not _may_propose(request, Proposal(Observation, observation)):
        raise PermissionDenied
    return ProposalView(
        request,
        model=Observation,
        target=observation,
        hidden=("indicator",),
        context={"indicator": observation.indicator},
    ).respond()


@login_required
def target_propose_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a target for a year the indicator has none for."""
    indicator = get_object_or_404(indicator_queryset(), pk=pk)
    if not _may_propose(request, Proposal(Target, payload={"indicator": pk})):
        raise PermissionDenied
    return ProposalView(
        request,
        model=Target,
        initial={"indicator": indicator.pk},
        hidden=("indicator",),
        context={"indicator": indicator},
    ).respond()


@login_required
def target_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a change to a target: it decides whether the indicator is off track, so it is
    reviewed like an observation."""
    target = get_object_or_404(target_list(), pk=pk)
    if not _may_propose(request, Proposal(Target, target)):
        raise PermissionDenied
    return ProposalView(
        request,
        model=Target,
        target=target,
        hidden=("indicator",),
        context={"indicator": target.indicator},
    ).respond()


@login_required
def indicator_propose(request: HttpRequest, pk: int) -> HttpResponse:
    """Propose a change to the indicator's definition (name, unit, direction, responsibility)."""
    indicator = get_object_or_404(indicator_queryset(), pk=pk)
    if not _may_propose(request, Proposal(Indicator, indicator)):
        raise PermissionDenied
    return ProposalView(
        request,
        model=Indicator,
        target=indicator,
        hidden=("key",),
        context={"indicator": indicator},
    ).respond()
