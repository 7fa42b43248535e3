"""The editorial workflow's records: proposed changes, their review decisions and evidence.

Live `Measure`, `Observation` and `LegalAct` rows change only when a change request is approved;
the services in tracker/workflow/services.py are the only writers.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.organisations.models import Organization


class ChangeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeOperation(models.TextChoices):
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")


class ReviewAction(models.TextChoices):
    CREATE = "create", _("Created")
    EDIT = "edit", _("Edited")
    SUBMIT = "submit", _("Submitted")
    WITHDRAW = "withdraw", _("Withdrawn")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")
    REJECT = "reject", _("Rejected")
    REBASE = "rebase", _("Rebased on the live version")


class ChangeRequest(models.Model):
    """A proposed change to a live record (or a new record), waiting for a reviewer's decision."""

    target_type = models.ForeignKey(
        ContentType, verbose_name=_("record type"), on_delete=models.PROTECT
    )
    target_id = models.PositiveBigIntegerField(_("record id"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    operation = models.CharField(_("operation"), max_length=8, choices=ChangeOperation.choices)
    payload = models.JSONField(_("proposed values"), default=dict)
    base_version = models.PositiveIntegerField(_("based on version"), null=True, blank=True)
    base_values = models.JSONField(
        _("live values when proposed"),
        default=dict,
        blank=True,
        help_text=_("Kept to show what changed meanwhile if the record moves on."),
    )
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    explanation = models.TextField(
        _("explanation"),
        blank=True,
        help_text=_("Required when an observation puts its indicator off track."),
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ChangeStatus.choices,
        default=ChangeStatus.DRAFT,
        editable=False,
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="change_requests",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # The change request's own optimistic lock: every write through the services raises it, and an
    # edit based on an older version is refused instead of silently overwriting the newer one.
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [
            models.Index(fields=["status", "organization"]),
            models.Index(fields=["target_type", "target_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ChangeStatus.values), name="changerequest_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(operation__in=ChangeOperation.values),
                name="changerequest_operation_valid",
            ),
            # An update names its record and the version it was based on; a create has neither
            # until it is approved.
            models.CheckConstraint(
                condition=Q(operation=ChangeOperation.CREATE)
                | Q(target_id__isnull=False, base_version__isnull=False),
                name="changerequest_update_has_target_and_base",
            ),
            models.CheckConstraint(
                condition=~Q(status=ChangeStatus.APPROVED)
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="changerequest_decision_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary or self.get_operation_display()}"


class ReviewEvent(models.Model):
    """One step of a change request's life: who moved it, from which state to which, and why."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(_("action"), max_length=16, choices=ReviewAction.choices)
    from_status = models.CharField(
        _("from"), max_length=16, choices=ChangeStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=16, choices=ChangeStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="review_events",
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=ReviewAction.values), name="reviewevent_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(to_status__in=ChangeStatus.values), name="reviewevent_to_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} #{self.change_request_id}"


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.change_request_id}/{filename}"


class Evidence(models.Model):
    """A file supporting a change request (a signed order, a photo of a ramp, a statistics table);
    kept with the record once the change is approved."""

    change_request = models.ForeignKey(
        ChangeRequest, on_delete=models.PROTECT, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_upload_to)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=120)
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    # Private to the organisation and the coordinators unless the reviewer who approved the change
    # published it with the approval: only then may anyone download it.
    public = models.BooleanField(
        _("public"),
        default=False,
        help_text=_("Published by the reviewer with the approval: anyone may download it."),
    )

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_not_empty"),
        ]

    def __str__(self) -> str:
        return self.original_name
