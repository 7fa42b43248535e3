from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from tracker.admin import ChangedOnlyByReview, DataFlagInline, SavedThroughService

from .models import Dimension, DimensionValue, Indicator, Observation, Programme, Target


@admin.register(Programme)
class ProgrammeAdmin(SavedThroughService, SimpleHistoryAdmin):
    list_display = ("key", "short_name", "approving_act", "period_start", "period_end")
    search_fields = ("key", "name_kk", "name_ru", "name_en")
    list_select_related = ("approving_act",)
    autocomplete_fields = ("approving_act",)
    inlines = [DataFlagInline]

    @admin.display(description=_("name"))
    def short_name(self, obj: Programme) -> str:
        return str(obj)[:90]


class DimensionValueInline(admin.TabularInline):
    model = DimensionValue
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("dimension")  # for __str__


@admin.register(Dimension)
class DimensionAdmin(SavedThroughService, SimpleHistoryAdmin):
    list_display = ("code", "name_kk", "name_ru", "name_en")
    search_fields = ("code", "name_kk", "name_en")
    inlines = [DimensionValueInline]


@admin.register(DimensionValue)
class DimensionValueAdmin(SavedThroughService, SimpleHistoryAdmin):
    list_display = ("dimension", "code", "name_kk", "name_en")
    list_filter = ("dimension",)
    search_fields = ("code", "name_kk", "name_ru", "name_en")
    list_select_related = ("dimension",)


class TargetInline(ChangedOnlyByReview, admin.TabularInline):
    model = Target
    extra = 0
    fields = ("year", "value", "text_kk", "placement", "reasoning", "source_annex", "version")
    readonly_fields = ("version",)

    def get_queryset(self, request):
        # A target's __str__ names its indicator's key: one query, not one per row.
        return super().get_queryset(request).select_related("indicator")


class ObservationInline(ChangedOnlyByReview, admin.TabularInline):
    model = Observation
    extra = 0
    fields = ("period_start", "period_end", "value", "dims_key", "paragraph", "source_annex")
    readonly_fields = ("dims_key",)
    raw_id_fields = ("paragraph",)
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "paragraph")


@admin.register(Indicator)
class IndicatorAdmin(ChangedOnlyByReview, SimpleHistoryAdmin):
    list_display = ("key", "short_name", "unit", "direction", "programme", "organization")
    list_filter = ("unit", "direction", "programme", "curation")
    search_fields = ("key", "name_kk", "name_ru", "name_en")
    list_select_related = ("programme", "organization")
    autocomplete_fields = ("programme", "organization")
    filter_horizontal = ("articles", "dimensions")
    raw_id_fields = ("source_paragraphs",)
    readonly_fields = ("version",)
    inlines = [TargetInline, ObservationInline, DataFlagInline]

    @admin.display(description=_("name"))
    def short_name(self, obj: Indicator) -> str:
        return obj.name[:90]


@admin.register(Target)
class TargetAdmin(ChangedOnlyByReview, SimpleHistoryAdmin):
    list_display = ("indicator", "year", "value", "text_kk", "placement")
    list_filter = ("placement", "year")
    search_fields = ("indicator__key", "indicator__name_kk", "reasoning")
    list_select_related = ("indicator",)
    autocomplete_fields = ("indicator",)
    readonly_fields = ("version",)
    inlines = [DataFlagInline]


@admin.register(Observation)
class ObservationAdmin(ChangedOnlyByReview, SimpleHistoryAdmin):
    list_display = ("indicator", "period_start", "period_end", "value", "dims_key", "paragraph")
    list_filter = ("indicator__programme", "curation")
    search_fields = ("indicator__key", "indicator__name_kk", "dims_key", "text_kk")
    list_select_related = ("indicator", "paragraph")
    autocomplete_fields = ("indicator",)
    raw_id_fields = ("paragraph", "dimension_values")
    readonly_fields = ("version", "dims_key")
    inlines = [DataFlagInline]
