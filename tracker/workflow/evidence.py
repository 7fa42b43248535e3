"""Evidence: the files an author attaches to a change request, checked for what they really are."""

from __future__ import annotations

import zipfile
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from .models import Evidence, ReviewAction
from .services import _event, _lock

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from tracker.organisations.models import User
# Evidence --------------------------------------------------------------------------------------


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
    if size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES // (1024 * 1024)
        raise ValidationError(
            {"file": _("The file is larger than %(limit)s MB.") % {"limit": limit}}, code="too_big"
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
    if not by.has_perm("tracker.attach_evidence", cr):
        raise PermissionDenied(
            _("Only the author may attach evidence to a draft or returned change.")
        )
    if cr.evidence.count() >= settings.EVIDENCE_MAX_FILES:
        raise ValidationError(
            {
                "file": _("A change request may carry at most %(limit)s files.")
                % {"limit": settings.EVIDENCE_MAX_FILES}
            },
            code="too_many",
        )
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
