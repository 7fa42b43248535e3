"""National law the report cites, and the pinpoint citations into it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.common.models import Provenance, Versioned, localized
from tracker.convention.models import Article, ReportParagraph
from tracker.organisations.models import Organization


class LegalActType(models.TextChoices):
    CONSTITUTION = "constitution", _("Constitution")
    CONSTITUTIONAL_LAW = "constitutional_law", _("Constitutional law")
    CODE = "code", _("Code")
    LAW = "law", _("Law")
    DECREE = "decree", _("Presidential decree")
    RESOLUTION = "resolution", _("Government resolution")
    ORDER = "order", _("Ministerial order")
    NORM = "norm", _("Building norm or rules")
    STANDARD = "standard", _("Standard")
    INTERNATIONAL = "international", _("International treaty")
    OTHER = "other", _("Other")


class LegalActStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    AMENDED = "amended", _("Amended")
    REPEALED = "repealed", _("Repealed")


class LegalAct(Provenance, Versioned):
    """A national legal act or normative technical document: the Constitution, a code, a law, a
    decree, a resolution, an order, a building norm or a standard."""

    key = models.CharField(_("key"), max_length=120, unique=True)
    act_type = models.CharField(_("type"), max_length=24, choices=LegalActType.choices)
    number = models.CharField(_("number"), max_length=80, blank=True)
    adopted = models.DateField(_("adopted"), null=True, blank=True)
    adopted_precision = models.CharField(
        _("precision of the adoption date"),
        max_length=8,
        choices=[("day", _("day")), ("month", _("month")), ("year", _("year"))],
        default="day",
    )
    issuer = models.CharField(_("issuer"), max_length=120, blank=True)
    issuing_organization = models.ForeignKey(
        Organization,
        verbose_name=_("issuing organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="issued_acts",
    )
    title_kk = models.TextField(_("title (Kazakh)"))
    title_ru = models.TextField(_("title (Russian)"), blank=True)
    title_en = models.TextField(_("title (English)"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=LegalActStatus.choices, default=LegalActStatus.IN_FORCE
    )
    source_paragraphs = models.ManyToManyField(
        ReportParagraph, verbose_name=_("source paragraphs"), blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["act_type", "adopted", "key"]
        verbose_name = _("legal act")
        verbose_name_plural = _("legal acts")
        constraints = [
            models.CheckConstraint(
                condition=Q(act_type__in=LegalActType.values), name="legalact_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=LegalActStatus.values), name="legalact_status_valid"
            ),
            models.CheckConstraint(condition=~Q(key=""), name="legalact_key_not_empty"),
            models.CheckConstraint(condition=Q(version__gte=1), name="legalact_version_positive"),
        ]

    def __str__(self) -> str:
        return self.title[:120]

    @property
    def title(self) -> str:
        return localized(self, "title")


class LegalActAlias(models.Model):
    """Another name under which the report cites a legal act (one law is named four ways)."""

    act = models.ForeignKey(LegalAct, on_delete=models.CASCADE, related_name="aliases")
    text = models.TextField(_("name as printed"))

    class Meta:
        verbose_name = _("legal act alias")
        verbose_name_plural = _("legal act aliases")
        constraints = [
            models.UniqueConstraint(fields=["act", "text"], name="legalactalias_unique"),
        ]

    def __str__(self) -> str:
        return self.text[:120]


# How the report and the fixtures write a citation of an act's preamble instead of an article.
PREAMBLE_REFS = frozenset({"preamble", "преамбула", "кіріспе"})


class Citation(Provenance, Versioned):
    """A pinpoint reference into a national legal act (article, clause, subclause), made in a report
    paragraph. The Convention's own articles are never cited here: they are `Article`s."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    act = models.ForeignKey(
        LegalAct, verbose_name=_("legal act"), on_delete=models.PROTECT, related_name="citations"
    )
    article_ref = models.CharField(_("article of the act"), max_length=32, blank=True)
    clause_ref = models.CharField(_("clause (тармақ)"), max_length=32, blank=True)
    subclause_ref = models.CharField(_("subclause (тармақша)"), max_length=32, blank=True)
    text_kk = models.TextField(_("citation as it reads"), blank=True)
    paragraph = models.ForeignKey(
        ReportParagraph,
        verbose_name=_("report paragraph"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
    )
    crpd_article = models.ForeignKey(
        Article,
        verbose_name=_("CRPD article"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="citations",
        help_text=_("The Convention article whose section cites it."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["key"]
        verbose_name = _("citation")
        verbose_name_plural = _("citations")
        constraints = [
            models.CheckConstraint(condition=~Q(key=""), name="citation_key_not_empty"),
            models.CheckConstraint(
                condition=Q(subclause_ref="") | ~Q(clause_ref="") | ~Q(article_ref=""),
                name="citation_subclause_needs_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.pinpoint

    @property
    def pinpoint(self) -> str:
        # The act in the reader's language (Kazakh where it has no other title); the preamble
        # is named, never «ст. preamble».
        parts = [localized(self.act, "title")[:60] if self.act_id else ""]
        if self.article_ref and self.article_ref.strip().lower() in PREAMBLE_REFS:
            parts.append(_("Preamble"))
        elif self.article_ref:
            parts.append(_("art. %s") % self.article_ref)
        if self.clause_ref:
            parts.append(_("cl. %s") % self.clause_ref)
        if self.subclause_ref:
            parts.append(_("subcl. %s") % self.subclause_ref)
        return ", ".join(str(p) for p in parts if p)
