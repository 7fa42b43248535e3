"""The e-mail outbox: every message the tracker owes someone, written in the same transaction as
the change it reports, so a crash, a lost broker message or a mail-server outage loses nothing."""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    SUBMITTED = "submitted", _("Change request submitted")
    DECIDED = "decided", _("Change request decided")
    LEGAL_BASIS_CHANGED = "legal_basis_changed", _("Legal basis changed")
    # Written by the reports app: a scheduled status report and a deadline reminder.
    REPORT = "report", _("Status report")
    REMINDER = "reminder", _("Deadline reminder")
    PASSWORD_RESET = "password_reset", _("Password reset")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    # Claimed by a worker that is talking to the mail server right now (or died doing so: a claim
    # older than tracker.outbox.services.CLAIM_TIMEOUT is stale and may be taken over).
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationAttachment(models.Model):
    """A file sent with e-mails, such as a status report's PDF: stored once, in the database so it
    commits with the messages that carry it, and shared by every message that names it."""

    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=120)
    content = models.BinaryField(_("content"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False)
    size = models.PositiveIntegerField(_("size, bytes"), editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail attachment")
        verbose_name_plural = _("e-mail attachments")

    def __str__(self) -> str:
        return self.filename

    @classmethod
    def build(cls, filename: str, content_type: str, content: bytes) -> "NotificationAttachment":
        return cls(
            filename=filename,
            content_type=content_type,
            content=content,
            sha256=hashlib.sha256(content).hexdigest(),
            size=len(content),
        )


class Notification(models.Model):
    """One e-mail to one recipient, rendered in the recipient's language when it was queued."""

    kind = models.CharField(_("kind"), max_length=24, choices=NotificationKind.choices)
    recipient = models.EmailField(_("recipient"))
    language = models.CharField(_("language"), max_length=8)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
    )
    change_request = models.ForeignKey(
        "tracker.ChangeRequest",
        verbose_name=_("change request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notifications",
    )
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    html_body = models.TextField(_("HTML body"), blank=True, help_text=_("Sent as an alternative."))
    attachments = models.ManyToManyField(
        NotificationAttachment,
        verbose_name=_("attachments"),
        blank=True,
        related_name="notifications",
    )
    status = models.CharField(
        _("status"),
        max_length=8,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
        editable=False,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    # The outbox's schedule, not Celery's: a pending row is not sent before this time (null: as
    # soon as possible). The beat sweep reads it, so retries survive worker and broker restarts.
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("e-mail notification")
        verbose_name_plural = _("e-mail notifications")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values),
                name="notification_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=NotificationStatus.SENT) | Q(sent_at__isnull=False),
                name="notification_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status=NotificationStatus.SENDING) | Q(claimed_at__isnull=False),
                name="notification_sending_has_claim",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"
