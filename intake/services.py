"""The import's writes. An upload is read and checked whole (reading.py) before anything is
written; then its rows are stored and a Celery task decides them one by one, each in its own
transaction, each through the workflow services (tracker/workflow/services.py) and the records'
edit specs — so an imported change is exactly a change an editor could have proposed by hand,
with the same validation, permissions, four eyes and history.

Each changed row becomes a change request of the uploading editor, **submitted**: uploading the
file is the editor's deliberate act of proposing, and the issue wants the rows in the review
queue; a draft would sit unseen on "my work" until submitted one by one. A row that cannot be
submitted (e.g. an off-track value without an explanation) is refused whole, never left half
made.
"""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tracker.workflow import services as workflow
from tracker.workflow.models import ChangeRequest
from tracker.workflow.specs import serialize, spec_for, validate
from tracker.workflow.transitions import OPEN, TransitionNotAllowed

from .columns import SHEETS, SheetSpec, new_observation_values, parse_cell
from .models import BatchStatus, ImportBatch, ImportRow, RowStatus, Sheet
from .reading import check_size, read_upload

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db import models

    from tracker.organisations.models import User

logger = logging.getLogger(__name__)


class RowRefused(Exception):  # noqa: N818 -- a row's outcome, shown to the editor
    def __init__(self, reason: str, column: str = "") -> None:
        self.reason, self.column = reason, column
        super().__init__(reason)


# Upload ----------------------------------------------------------------------------------------


def batch_create(
    *, by: User, name: str, content_type: str, data: bytes, language: str
) -> ImportBatch:
    """Read and check the file, store its rows and queue their import. ValidationError (on
    `file`) for a file that is refused whole; nothing is written then."""
    if not by.has_perm("intake.import_changes"):
        raise PermissionDenied(_("Only an editor of an organisation may import changes."))
    _format, rows = read_upload(name, content_type, data)
    if not rows:
        raise ValidationError({"file": _("The file has no data rows.")}, code="no_rows")
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            organization_id=by.organization_id,
            author=by,
            file_name=(name or "upload")[:255],
            file_sha256=hashlib.sha256(data).hexdigest(),
            language=language,
            total_rows=len(rows),
        )
        ImportRow.objects.bulk_create(
            ImportRow(
                batch=batch,
                sheet=row.sheet,
                row_number=row.row_number,
                record_id=row.record_id,
                base_version=row.base_version,
                values=row.values,
            )
            for row in rows
        )
        from . import tasks

        tasks.process_batch.delay_on_commit(batch.pk)
    return batch


def batch_create_from_upload(*, by: User, upload: UploadedFile, language: str) -> ImportBatch:
    """batch_create() for a file uploaded through a page or the API. An oversized file is
    refused before it is read into memory."""
    check_size(upload.size or 0)
    return batch_create(
        by=by,
        name=upload.name or "",
        content_type=upload.content_type or "",
        data=upload.read(),
        language=language,
    )


# Processing ------------------------------------------------------------------------------------


def batch_process(*, batch_id: int) -> ImportBatch:
    """Decide every row still waiting, one transaction per row, and count them as they go (the
    progress bar reads the count). Safe to run twice: decided rows are not looked at again."""
    batch = ImportBatch.objects.select_related("author").get(pk=batch_id)
    if batch.status == BatchStatus.QUEUED:
        ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    waiting = batch.rows.filter(status=RowStatus.QUEUED).order_by("sheet", "row_number")
    with translation.override(batch.language):
        for row_id in waiting.values_list("pk", flat=True):
            _process_one(batch, row_id)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.DONE, finished_at=timezone.now()
    )
    batch.refresh_from_db()
    return batch


def _process_one(batch: ImportBatch, row_id: int) -> None:
    try:
        with transaction.atomic():
            row = ImportRow.objects.select_for_update().get(pk=row_id)
            if row.status != RowStatus.QUEUED:
                return
            _decide_row(batch, row)
            _count(batch)
    except Exception:
        # A bug on one row must not stop the others: the row is refused and logged.
        logger.exception("Import batch %s: row %s failed", batch.pk, row_id)
        with transaction.atomic():
            ImportRow.objects.filter(pk=row_id, status=RowStatus.QUEUED).update(
                status=RowStatus.REFUSED,
                reason=_("The row could not be processed because of an internal error."),
            )
            _count(batch)


def _count(batch: ImportBatch) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(processed_rows=F("processed_rows") + 1)


def _decide_row(batch: ImportBatch, row: ImportRow) -> None:
    spec = SHEETS[row.sheet]
    try:
        # A savepoint per row: a refusal after the change request was made undoes it.
        with transaction.atomic():
            status, cr = _propose_row(batch, row, spec)
    except RowRefused as refused:
        row.status, row.reason, row.column = RowStatus.REFUSED, refused.reason, refused.column
        row.save(update_fields=["status", "reason", "column"])
        return
    row.status, row.change_request = status, cr
    row.save(update_fields=["status", "change_request"])


def _record(spec: SheetSpec, row: ImportRow) -> models.Model:
    id_label = str(spec.column("id").label)
    if not row.record_id.isdigit():
        raise RowRefused(_("The record id is missing or damaged."), id_label)
    record = spec.model._default_manager.select_for_update().filter(pk=int(row.record_id)).first()
    if record is None:
        raise RowRefused(_("No such record: it may have been deleted."), id_label)
    return record


def _proposed(spec: SheetSpec, row: ImportRow) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in spec.editable:
        if not column.field:
            continue
        try:
            values[column.field] = parse_cell(column, row.values.get(column.code))
        except ValidationError as exc:
            raise RowRefused(" ".join(exc.messages), str(column.label)) from None
    return values


def _propose_row(
    batch: ImportBatch, row: ImportRow, spec: SheetSpec
) -> tuple[str, ChangeRequest | None]:
    edit_spec = spec_for(spec.model)
    if spec.sheet == Sheet.OBSERVATIONS and not row.record_id and not row.base_version:
        return _propose_new(batch, row, spec)
    record = _record(spec, row)
    if batch.organization_id not in edit_spec.organization_ids(target=record):
        raise RowRefused(
            _("This record belongs to another organisation: your organisation may not change it."),
            str(spec.column("id").label),
        )
    live = serialize(edit_spec, record)
    proposed = _proposed(spec, row)
    changed = {name: value for name, value in proposed.items() if value != live.get(name)}
    if changed:
        # The same form as every edit: its normalised values decide whether anything changed.
        try:
            _form, normalised = validate(edit_spec, instance=record, payload=changed)
        except ValidationError as exc:
            raise _refusal(spec, exc) from None
        changed = {name: value for name, value in normalised.items() if value != live.get(name)}
    if not changed:
        return RowStatus.UNCHANGED, None
    if row.base_version != str(record.version):
        raise RowRefused(
            _(
                "The record was changed after the template was made (version %(base)s, now "
                "%(live)s). Download a fresh template and enter the change again."
            )
            % {"base": row.base_version or "?", "live": record.version},
            str(spec.column("version").label),
        )
    pending = _pending(spec, record, changed)
    if pending is not None:
        return RowStatus.PENDING, pending
    return RowStatus.ACCEPTED, _submit(batch, row, spec, record, changed)


def _propose_new(
    batch: ImportBatch, row: ImportRow, spec: SheetSpec
) -> tuple[str, ChangeRequest | None]:
    """A value for a new period or cell: a change request creating the observation."""
    try:
        payload = new_observation_values(row.values)
    except ValidationError as exc:
        raise RowRefused(" ".join(exc.messages), str(exc.params["column"])) from None
    edit_spec = spec_for(spec.model)
    if batch.organization_id not in edit_spec.organization_ids(values=payload):
        raise RowRefused(
            _("This record belongs to another organisation: your organisation may not change it."),
            str(spec.column("indicator").label),
        )
    try:
        _form, payload = validate(edit_spec, instance=None, payload=payload)
    except ValidationError as exc:
        raise _refusal(spec, exc) from None
    pending = _pending(spec, None, payload)
    if pending is not None:
        return RowStatus.PENDING, pending
    return RowStatus.ACCEPTED, _submit(batch, row, spec, None, payload)


def _pending(
    spec: SheetSpec, record: models.Model | None, payload: dict[str, Any]
) -> ChangeRequest | None:
    """An open change request already proposing exactly these values for this record (or this
    new record)."""
    return (
        ChangeRequest.objects.filter(
            target_type__app_label=spec.model._meta.app_label,
            target_type__model=spec.model._meta.model_name,
            target_id=record.pk if record is not None else None,
            status__in=OPEN,
            payload=payload,
        )
        .order_by("pk")
        .first()
    )


def _submit(
    batch: ImportBatch,
    row: ImportRow,
    spec: SheetSpec,
    record: models.Model | None,
    payload: dict,
) -> ChangeRequest:
    explanation = ""
    if spec.explanation_column:
        explanation = str(row.values.get(spec.explanation_column) or "").strip()
    summary = _("Import No. %(batch)s, sheet “%(sheet)s”, row %(row)s") % {
        "batch": batch.pk,
        "sheet": spec.title,
        "row": row.row_number,
    }
    try:
        cr = workflow.change_request_create(
            by=batch.author,
            target=record,
            target_model=None if record is not None else spec.model,
            payload=payload,
            summary=summary[:300],
            explanation=explanation,
        )
        return workflow.change_request_submit(cr_id=cr.pk, by=batch.author)
    except PermissionDenied as exc:
        raise RowRefused(str(exc) or _("You may not propose changes to this record.")) from None
    except ValidationError as exc:
        raise _refusal(spec, exc) from None


def _refusal(spec: SheetSpec, exc: ValidationError) -> RowRefused:
    """The first field's error, named by its column (the explanation's by its own)."""
    if not hasattr(exc, "error_dict"):
        return RowRefused(" ".join(exc.messages))
    columns, reasons = [], []
    for name, errors in exc.message_dict.items():
        column = spec.column_for_field(name)
        if column is None and name == "explanation" and spec.explanation_column:
            column = spec.column(spec.explanation_column)
        label = str(column.label) if column else str(edit_label(spec, name))
        columns.append(label)
        reasons.append(f"{label}: {' '.join(errors)}")
    return RowRefused(" ".join(reasons), ", ".join(columns))


def edit_label(spec: SheetSpec, name: str) -> str:
    if name == "__all__":
        return _("Row")
    return spec_for(spec.model).label(name)


# Deciding a batch ------------------------------------------------------------------------------

DECISIONS = {
    "approve": workflow.change_request_approve,
    "return": workflow.change_request_return,
    "reject": workflow.change_request_reject,
}


def batch_decide(
    *, batch_id: int, by: User, action: str, comment: str = "", cr_ids: list[int] | None = None
) -> list[dict[str, Any]]:
    """Approve, return or reject the batch's submitted change requests (or those of `cr_ids`
    among them), each through the workflow service in its own transaction: one that fails (a
    conflict, the four-eyes rule, a missing comment) is reported and the others go on.

    Returns one entry per change request: {cr_id, ok, error}."""
    if action not in DECISIONS:
        raise ValidationError({"action": _("Choose approve, return or reject.")})
    batch = ImportBatch.objects.get(pk=batch_id)
    if not by.has_perm("intake.view_batch", batch):
        raise PermissionDenied
    own = set(
        batch.rows.filter(status=RowStatus.ACCEPTED).values_list("change_request_id", flat=True)
    )
    wanted = [pk for pk in (cr_ids if cr_ids is not None else sorted(own)) if pk in own]
    waiting = set(
        ChangeRequest.objects.filter(pk__in=wanted, status="submitted").values_list("pk", flat=True)
    )
    results = []
    for pk in wanted:
        if cr_ids is None and pk not in waiting:
            continue  # the whole batch: what was decided already is left as it is
        results.append(_decide_one(pk, by, action, comment))
    return results


def _decide_one(pk: int, by: User, action: str, comment: str) -> dict[str, Any]:
    try:
        DECISIONS[action](cr_id=pk, by=by, comment=comment)
    except workflow.ChangeConflict as exc:
        return {"cr_id": pk, "ok": False, "error": str(exc)}
    except (PermissionDenied, TransitionNotAllowed) as exc:
        message = str(exc) or _("You may not decide this change request.")
        return {"cr_id": pk, "ok": False, "error": message}
    except ValidationError as exc:
        return {"cr_id": pk, "ok": False, "error": " ".join(exc.messages)}
    return {"cr_id": pk, "ok": True, "error": ""}
