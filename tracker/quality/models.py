"""Data-quality flags: what the report says is kept as printed, and why it is doubtful is recorded
against the record instead of silently correcting it."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.common.models import Versioned


class DataFlagCode(models.TextChoices):
    REPORT_INCONSISTENCY = "report_inconsistency", _("The report contradicts itself")
    EVIDENT_ERROR = "evident_error", _("Evident error in the report")
    GARBLED = "garbled", _("Garbled in the extracted text")
    UNCERTAIN_PLACEMENT = "uncertain_placement", _("Uncertain placement")
    INFERRED = "inferred", _("Inferred, not printed")
    AMBIGUOUS_REFERENCE = "ambiguous_reference", _("Ambiguous reference")
    LEGAL_BASIS_CHANGED = "legal_basis_changed", _("Legal basis amended or repealed")


class DataFlag(Versioned):
    """A data-quality problem recorded against one record: what the report says is kept, and why
    it is doubtful is written here instead of silently correcting it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    code = models.CharField(_("code"), max_length=32, choices=DataFlagCode.choices)
    message = models.TextField(_("message"))
    resolved = models.BooleanField(_("resolved"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data-quality flag")
        verbose_name_plural = _("data-quality flags")
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__in=DataFlagCode.values), name="dataflag_code_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_code_display()}: {self.message[:60]}"
