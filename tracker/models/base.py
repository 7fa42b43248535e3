"""Pieces every domain model shares: provenance, optimistic-locking versions, localised names."""

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Curation(models.TextChoices):
    EXTRACTED = "extracted", _("Extracted by the project's code")
    CURATED = "curated", _("Curated by hand from the report")
    ENTERED = "entered", _("Entered in the tracker")


def localized_with_language(obj: object, field: str) -> tuple[str, str]:
    """The value of `<field>_<lang>` for the active language, falling back to Kazakh, then any,
    with the language the value is in (pages mark a fallback with its own `lang`)."""
    lang = (get_language() or "kk")[:2]
    for code in (lang, "kk", "ru", "en"):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value, code
    return "", lang


def localized(obj: object, field: str) -> str:
    return localized_with_language(obj, field)[0]


class Provenance(models.Model):
    """Where a record came from: the report's annex row, and whether code or a person read it."""

    curation = models.CharField(
        _("curation"), max_length=16, choices=Curation.choices, default=Curation.ENTERED
    )
    source_annex = models.CharField(
        _("source annex row"), max_length=120, blank=True, help_text=_("e.g. annex2:row 3")
    )
    flags = GenericRelation("tracker.DataFlag")

    class Meta:
        abstract = True


class Versioned(models.Model):
    """A row editors change through change requests; `version` is the optimistic lock."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


class DataFlagCode(models.TextChoices):
    REPORT_INCONSISTENCY = "report_inconsistency", _("The report contradicts itself")
    EVIDENT_ERROR = "evident_error", _("Evident error in the report")
    GARBLED = "garbled", _("Garbled in the extracted text")
    UNCERTAIN_PLACEMENT = "uncertain_placement", _("Uncertain placement")
    INFERRED = "inferred", _("Inferred, not printed")
    AMBIGUOUS_REFERENCE = "ambiguous_reference", _("Ambiguous reference")
    LEGAL_BASIS_CHANGED = "legal_basis_changed", _("Legal basis amended or repealed")


class DataFlag(models.Model):
    """A data-quality problem recorded against one record: what the report says is kept, and why
    it is doubtful is written here instead of silently correcting it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    code = models.CharField(_("code"), max_length=32, choices=DataFlagCode.choices)
    message = models.TextField(_("message"))
    resolved = models.BooleanField(_("resolved"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

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
