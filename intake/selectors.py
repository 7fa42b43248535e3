"""Reads for the import pages and the API: templates' records, batches, rows, progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from indicators.models import Observation
from tracker.measures.models import Measure
from tracker.rules import is_coordinator
from tracker.workflow.selectors import change_request_diff

from .models import ImportBatch, ImportRow, RowStatus

if TYPE_CHECKING:
    from tracker.organisations.models import User


def template_measures(organization_id: int) -> QuerySet[Measure]:
    return Measure.objects.filter(organizations=organization_id).distinct().order_by("key")


def template_observations(organization_id: int) -> QuerySet[Observation]:
    """Each of the organisation's indicators' latest values: every cell of its latest period."""
    latest = (
        Observation.objects.filter(indicator=OuterRef("indicator"))
        .order_by("-period_end")
        .values("period_end")[:1]
    )
    return (
        Observation.objects.filter(indicator__organization=organization_id)
        .filter(period_end=Subquery(latest))
        .select_related("indicator")
        .order_by("indicator__key", "period_end", "dims_key", "pk")
    )


def batches_for(user: User) -> QuerySet[ImportBatch]:
    """The batches a person may see: a coordinator every one, others their organisation's."""
    batches = ImportBatch.objects.select_related("author", "organization")
    if is_coordinator(user):
        return batches
    if user.organization_id is None:
        return batches.filter(author=user.pk)
    return batches.filter(Q(organization=user.organization_id) | Q(author=user.pk))


def batch_counts(batch: ImportBatch) -> dict[str, int]:
    """Rows per status, counted in the database."""
    counts = dict(
        batch.rows.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in RowStatus.values}


def batch_progress(batch: ImportBatch) -> dict[str, Any]:
    """What the progress bar and the API's status show."""
    return {
        "id": batch.pk,
        "status": batch.status,
        "status_display": str(batch.get_status_display()),
        "processed": batch.processed_rows,
        "total": batch.total_rows,
        "counts": batch_counts(batch),
        "finished": batch.finished_at is not None,
        "text": _("%(done)s of %(total)s rows processed.")
        % {"done": batch.processed_rows, "total": batch.total_rows},
    }


def batch_rows(batch: ImportBatch, *, status: str = "") -> QuerySet[ImportRow]:
    rows = batch.rows.select_related(
        "change_request", "change_request__target_type", "change_request__author"
    ).order_by("sheet", "row_number")
    return rows.filter(status=status) if status else rows


def rows_with_diff(rows: list[ImportRow]) -> list[dict[str, Any]]:
    """Each row with its change request's field-by-field diff (the change request page's)."""
    return [
        {"row": row, "diff": change_request_diff(row.change_request) if row.change_request else []}
        for row in rows
    ]


def open_change_requests_of(batch: ImportBatch) -> list[int]:
    """The change requests this batch made, in row order: what a whole-batch decision acts on."""
    return list(
        batch.rows.filter(status=RowStatus.ACCEPTED)
        .order_by("sheet", "row_number")
        .values_list("change_request_id", flat=True)
    )
