"""Pieces every domain model shares: provenance, optimistic-locking versions, localised names."""

from django.contrib.contenttypes.fields import GenericRelation
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
    """A row whose every change is counted: `version` is the optimistic lock of the change requests
    (live records) and goes up with every administrator's save of reference data."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True
