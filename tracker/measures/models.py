"""National measures: what the State says it does under each CRPD article."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.common.models import Provenance, Versioned, localized
from tracker.convention.models import Article, ReportParagraph
from tracker.law.models import Citation
from tracker.organisations.models import Organization


class MeasureKind(models.TextChoices):
    # The report's own five kinds of measure (¶4).
    LEGISLATIVE = "legislative", _("Legislative")
    JUDICIAL = "judicial", _("Judicial")
    ADMINISTRATIVE = "administrative", _("Administrative")
    PRACTICAL = "practical", _("Practical")
    OTHER = "other", _("Other")


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    DELAYED = "delayed", _("Delayed")
    DISCONTINUED = "discontinued", _("Discontinued")


# A measure with one of these statuses has ended, so it may carry a completion date.
FINISHED_STATUSES = (MeasureStatus.IMPLEMENTED, MeasureStatus.DISCONTINUED)


class Measure(Provenance, Versioned):
    """A national measure reported under one or more CRPD articles: a law adopted or amended, a
    programme, a service, a standard, an institution, a budget, a campaign."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    title_kk = models.TextField(_("title (Kazakh)"))
    title_ru = models.TextField(_("title (Russian)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    description_kk = models.TextField(_("description (Kazakh)"), blank=True)
    figures_kk = models.TextField(_("figures as stated"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=MeasureKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED
    )
    progress = models.PositiveSmallIntegerField(_("progress, %"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    completed_date = models.DateField(_("completed date"), null=True, blank=True)
    date_precision = models.JSONField(
        _("date precision"),
        default=dict,
        blank=True,
        help_text=_('Where the report gives only a year or month, e.g. {"start_date": "year"}.'),
    )
    articles = models.ManyToManyField(
        Article, verbose_name=_("CRPD articles"), related_name="measures"
    )
    organizations = models.ManyToManyField(
        Organization,
        verbose_name=_("responsible organisations"),
        blank=True,
        related_name="measures",
    )
    source_paragraphs = models.ManyToManyField(
        ReportParagraph, verbose_name=_("source paragraphs"), blank=True, related_name="measures"
    )
    legal_basis = models.ManyToManyField(
        Citation, verbose_name=_("legal basis"), blank=True, related_name="measures"
    )
    needs_review = models.BooleanField(
        _("needs review"),
        default=False,
        help_text=_("Set when a legal act this measure cites is amended or repealed."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[organizations, legal_basis])

    class Meta:
        ordering = ["key"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="measure_key_not_empty"),
            models.CheckConstraint(
                condition=Q(kind__in=MeasureKind.values), name="measure_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MeasureStatus.values), name="measure_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(progress__isnull=True) | Q(progress__gte=0, progress__lte=100),
                name="measure_progress_0_100",
                violation_error_message=_("Progress must be between 0 and 100 %%."),
            ),
            models.CheckConstraint(
                condition=Q(due_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(due_date__gte=F("start_date")),
                name="measure_due_not_before_start",
                violation_error_message=_("The due date may not be before the start date."),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="measure_version_positive"),
            # Status, progress and completion date tell one story (the edit form reports the same
            # rules on their fields: tracker/measures/editing.py); here they hold for every
            # writer, the loader and the admin included.
            models.CheckConstraint(
                condition=~Q(status=MeasureStatus.IMPLEMENTED)
                | Q(progress__isnull=True)
                | Q(progress=100),
                name="measure_implemented_is_complete",
                violation_error_message=_(
                    "An implemented measure is complete: set its progress to 100 "
                    "or change its status."
                ),
            ),
            models.CheckConstraint(
                condition=Q(completed_date__isnull=True) | Q(status__in=FINISHED_STATUSES),
                name="measure_completed_only_when_finished",
                violation_error_message=_(
                    "Only an implemented or discontinued measure has a completion date."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title[:120]

    @property
    def title(self) -> str:
        return localized(self, "title")
