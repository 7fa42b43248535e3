"""Query-string filters of indicators' public endpoints."""

from __future__ import annotations

import re

import django_filters as df
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from indicators.models import Indicator, Observation, Placement, Target

# No observation has more dimensions than this; a longer query is a mistake or an attack.
MAX_DIMENSIONS = 6
_CODE = re.compile(r"^[-a-z0-9_]+$")


class DimensionPairsField(forms.CharField):
    """`region:akmola,sex:female` → [("region", "akmola"), ("sex", "female")]."""

    def to_python(self, value: str | None) -> list[tuple[str, str]]:
        value = super().to_python(value)
        if not value:
            return []
        pairs: dict[str, str] = {}
        items = value.split(",")
        if len(items) > MAX_DIMENSIONS:
            raise forms.ValidationError(
                _("Give at most %(n)s dimensions.") % {"n": MAX_DIMENSIONS}, code="dim_count"
            )
        for item in items:
            dimension, sep, code = item.strip().partition(":")
            if not (sep and _CODE.match(dimension) and _CODE.match(code)):
                raise forms.ValidationError(
                    _("Write dimensions as code:value, e.g. region:akmola."), code="dim"
                )
            if dimension in pairs:
                raise forms.ValidationError(_("Give each dimension once."), code="dim_repeated")
            pairs[dimension] = code
        return sorted(pairs.items())


@extend_schema_field(OpenApiTypes.STR)
class DimensionFilter(df.Filter):
    field_class = DimensionPairsField

    def filter(self, qs: QuerySet, value: list[tuple[str, str]]) -> QuerySet:
        # Matched on the cell's dims_key ("region=akmola;sex=female", sorted), one indexed-column
        # test per pair: joining the M2M once per pair made the planner's work explode.
        for dimension, code in value or []:
            qs = qs.filter(dims_key__regex=rf"(^|;){re.escape(dimension)}={re.escape(code)}(;|$)")
        return qs


class IndicatorFilter(df.FilterSet):
    programme = df.CharFilter(field_name="programme__key", help_text="Programme key.")
    article = df.NumberFilter(
        field_name="articles__number", distinct=True, help_text="CRPD article number."
    )
    organization = df.CharFilter(field_name="organization__code", help_text="Organisation code.")

    class Meta:
        model = Indicator
        fields = ["programme", "article", "organization"]


class TargetFilter(df.FilterSet):
    indicator = df.CharFilter(field_name="indicator__key", help_text="Indicator key.")
    year = df.NumberFilter()
    placement = df.ChoiceFilter(choices=Placement.choices)

    class Meta:
        model = Target
        fields = ["indicator", "year", "placement"]


class ObservationFilter(df.FilterSet):
    indicator = df.CharFilter(field_name="indicator__key", help_text="Indicator key.")
    period_from = df.DateFilter(
        field_name="period_end", lookup_expr="gte", help_text="Periods ending on or after."
    )
    period_to = df.DateFilter(
        field_name="period_start", lookup_expr="lte", help_text="Periods starting on or before."
    )
    dim = DimensionFilter(
        help_text="Dimension values, comma-separated code:value pairs, all of which must match: "
        "`region:akmola,sex:female`."
    )
    paragraph = df.NumberFilter(field_name="paragraph__number", help_text="Report paragraph.")

    class Meta:
        model = Observation
        fields = ["indicator", "period_from", "period_to", "dim", "paragraph"]
