"""State programmes, their target indicators, per-year targets and disaggregated observations."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.common.models import Provenance, Versioned
from tracker.models import Article, LegalAct, Organization, ReportParagraph, localized


class Programme(Provenance, Versioned):
    """A state programme or a state body's strategic plan that sets indicators (annex 2)."""

    key = models.CharField(_("key"), max_length=80, unique=True)
    name_kk = models.TextField(_("name (Kazakh)"))
    name_ru = models.TextField(_("name (Russian)"), blank=True)
    name_en = models.TextField(_("name (English)"), blank=True)
    approving_act = models.ForeignKey(
        LegalAct,
        verbose_name=_("approving act"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="programmes",
    )
    period_start = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    period_end = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="programme_key_not_empty"),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="programme_period_ordered",
                violation_error_message=_("The programme may not end before it starts."),
            ),
        ]

    def __str__(self) -> str:
        return localized(self, "name")[:120]


class Unit(models.TextChoices):
    PERSONS = "persons", _("persons")
    PERCENT = "percent", _("%")
    UNITS = "units", _("units")
    TENGE = "tenge", _("tenge")
    THOUSAND_TENGE = "thousand_tenge", _("thousand tenge")
    MILLION_TENGE = "million_tenge", _("million tenge")
    BILLION_TENGE = "billion_tenge", _("billion tenge")
    PLACES = "places", _("places")
    OBJECTS = "objects", _("objects")
    OTHER = "other", _("other")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")
    NONE = "none", _("No direction (context figure)")


class Dimension(Versioned):
    """An axis of disaggregation: region, sex, age group, disability group, settlement type…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=400)
    name_ru = models.CharField(_("name (Russian)"), max_length=400, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=400, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("dimension")
        verbose_name_plural = _("dimensions")

    def __str__(self) -> str:
        return localized(self, "name") or self.code


class DimensionValue(Versioned):
    """One value of a dimension, such as the Akmola region or the female sex."""

    dimension = models.ForeignKey(Dimension, on_delete=models.PROTECT, related_name="values")
    code = models.SlugField(_("code"), max_length=40)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=400)
    name_ru = models.CharField(_("name (Russian)"), max_length=400, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=400, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension__code", "code"]
        verbose_name = _("dimension value")
        verbose_name_plural = _("dimension values")
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="dimensionvalue_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.dimension.code}={self.code}"


class Indicator(Provenance, Versioned):
    """A measurable indicator: a programme's target indicator or a statistical series the report
    gives (annexes 1, 4, 6, 7, 8 and figures in the narrative)."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    name_kk = models.TextField(_("name (Kazakh)"))
    name_ru = models.TextField(_("name (Russian)"), blank=True)
    name_en = models.TextField(_("name (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    unit_label_kk = models.CharField(_("unit as printed"), max_length=60, blank=True)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.NONE
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    articles = models.ManyToManyField(
        Article, verbose_name=_("CRPD articles"), blank=True, related_name="indicators"
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("responsible organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="indicators",
    )
    dimensions = models.ManyToManyField(
        Dimension, verbose_name=_("expected disaggregations"), blank=True, related_name="+"
    )
    year_from = models.PositiveSmallIntegerField(_("first year"), null=True, blank=True)
    year_to = models.PositiveSmallIntegerField(_("last year"), null=True, blank=True)
    source_paragraphs = models.ManyToManyField(
        ReportParagraph, verbose_name=_("source paragraphs"), blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="indicator_key_not_empty"),
            models.CheckConstraint(condition=Q(unit__in=Unit.values), name="indicator_unit_valid"),
            models.CheckConstraint(
                condition=Q(direction__in=Direction.values), name="indicator_direction_valid"
            ),
            models.CheckConstraint(
                condition=Q(year_from__isnull=True)
                | Q(year_to__isnull=True)
                | Q(year_to__gte=F("year_from")),
                name="indicator_years_ordered",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="indicator_version_positive"),
        ]

    def __str__(self) -> str:
        return localized(self, "name")[:120]

    @property
    def name(self) -> str:
        return localized(self, "name")


class Placement(models.TextChoices):
    CERTAIN = "certain", _("Certain")
    INFERRED = "inferred", _("Inferred")


class Target(Provenance, Versioned):
    """An indicator's target for one year: a number, or qualitative text where none is set."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    text_kk = models.CharField(_("qualitative target"), max_length=400, blank=True)
    placement = models.CharField(
        _("year placement"), max_length=8, choices=Placement.choices, default=Placement.CERTAIN
    )
    reasoning = models.TextField(_("why this year"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="target_unique_year"),
            models.CheckConstraint(
                condition=Q(value__isnull=False) | ~Q(text_kk=""),
                name="target_value_or_text",
                violation_error_message=_("A target needs a value or a qualitative text."),
            ),
            models.CheckConstraint(
                condition=Q(placement__in=Placement.values), name="target_placement_valid"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1990, year__lte=2100), name="target_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        shown = self.value if self.value is not None else self.text_kk
        return f"{self.indicator.key} {self.year}: {shown}"


class Observation(Provenance, Versioned):
    """An actual value of an indicator for a period (a year's flow, or a stock on a date) and a
    combination of dimension values."""

    key = models.CharField(_("key"), max_length=200, unique=True, null=True, blank=True)
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="observations")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    dimension_values = models.ManyToManyField(
        DimensionValue, verbose_name=_("dimensions"), blank=True, related_name="observations"
    )
    # The sorted "dim=value;…" string: lets the database enforce one value per cell, which an
    # M2M alone cannot.
    dims_key = models.CharField(_("dimensions key"), max_length=400, blank=True, editable=False)
    paragraph = models.ForeignKey(
        ReportParagraph,
        verbose_name=_("source paragraph"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
    )
    text_kk = models.CharField(_("as printed"), max_length=400, blank=True)
    explanation = models.TextField(_("explanation when off track"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[dimension_values])

    class Meta:
        ordering = ["indicator", "period_end", "dims_key"]
        verbose_name = _("observation")
        verbose_name_plural = _("observations")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end", "dims_key"],
                name="observation_unique_cell",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="observation_period_ordered",
                violation_error_message=_("The period may not end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1), name="observation_version_positive"
            ),
        ]

    def __str__(self) -> str:
        dims = f" [{self.dims_key}]" if self.dims_key else ""
        return f"{self.indicator.key} {self.period_end}{dims}: {self.value}"


def dims_key_for(pairs: dict[str, str]) -> str:
    """The canonical key of a dimension combination: sorted `dimension=value` joined by ';'."""
    return ";".join(f"{d}={v}" for d, v in sorted(pairs.items()))
