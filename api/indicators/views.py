"""indicators' public endpoints of API v1: approved, live data only."""

from __future__ import annotations

from django.db.models import Prefetch

from api.tracker.views import KEY_PATTERN, PublicListViewSet, PublicViewSet
from indicators.models import Dimension, DimensionValue, Indicator, Observation, Programme, Target
from tracker.models import Article, ReportParagraph

from . import filters
from . import serializers as s


class ProgrammeViewSet(PublicViewSet):
    queryset = Programme.objects.select_related("approving_act").order_by("key")
    serializer_class = s.ProgrammeSerializer
    lookup_field = "key"
    lookup_value_regex = KEY_PATTERN


class IndicatorViewSet(PublicViewSet):
    queryset = (
        Indicator.objects.select_related("programme", "organization")
        .prefetch_related(
            Prefetch("articles", queryset=Article.objects.order_by("number")),
            Prefetch("dimensions", queryset=Dimension.objects.order_by("code")),
            Prefetch("source_paragraphs", queryset=ReportParagraph.objects.order_by("number")),
        )
        .order_by("key")
    )
    serializer_class = s.IndicatorSerializer
    filterset_class = filters.IndicatorFilter
    lookup_field = "key"
    lookup_value_regex = KEY_PATTERN


class TargetViewSet(PublicListViewSet):
    queryset = Target.objects.select_related("indicator").order_by("indicator__key", "year")
    serializer_class = s.TargetSerializer
    filterset_class = filters.TargetFilter


class ObservationViewSet(PublicListViewSet):
    queryset = (
        Observation.objects.select_related("indicator", "paragraph")
        .prefetch_related(
            Prefetch(
                "dimension_values",
                queryset=DimensionValue.objects.select_related("dimension"),
            )
        )
        .order_by("indicator__key", "period_end", "dims_key", "pk")
    )
    serializer_class = s.ObservationSerializer
    filterset_class = filters.ObservationFilter


class DimensionViewSet(PublicViewSet):
    queryset = Dimension.objects.prefetch_related(
        Prefetch("values", queryset=DimensionValue.objects.order_by("code"))
    ).order_by("code")
    serializer_class = s.DimensionSerializer
    lookup_field = "code"
