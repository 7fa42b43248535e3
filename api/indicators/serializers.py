"""Read shapes of indicators' public endpoints; related records by natural key."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.models import Dimension, DimensionValue, Indicator, Observation, Programme, Target
from tracker.models import localized

from .keys import observation_ref


class ProgrammeSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()
    approving_act = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)

    class Meta:
        model = Programme
        fields = [
            "key",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "approving_act",
            "period_start",
            "period_end",
            "source_annex",
            "curation",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_name(self, programme: Programme) -> str:
        return localized(programme, "name")


class IndicatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    programme = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    articles = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)
    organization = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    dimensions = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    source_paragraphs = serializers.SlugRelatedField(slug_field="number", many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "key",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "unit",
            "unit_label_kk",
            "direction",
            "programme",
            "articles",
            "organization",
            "dimensions",
            "year_from",
            "year_to",
            "source_paragraphs",
            "source_annex",
            "version",
            "curation",
        ]


class TargetSerializer(serializers.ModelSerializer):
    indicator = serializers.SlugRelatedField(slug_field="key", read_only=True)

    class Meta:
        model = Target
        fields = [
            "indicator",
            "year",
            "value",
            "text_kk",
            "placement",
            "reasoning",
            "source_annex",
            "version",
            "curation",
        ]


class ObservationSerializer(serializers.ModelSerializer):
    ref = serializers.SerializerMethodField(
        help_text="Names the observation as a change-request target: its key, or its cell "
        "`<indicator>@<start>/<end>[<dims>]` where it has none."
    )
    indicator = serializers.SlugRelatedField(slug_field="key", read_only=True)
    dimensions = serializers.SerializerMethodField(
        help_text='Dimension code → value code, e.g. {"region": "akmola"}.'
    )
    paragraph = serializers.SlugRelatedField(slug_field="number", read_only=True, allow_null=True)

    class Meta:
        model = Observation
        fields = [
            "key",
            "ref",
            "indicator",
            "period_start",
            "period_end",
            "value",
            "dimensions",
            "paragraph",
            "source_annex",
            "text_kk",
            "explanation",
            "version",
            "updated_at",
            "curation",
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_ref(self, obs: Observation) -> str:
        return observation_ref(obs)

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "string"}})
    def get_dimensions(self, obs: Observation) -> dict[str, str]:
        return {dv.dimension.code: dv.code for dv in obs.dimension_values.all()}


class DimensionValueSerializer(serializers.ModelSerializer):
    class Meta:
        model = DimensionValue
        fields = ["code", "name_kk", "name_ru", "name_en"]


class DimensionSerializer(serializers.ModelSerializer):
    values = DimensionValueSerializer(many=True, read_only=True)

    class Meta:
        model = Dimension
        fields = ["code", "name_kk", "name_ru", "name_en", "values"]
