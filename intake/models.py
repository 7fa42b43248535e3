"""An uploaded spreadsheet (ImportBatch) and its rows (ImportRow), each row with what became of
it. Rows are written when the file is read; the task decides them one by one (see services.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.organisations.models import Organization
from tracker.workflow.models import ChangeRequest


class BatchStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")


class RowStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    ACCEPTED = "accepted", _("Accepted")
    UNCHANGED = "unchanged", _("Unchanged")
    PENDING = "pending", _("Already pending")
    REFUSED = "refused", _("Refused")


class Sheet(models.TextChoices):
    MEASURES = "measures", _("Measures")
    OBSERVATIONS = "observations", _("Indicator values")


class ImportBatch(models.Model):
    """One uploaded file of one editor: its rows become change requests of that editor."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, db_index=True)
    # The reasons are written in the language of the page the file was uploaded from.
    language = models.CharField(_("language"), max_length=8)
    status = models.CharField(
        _("status"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=BatchStatus.values), name="importbatch_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(processed_rows__lte=models.F("total_rows")),
                name="importbatch_processed_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.file_name}"


class ImportRow(models.Model):
    """One data row of the file: the values read from it and what became of them."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    sheet = models.CharField(_("sheet"), max_length=16, choices=Sheet.choices)
    row_number = models.PositiveIntegerField(_("row"))
    record_id = models.CharField(_("record id"), max_length=40, blank=True)
    base_version = models.CharField(_("based on version"), max_length=40, blank=True)
    values = models.JSONField(_("values read"), default=dict)
    status = models.CharField(
        _("status"), max_length=16, choices=RowStatus.choices, default=RowStatus.QUEUED
    )
    column = models.CharField(_("column"), max_length=200, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["batch", "sheet", "row_number"]
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "sheet", "row_number"], name="importrow_once_per_batch"
            ),
            models.CheckConstraint(
                condition=Q(status__in=RowStatus.values), name="importrow_status_valid"
            ),
            # An accepted row made its change request; a pending one names the open request that
            # already proposes the same; the others made none.
            models.CheckConstraint(
                condition=Q(status=RowStatus.ACCEPTED, change_request__isnull=False)
                | Q(status=RowStatus.PENDING)
                | (
                    Q(status__in=[RowStatus.QUEUED, RowStatus.UNCHANGED, RowStatus.REFUSED])
                    & Q(change_request__isnull=True)
                ),
                name="importrow_accepted_has_change_request",
            ),
        ]
        indexes = [models.Index(fields=["batch", "status"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.sheet}:{self.row_number}"
