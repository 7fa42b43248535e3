"""Status reports: their schedules, their editions (one per kind, organisation and period), the
delivery of each edition to each recipient through the tracker's e-mail outbox, and reminders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_celery_beat.models import PeriodicTask


class ReportKind(models.TextChoices):
    DIGEST = "digest", _("Organisation digest")
    NATIONAL = "national", _("National overview")


class ScheduleKind(models.TextChoices):
    DIGEST = "digest", _("Organisation digest")
    NATIONAL = "national", _("National overview")
    REMINDERS = "reminders", _("Deadline reminders")


class FileFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


def _default_offsets() -> list[int]:
    return [30, 7]


class ReportSchedule(models.Model):
    """When a kind of report goes out and to whom. The timing is the django-celery-beat periodic
    task beside it (its crontab, edited in the admin); this row says what the tick does."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=ScheduleKind.choices)
    periodic_task = models.OneToOneField(
        PeriodicTask,
        verbose_name=_("timing"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_schedule",
    )
    roles = models.JSONField(
        _("recipient roles"),
        default=list,
        blank=True,
        help_text=_('Role groups that receive it: ["editor"], ["reviewer", "administrator"].'),
    )
    organizations = models.ManyToManyField(
        "tracker.Organization",
        verbose_name=_("organisations"),
        blank=True,
        related_name="+",
        help_text=_("Only these organisations (empty: every organisation)."),
    )
    reminder_offsets = models.JSONField(
        _("reminder offsets, days"),
        default=_default_offsets,
        blank=True,
        help_text=_("Days before a deadline when a reminder goes out, e.g. [30, 7]."),
    )

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ScheduleKind.values), name="reportschedule_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def enabled(self) -> bool:
        return bool(self.periodic_task and self.periodic_task.enabled)


class ReportEdition(models.Model):
    """One report for one kind, organisation (none for the national overview) and period: made
    once, whatever the number of ticks, retries or "send now" clicks that ask for it."""

    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    organization = models.ForeignKey(
        "tracker.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_editions",
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    as_of = models.DateField(_("status as of"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "kind", "organization"]
        verbose_name = _("report edition")
        verbose_name_plural = _("report editions")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "organization", "period_start"],
                condition=Q(organization__isnull=False),
                name="reportedition_once_per_organisation_period",
            ),
            models.UniqueConstraint(
                fields=["kind", "period_start"],
                condition=Q(organization__isnull=True),
                name="reportedition_once_per_national_period",
            ),
            models.CheckConstraint(
                condition=Q(kind=ReportKind.DIGEST, organization__isnull=False)
                | Q(kind=ReportKind.NATIONAL, organization__isnull=True),
                name="reportedition_digest_has_organisation",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="reportedition_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        whom = self.organization or _("national")
        return f"{self.get_kind_display()} · {whom} · {self.period_start:%Y-%m-%d}"


class ReportFile(models.Model):
    """An edition's PDF or XLSX in one language; the bytes and their hash are the outbox's
    attachment row, which every e-mail of the edition in that language carries."""

    edition = models.ForeignKey(ReportEdition, on_delete=models.CASCADE, related_name="files")
    language = models.CharField(_("language"), max_length=8)
    format = models.CharField(_("format"), max_length=8, choices=FileFormat.choices)
    attachment = models.OneToOneField(
        "tracker.NotificationAttachment", on_delete=models.PROTECT, related_name="report_file"
    )

    class Meta:
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "language", "format"], name="reportfile_once_per_language"
            ),
        ]

    def __str__(self) -> str:
        return self.attachment.filename


class ReportDelivery(models.Model):
    """An edition sent to one person: its e-mail is an outbox row (status, attempts, errors,
    attachments). The unique pair is what makes a second tick, a retry or a second "send now"
    harmless."""

    edition = models.ForeignKey(ReportEdition, on_delete=models.PROTECT, related_name="deliveries")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_deliveries"
    )
    notification = models.OneToOneField(
        "tracker.Notification", on_delete=models.PROTECT, related_name="report_delivery"
    )
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report delivery")
        verbose_name_plural = _("report deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "user"], name="reportdelivery_once_per_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.edition} → {self.user}"


class Reminder(models.Model):
    """A reminder that an item's deadline is near, sent to its organisation: one per item and
    offset, ever (item: a measure, or an indicator's value for one year)."""

    item_key = models.CharField(_("item"), max_length=80)
    offset_days = models.PositiveSmallIntegerField(_("days before"))
    deadline = models.DateField(_("deadline"))
    organization = models.ForeignKey(
        "tracker.Organization", on_delete=models.PROTECT, related_name="+"
    )
    measure = models.ForeignKey(
        "tracker.Measure", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    notifications = models.ManyToManyField(
        "tracker.Notification", blank=True, related_name="reminders"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["item_key", "offset_days"], name="reminder_once_per_item_offset"
            ),
            models.CheckConstraint(
                condition=Q(measure__isnull=False) | Q(indicator__isnull=False),
                name="reminder_names_its_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_key} −{self.offset_days}"


class ReportPreference(models.Model):
    """A person's choice about scheduled reports. Reminders cannot be declined: they are what an
    organisation owes. The e-mail language is the user's own `language`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_preference"
    )
    receive_digests = models.BooleanField(
        _("receive scheduled reports"),
        default=True,
        help_text=_("The weekly digest and the national overview; reminders are always sent."),
    )

    class Meta:
        verbose_name = _("report preference")
        verbose_name_plural = _("report preferences")

    def __str__(self) -> str:
        return str(self.user)
