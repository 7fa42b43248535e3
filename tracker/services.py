"""The editorial workflow's writes: the only code that changes change requests and, through an
approved change, live measures, observations and legal acts. Views, the API, the admin, imports
and tasks call these; none of them writes those rows itself.

Every state change writes its ReviewEvent in the same transaction; e-mail is written to the
outbox in that transaction too and handed to a worker only after it commits
(tracker/notifications.py), so a rolled-back change notifies nobody and a committed one never
loses its mail.
"""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from . import notifications
from .editing import EditSpec, Values, apply, serialize, spec_for, to_json, validate
from .models import (
    ChangeOperation,
    ChangeRequest,
    ChangeStatus,
    DataFlag,
    DataFlagCode,
    Evidence,
    LegalAct,
    LegalActStatus,
    Measure,
    Organization,
    ReviewAction,
    ReviewEvent,
)
from .permissions import (
    can_attach_evidence,
    can_edit_draft,
    can_propose,
    can_rebase,
    can_review,
    can_submit,
    can_withdraw,
)
from .workflow import Action, next_status

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.db import models

    from .models import User


class ChangeConflict(Exception):  # noqa: N818 -- a domain outcome, not a programming error
    """The record moved on since the change request was based on it. Nothing was written: the
    author rebases the change onto the live version and it is reviewed again."""

    def __init__(self, cr: ChangeRequest, *, live_version: int, changes: list[dict[str, Any]]):
        self.change_request_id = cr.pk
        self.base_version = cr.base_version
        self.live_version = live_version
        # What changed meanwhile, field by field: {field, label, base, live}.
        self.changes = changes
        super().__init__(
            _(
                "The record was changed after this change request was prepared (version "
                "%(base)s, now %(live)s). Rebase it on the live version and submit it again."
            )
            % {"base": cr.base_version, "live": live_version}
        )


# Helpers ---------------------------------------------------------------------------------------


def _lock(cr_id: int) -> ChangeRequest:
    # Only the change request's own row: content types are shared by every request.
    return (
        ChangeRequest.objects.select_for_update(of=("self",))
        .select_related("target_type", "author")
        .get(pk=cr_id)
    )


def _spec(cr: ChangeRequest) -> EditSpec:
    return spec_for(cr.target_type.model_class())


def _live(spec: EditSpec, cr: ChangeRequest, *, lock: bool = False) -> models.Model | None:
    if cr.operation == ChangeOperation.CREATE:
        return None
    manager = spec.model._default_manager
    return (manager.select_for_update() if lock else manager).get(pk=cr.target_id)


def _deny(message: str) -> PermissionDenied:
    return PermissionDenied(message)


def _event(cr: ChangeRequest, action: str, *, by: User, comment: str = "", before: str) -> None:
    ReviewEvent.objects.create(
        change_request=cr,
        action=action,
        from_status=before,
        to_status=cr.status,
        actor=by,
        comment=comment,
    )


def _move(cr: ChangeRequest, action: Action, *, by: User, comment: str = "") -> None:
    """The only place a change request's status is assigned."""
    before = cr.status
    cr.status = next_status(cr.status, action)
    now = timezone.now()
    if action == Action.SUBMIT:
        cr.submitted_at = now
        cr.decided_at, cr.decided_by = None, None
    elif cr.status in (ChangeStatus.APPROVED, ChangeStatus.RETURNED, ChangeStatus.REJECTED):
        cr.decided_at, cr.decided_by = now, by
    cr.save()
    _event(cr, ReviewAction(action.value), by=by, comment=comment, before=before)


def _changed_fields(spec: EditSpec, old: Values, new: Values) -> list[dict[str, Any]]:
    return [
        {"field": name, "label": spec.label(name), "base": old[name], "live": new.get(name)}
        for name in spec.fields
        if name in old and old[name] != new.get(name)
    ]


def _validate_for_decision(spec: EditSpec, cr: ChangeRequest, live: models.Model | None) -> Any:
    """The same form as any edit, plus the rules that need the change request itself."""
    form, _normalised = validate(spec, instance=live, payload=cr.payload)
    if spec.check_submission:
        merged = {name: to_json(form.cleaned_data.get(name)) for name in spec.fields}
        spec.check_submission(merged, cr)
    return form


def _comment_required(comment: str) -> str:
    if not comment or not comment.strip():
        raise ValidationError(
            {"comment": _("Say what has to change: a comment is required.")}, code="required"
        )
    return comment.strip()


def _check_summary(summary: str) -> None:
    limit = ChangeRequest._meta.get_field("summary").max_length
    if len(summary) > limit:
        raise ValidationError(
            {"summary": _("The summary may be at most %(limit)s characters.") % {"limit": limit}}
        )


# Proposing -------------------------------------------------------------------------------------


@transaction.atomic
def change_request_create(
    *,
    by: User,
    payload: Values,
    target: models.Model | None = None,
    target_model: type[models.Model] | None = None,
    summary: str = "",
    explanation: str = "",
) -> ChangeRequest:
    """A draft proposing `payload` for `target` (an update) or a new `target_model` record."""
    if (target is None) == (target_model is None):
        raise TypeError("Give either target (an update) or target_model (a create).")
    model = type(target) if target is not None else target_model
    spec = spec_for(model)
    # Locked briefly so the base version and the base values are one consistent snapshot.
    live = spec.model._default_manager.select_for_update().get(pk=target.pk) if target else None
    proposed = payload if isinstance(payload, dict) else {}
    if not can_propose(by, model, target=live, payload=proposed):
        raise _deny(_("You may not propose changes to this record."))
    if by.organization_id is None:
        raise _deny(_("Your account belongs to no organisation, so it cannot propose changes."))
    _check_summary(summary)
    base_values = serialize(spec, live) if live is not None else {}
    _form, normalised = validate(spec, instance=live, payload=payload)
    cr = ChangeRequest.objects.create(
        target_type=ContentType.objects.get_for_model(model),
        target_id=live.pk if live is not None else None,
        operation=ChangeOperation.UPDATE if live is not None else ChangeOperation.CREATE,
        payload=normalised,
        base_version=live.version if live is not None else None,
        base_values=base_values,
        summary=summary,
        explanation=explanation,
        author=by,
        organization_id=by.organization_id,
    )
    _event(cr, ReviewAction.CREATE, by=by, before="")
    return cr


@transaction.atomic
def change_request_update_draft(
    *,
    cr_id: int,
    by: User,
    payload: Values | None = None,
    summary: str | None = None,
    explanation: str | None = None,
) -> ChangeRequest:
    """Replace a draft's (or returned change's) proposed values, summary or explanation."""
    cr = _lock(cr_id)
    if not can_edit_draft(by, cr):
        raise _deny(_("Only the author may change a draft or returned change request."))
    spec = _spec(cr)
    if payload is not None:
        live = _live(spec, cr)
        if not can_propose(by, spec.model, target=live, payload=payload):
            raise _deny(_("You may not propose changes to this record."))
        _form, cr.payload = validate(spec, instance=live, payload=payload)
    if summary is not None:
        _check_summary(summary)
        cr.summary = summary
    if explanation is not None:
        cr.explanation = explanation
    cr.save()
    _event(cr, ReviewAction.EDIT, by=by, before=cr.status)
    return cr


@transaction.atomic
def change_request_submit(*, cr_id: int, by: User) -> ChangeRequest:
    cr = _lock(cr_id)
    if not can_submit(by, cr):
        raise _deny(_("Only the author may submit a change request."))
    next_status(cr.status, Action.SUBMIT)
    spec = _spec(cr)
    _validate_for_decision(spec, cr, _live(spec, cr))
    _move(cr, Action.SUBMIT, by=by)
    notifications.queue_submitted(cr)
    return cr


@transaction.atomic
def change_request_withdraw(*, cr_id: int, by: User, comment: str = "") -> ChangeRequest:
    cr = _lock(cr_id)
    if not can_withdraw(by, cr):
        raise _deny(_("Only the author may withdraw a change request."))
    _move(cr, Action.WITHDRAW, by=by, comment=comment)
    return cr


@transaction.atomic
def change_request_rebase(*, cr_id: int, by: User) -> ChangeRequest:
    """Take the live version and values as the new base, keeping the proposed values: the author
    has seen what changed meanwhile (the diff) and the reviewer will decide on the new base."""
    cr = _lock(cr_id)
    if not can_rebase(by, cr):
        raise _deny(_("Only the author may rebase an open change request."))
    if cr.operation != ChangeOperation.UPDATE:
        raise ValidationError(_("A new record has no live version to rebase on."))
    spec = _spec(cr)
    live = _live(spec, cr, lock=True)
    live_values = serialize(spec, live)
    changed = _changed_fields(spec, cr.base_values, live_values)
    cr.base_version, cr.base_values = live.version, live_values
    cr.save()
    _event(
        cr,
        ReviewAction.REBASE,
        by=by,
        before=cr.status,
        comment=", ".join(row["field"] for row in changed),
    )
    return cr


def change_request_revert(*, cr_id: int, by: User, summary: str = "") -> ChangeRequest:
    """Propose, as a new change, the values an approved change replaced. Nothing is undone in
    place: the revert is reviewed like any change and leaves its own history."""
    source = ChangeRequest.objects.select_related("target_type").get(pk=cr_id)
    if source.status != ChangeStatus.APPROVED or source.operation != ChangeOperation.UPDATE:
        raise ValidationError(_("Only an approved change to an existing record can be reverted."))
    spec = _spec(source)
    target = spec.model._default_manager.get(pk=source.target_id)
    # At approval the live values equalled base_values (else it would have conflicted), so these
    # are exactly the values the change replaced.
    old = {name: source.base_values[name] for name in source.payload if name in source.base_values}
    return change_request_create(
        by=by,
        target=target,
        payload=old,
        summary=summary or str(_("Revert #%(id)s") % {"id": source.pk})[:300],
    )


# Deciding --------------------------------------------------------------------------------------


@transaction.atomic
def change_request_approve(*, cr_id: int, by: User, comment: str = "") -> ChangeRequest:
    """Apply the change to the live record, or raise ChangeConflict and write nothing."""
    cr = _lock(cr_id)
    if not can_review(by, cr):
        raise _deny(_("You may not decide this change request (nobody approves their own)."))
    next_status(cr.status, Action.APPROVE)
    spec = _spec(cr)
    # Lock order is always change request, then record, then (for legal acts) measures.
    live = _live(spec, cr, lock=True)
    old_values: Values = {}
    if live is not None:
        old_values = serialize(spec, live)
        changed = _changed_fields(spec, cr.base_values, old_values)
        # The version catches every workflow edit; comparing values also catches a writer that
        # forgot to bump it.
        if live.version != cr.base_version or changed:
            raise ChangeConflict(cr, live_version=live.version, changes=changed)
    form = _validate_for_decision(spec, cr, live)
    reason = f"CR #{cr.pk} by {cr.author.get_username()}, approved by {by.get_username()}"
    try:
        obj = apply(spec, form=form, cr=cr, reason=reason, user=by)
    except IntegrityError as exc:
        # A concurrent approval created the same record first (e.g. the same observation cell).
        raise ValidationError(
            _("Another change created the same record first; return this one to its author.")
        ) from exc
    if cr.operation == ChangeOperation.CREATE:
        cr.target_id = obj.pk
    if isinstance(obj, LegalAct) and old_values:
        _legal_basis_changed(obj, old_status=old_values.get("status"), cr=cr, by=by)
    _move(cr, Action.APPROVE, by=by, comment=comment)
    notifications.queue_decided(cr, comment=comment)
    return cr


def _decide_with_comment(*, cr_id: int, by: User, comment: str, action: Action) -> ChangeRequest:
    """Return or reject: the author must learn why, so the comment is required."""
    cr = _lock(cr_id)
    if not can_review(by, cr):
        raise _deny(_("You may not decide this change request (nobody approves their own)."))
    comment = _comment_required(comment)
    _move(cr, action, by=by, comment=comment)
    notifications.queue_decided(cr, comment=comment)
    return cr


@transaction.atomic
def change_request_return(*, cr_id: int, by: User, comment: str) -> ChangeRequest:
    return _decide_with_comment(cr_id=cr_id, by=by, comment=comment, action=Action.RETURN)


@transaction.atomic
def change_request_reject(*, cr_id: int, by: User, comment: str) -> ChangeRequest:
    return _decide_with_comment(cr_id=cr_id, by=by, comment=comment, action=Action.REJECT)


_LAPSED = {LegalActStatus.AMENDED, LegalActStatus.REPEALED}


def _legal_basis_changed(act: LegalAct, *, old_status: str | None, cr: ChangeRequest, by: User):
    """An amended or repealed act puts every measure that cites it up for review: the measure may
    now rest on law that no longer says what the report says it does."""
    if act.status not in _LAPSED or act.status == old_status:
        return
    citing = Measure.legal_basis.through.objects.filter(citation__act=act).values("measure_id")
    measures = list(Measure.objects.select_for_update().filter(pk__in=citing).order_by("pk"))
    if not measures:
        return
    reason = f"Legal basis {act.key} {act.status} (CR #{cr.pk})"[:100]
    for measure in measures:
        measure.needs_review = True
        # A flagged measure is a changed record: pending changes must be rebased onto it.
        measure.version += 1
        measure._change_reason = reason
        measure._history_user = by
        measure.save(update_fields=["needs_review", "version", "updated_at"])
    measure_type = ContentType.objects.get_for_model(Measure)
    DataFlag.objects.bulk_create(
        DataFlag(
            content_type=measure_type,
            object_id=measure.pk,
            code=DataFlagCode.LEGAL_BASIS_CHANGED,
            message=f"{act.key}: {act.status} (change request #{cr.pk})",
        )
        for measure in measures
    )
    organizations = (
        Organization.objects.filter(measures__in=[m.pk for m in measures]).distinct().order_by("pk")
    )
    for organization in organizations:
        notifications.queue_legal_basis_changed(act, organization)


# Evidence --------------------------------------------------------------------------------------

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


def _zip_has(head: bytes, upload: UploadedFile, member: str) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "[Content_Types].xml" in names and member in names


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Extension → (stored content type, does the content really look like it?). Both must agree: a
# renamed executable is refused even with a harmless extension.
EVIDENCE_TYPES = {
    ".pdf": ("application/pdf", lambda head, f: head.startswith(b"%PDF-")),
    ".png": ("image/png", lambda head, f: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ".jpg": ("image/jpeg", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    ".jpeg": ("image/jpeg", lambda head, f: head.startswith(b"\xff\xd8\xff")),
    ".docx": (_DOCX, lambda head, f: _zip_has(head, f, "word/document.xml")),
    ".xlsx": (_XLSX, lambda head, f: _zip_has(head, f, "xl/workbook.xml")),
}


def _check_evidence_file(upload: UploadedFile) -> str:
    """The content type to store, or a ValidationError on the `file` field."""
    size = upload.size or 0
    if size == 0:
        raise ValidationError({"file": _("The file is empty.")}, code="empty")
    if size > MAX_EVIDENCE_BYTES:
        raise ValidationError(
            {"file": _("The file is larger than %(limit)s MB.") % {"limit": 10}}, code="too_big"
        )
    kind = EVIDENCE_TYPES.get(PurePath(upload.name or "").suffix.lower())
    if kind is None:
        raise ValidationError(
            {"file": _("Attach a PDF, DOCX, XLSX, PNG or JPEG file.")}, code="type"
        )
    content_type, looks_right = kind
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    ok = looks_right(head, upload)
    upload.seek(0)
    if not ok:
        raise ValidationError(
            {"file": _("The file's content does not match its extension.")}, code="spoofed"
        )
    return content_type


@transaction.atomic
def evidence_attach(*, cr_id: int, by: User, uploaded_file: UploadedFile) -> Evidence:
    """Attach a supporting file to a draft or returned change; it stays with the change request,
    and so with the record once the change is approved (never deleted: PROTECT)."""
    cr = _lock(cr_id)
    if not can_attach_evidence(by, cr):
        raise _deny(_("Only the author may attach evidence to a draft or returned change."))
    content_type = _check_evidence_file(uploaded_file)
    original = PurePath(uploaded_file.name).name[:255]
    evidence = Evidence.objects.create(
        change_request=cr,
        file=File(uploaded_file, name=get_valid_filename(original)),
        original_name=original,
        content_type=content_type,
        size=uploaded_file.size,
        uploaded_by=by,
    )
    _event(cr, ReviewAction.EDIT, by=by, before=cr.status, comment=original)
    return evidence
