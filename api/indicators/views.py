"""indicators' public endpoints of API v1: approved, live data only, read through
indicators/selectors.py."""

from __future__ import annotations

from api.exports import ExportMixin, TidyExportMixin
from api.tracker.views import KEY_PATTERN, PublicListViewSet, PublicViewSet
from exports import tables
from indicators.selectors import (
    dimension_list,
    indicator_list,
    observation_list,
    programme_list,
    target_list,
)

from . import filters
from . import serializers as s


class ProgrammeViewSet(PublicViewSet):
    queryset = programme_list()
    serializer_class = s.ProgrammeSerializer
    lookup_field = "key"
    lookup_value_regex = KEY_PATTERN


class IndicatorViewSet(ExportMixin, PublicViewSet):
    export_table = tables.INDICATORS
    queryset = indicator_list(with_links=True)
    serializer_class = s.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    lookup_field = "key"
    lookup_value_regex = KEY_PATTERN


class TargetViewSet(ExportMixin, PublicListViewSet):
    export_table = tables.TARGETS
    queryset = target_list()
    serializer_class = s.TargetSerializer
    filterset_class = filters.TargetFilter


class ObservationViewSet(ExportMixin, TidyExportMixin, PublicListViewSet):
    export_table = tables.OBSERVATIONS
    queryset = observation_list()
    serializer_class = s.ObservationSerializer
    filterset_class = filters.ObservationFilter
    # ?cursor=: api/pagination.py; in the order of their ids (the page-number list keeps
    # indicator, period, cell), the one unique order a position can be kept in.
    keyset_ordering = ("id",)


class DimensionViewSet(PublicViewSet):
    queryset = dimension_list()
    serializer_class = s.DimensionSerializer
    lookup_field = "code"
