"""The bodies that act on the Convention and the people who sign in for them."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from rules.permissions import has_perm as rule_grants
from rules.permissions import perm_exists
from simple_history.models import HistoricalRecords

from tracker.common.models import Provenance, Versioned, localized
from tracker.convention.models import ReportParagraph


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    COMMITTEE = "committee", _("Committee of a ministry")
    AGENCY = "agency", _("Agency")
    AKIMAT = "akimat", _("Akimat (regional administration)")
    GOVERNMENT = "government", _("Government")
    PARLIAMENT = "parliament", _("Parliament")
    COURT = "court", _("Court")
    PROSECUTOR = "prosecutor", _("Prosecutor's office")
    OMBUDSMAN = "ombudsman", _("Ombudsman institution")
    DPO = "dpo", _("Organisation of persons with disabilities")
    NGO = "ngo", _("Non-governmental organisation")
    INTERNATIONAL = "international", _("International organisation")
    OTHER = "other", _("Other")


class Organization(Provenance, Versioned):
    """A ministry, agency, akimat, ombudsman institution or organisation of persons with
    disabilities that the report names as acting."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    short_kk = models.CharField(
        _("short name (as the report writes it)"), max_length=120, blank=True
    )
    name_kk = models.CharField(_("name (Kazakh)"), max_length=400)
    name_ru = models.CharField(_("name (Russian)"), max_length=400, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=400, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrganizationKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent body"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    region = models.CharField(_("region code"), max_length=40, blank=True)
    email = models.EmailField(_("reporting e-mail"), blank=True)
    source_paragraphs = models.ManyToManyField(
        ReportParagraph, verbose_name=_("source paragraphs"), blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=OrganizationKind.values), name="organization_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(code=""), name="organization_code_not_empty"),
        ]

    def __str__(self) -> str:
        # The short name the report uses, else the name; the code (MCS-DIV-DISABILITY-SPORT) is
        # an identifier, never shown as a name.
        return self.short_kk or self.name or self.code

    @property
    def name(self) -> str:
        return localized(self, "name")


class User(AbstractUser):
    """A person who signs in: ministry staff (editors), the focal point (reviewers), admins."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=[("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))],
        default="kk",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def has_perm(self, perm: str, obj: object = None) -> bool:
        # A workflow permission has one source, its rule in tracker/rules.py: Django's shortcut
        # for superusers would let an administrator approve their own change (four eyes), and a
        # stored permission of the same name (the default `view_changerequest`) would show every
        # ministry's drafts. Any other permission is Django's, as usual.
        if perm_exists(perm):
            return rule_grants(perm, self, obj)
        return super().has_perm(perm, obj)
