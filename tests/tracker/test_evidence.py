"""Evidence files: PDF, DOCX, XLSX, PNG and JPEG up to 10 MB, checked by extension and content."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from tracker.models import Evidence
from tracker.workflow import evidence, services

pytestmark = pytest.mark.django_db


def _ooxml(member: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(member, "<x/>")
    return buffer.getvalue()


FILES = {
    "order.pdf": (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "application/pdf"),
    "ramp.png": (b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png"),
    "ramp.JPG": (b"\xff\xd8\xff\xe0" + b"\x00" * 32, "image/jpeg"),
    "photo.jpeg": (b"\xff\xd8\xff\xdb" + b"\x00" * 32, "image/jpeg"),
    "letter.docx": (
        _ooxml("word/document.xml"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "table.xlsx": (
        _ooxml("xl/workbook.xml"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@pytest.fixture
def draft(author, measure, propose, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return propose(measure, {"progress": 70}, submit=False)


@pytest.mark.parametrize("name", sorted(FILES))
def test_accepted_types_are_stored_with_the_sniffed_content_type(author, draft, name):
    content, content_type = FILES[name]
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    attached = evidence.evidence_attach(cr_id=draft.pk, by=author, uploaded_file=upload)
    assert (attached.original_name, attached.content_type) == (name, content_type)
    assert attached.size == len(content)
    with attached.file.open("rb") as stored:
        assert stored.read() == content
    assert draft.events.last().comment == name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("script.exe", b"MZ\x90\x00"),
        ("notes.txt", b"hello"),
        ("report.doc", b"\xd0\xcf\x11\xe0"),
        ("invoice.pdf", b"MZ\x90\x00 not a pdf"),  # spoofed extension
        ("photo.png", b"\xff\xd8\xff\xe0jpeg-really"),  # wrong image kind
        ("letter.docx", _ooxml("xl/workbook.xml")),  # a workbook named as a document
        ("table.xlsx", b"PK\x03\x04broken zip"),
        ("empty.pdf", b""),
    ],
)
def test_refused_files_leave_nothing_behind(author, draft, name, content, tmp_path):
    upload = SimpleUploadedFile(name, content)
    with pytest.raises(ValidationError) as exc:
        evidence.evidence_attach(cr_id=draft.pk, by=author, uploaded_file=upload)
    assert "file" in exc.value.message_dict
    assert not Evidence.objects.exists()
    assert draft.events.count() == 1
    assert not any(tmp_path.rglob("*.*"))


def test_files_over_ten_megabytes_are_refused(author, draft):
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (settings.EVIDENCE_MAX_BYTES))
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        evidence.evidence_attach(cr_id=draft.pk, by=author, uploaded_file=big)
    assert "10 MB" in exc.value.message_dict["file"][0]
    exact = SimpleUploadedFile("ok.pdf", b"%PDF-" + b"0" * (settings.EVIDENCE_MAX_BYTES - 5))
    evidence.evidence_attach(cr_id=draft.pk, by=author, uploaded_file=exact)


def test_evidence_cannot_be_added_once_submitted(author, draft):
    services.change_request_submit(cr_id=draft.pk, by=author)
    with pytest.raises(PermissionDenied):
        evidence.evidence_attach(
            cr_id=draft.pk, by=author, uploaded_file=SimpleUploadedFile("a.pdf", b"%PDF-1.4")
        )


def test_a_path_in_the_file_name_is_dropped(author, draft):
    upload = SimpleUploadedFile("../../etc/order 1.pdf", b"%PDF-1.4 x")
    attached = evidence.evidence_attach(cr_id=draft.pk, by=author, uploaded_file=upload)
    assert attached.original_name == "order 1.pdf"
    assert attached.file.name.startswith(f"evidence/{draft.pk}/order_1")
