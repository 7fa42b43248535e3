"""The Convention, the report and the bodies that act on it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.common.models import Provenance, Versioned, localized


class ArticlePart(models.TextChoices):
    PURPOSE = "purpose", _("Purpose and general principles (art. 1–4)")
    RIGHTS = "rights", _("Specific rights (art. 5–30)")
    IMPLEMENTATION = "implementation", _("Implementation and monitoring (art. 31–33)")
    FINAL = "final", _("Institutional and final provisions (art. 34–50)")


class Article(Provenance, Versioned):
    """An article of the UN Convention on the Rights of Persons with Disabilities (1–50)."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=300)
    title_ru = models.CharField(_("title (Russian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    part = models.CharField(_("part"), max_length=16, choices=ArticlePart.choices)
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("CRPD article")
        verbose_name_plural = _("CRPD articles")
        constraints = [
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=50),
                name="article_number_1_50",
                violation_error_message=_("A CRPD article number is between 1 and 50."),
            ),
            models.CheckConstraint(
                condition=Q(part__in=ArticlePart.values), name="article_part_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    @property
    def key(self) -> str:
        return f"crpd:art:{self.number}"

    @property
    def title(self) -> str:
        return localized(self, "title")


class RepairStatus(models.TextChoices):
    NONE = "none", _("Nothing displaced")
    REPAIRED = "repaired", _("Displaced citations put back")
    UNREPAIRED = "unrepaired", _("Could not be repaired")


class ReportParagraph(Provenance, Versioned):
    """One numbered paragraph of the State report (¶1–508): the unit of provenance."""

    number = models.PositiveIntegerField(_("number"), unique=True)
    article = models.ForeignKey(
        Article,
        verbose_name=_("CRPD article"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="paragraphs",
        help_text=_("Empty for the introduction and Section I (¶1–72)."),
    )
    section_kk = models.CharField(_("section heading"), max_length=400, blank=True)
    text_kk = models.TextField(_("text (citations repaired)"))
    text_printed = models.TextField(_("text as extracted"), blank=True)
    repair = models.CharField(
        _("citation repair"), max_length=16, choices=RepairStatus.choices, default=RepairStatus.NONE
    )
    convention_articles = models.ManyToManyField(
        Article,
        verbose_name=_("Convention articles mentioned"),
        blank=True,
        related_name="mentioned_in",
        help_text=_("The Convention's own articles; not national law."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = _("report paragraph")
        verbose_name_plural = _("report paragraphs")
        constraints = [
            models.CheckConstraint(condition=Q(number__gte=1), name="paragraph_number_positive"),
            models.CheckConstraint(
                condition=Q(repair__in=RepairStatus.values), name="paragraph_repair_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"¶{self.number}"


class TechnicalAid(Provenance, Versioned):
    """An item of the national list of technical aids and special means of mobility (annex 5)."""

    key = models.CharField(_("key"), max_length=32, unique=True)
    category = models.PositiveSmallIntegerField(_("category number"))
    category_kk = models.CharField(_("category (Kazakh)"), max_length=300)
    number = models.PositiveSmallIntegerField(_("item number"))
    name_kk = models.CharField(_("name (Kazakh)"), max_length=400)
    name_ru = models.CharField(_("name (Russian)"), max_length=400, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=400, blank=True)
    effective_from = models.DateField(
        _("in the list from"),
        null=True,
        blank=True,
        help_text=_("Set where the list adds an item later than the report's date."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "number"]
        verbose_name = _("technical aid")
        verbose_name_plural = _("technical aids")
        constraints = [
            models.UniqueConstraint(fields=["category", "number"], name="technicalaid_unique_item"),
        ]

    def __str__(self) -> str:
        return f"{self.category}.{self.number} {self.name_kk}"
