"""A file that is not what it claims is refused whole, with a translated reason, and changes
nothing; CSV in UTF-8 with or without BOM, comma or semicolon, is read like the workbook."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import translation

from intake import services
from intake.models import ImportBatch, RowStatus
from tracker.models import ChangeRequest

from .conftest import XLSX, save, set_cell, workbook_of

pytestmark = pytest.mark.django_db


def _refused(editor, data: bytes, name="filled.xlsx", content_type=XLSX, lang="en") -> str:
    with translation.override(lang):
        with pytest.raises(ValidationError) as caught:
            services.batch_create(
                by=editor, name=name, content_type=content_type, data=data, language=lang
            )
        reason = " ".join(caught.value.message_dict["file"])
    assert ImportBatch.objects.count() == 0
    assert ChangeRequest.objects.count() == 0
    return reason


def _csv(editor, measures, *, delimiter=",", bom=False) -> bytes:
    m1, m2 = measures[0], measures[1]
    head = delimiter.join(
        [
            "Record id",
            "Version",
            "Measure key",
            "Title",
            "Kind",
            "Status",
            '"Progress, %"',
            "Start date",
            "Due date",
            "Completed date",
        ]
    )
    rows = [
        head,
        delimiter.join(
            [
                str(m1.pk),
                "1",
                m1.key,
                '"Шара; бір"',
                "administrative",
                "Выполняется",
                "75",
                "",
                "31.12.2030",
                "",
            ]
        ),
        delimiter.join(
            [str(m2.pk), "1", m2.key, "x", "administrative", "in_progress", "40", "", "", ""]
        ),
    ]
    text = "\r\n".join(rows) + "\r\n"
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


@pytest.mark.parametrize(("delimiter", "bom"), [(",", False), (";", True), (";", False)])
def test_csv_with_or_without_bom_comma_or_semicolon(editor, measures, upload, delimiter, bom):
    data = _csv(editor, measures, delimiter=delimiter, bom=bom)
    batch = upload(editor, data, name="measures.csv", content_type="text/csv")
    statuses = dict(batch.rows.values_list("row_number", "status"))
    assert statuses == {2: RowStatus.ACCEPTED, 3: RowStatus.UNCHANGED}
    cr = ChangeRequest.objects.get()
    assert cr.payload == {"progress": 75, "due_date": "2030-12-31"}


def test_bad_zip(editor):
    reason = _refused(editor, b"PK\x03\x04 this is not a real archive")
    assert reason == "The file is not a valid XLSX workbook."


def test_a_renamed_text_file_is_no_workbook(editor):
    assert "not a valid XLSX" in _refused(editor, b"id,version\n1,1\n")


def test_macros_by_name_and_by_content(editor, measures):
    data = save(workbook_of(editor.organization))
    assert "macros" in _refused(editor, data, name="filled.xlsm")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00" * 64)
    assert "macros" in _refused(editor, out.getvalue())


def _rewritten(data: bytes, part: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            body = source.read(item.filename)
            target.writestr(item, change(body) if item.filename == part else body)
    return out.getvalue()


def test_xml_entities_are_refused_not_expanded(editor, measures):
    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # defusedxml is installed and openpyxl uses it
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
    data = _rewritten(
        save(workbook_of(editor.organization)),
        "xl/worksheets/sheet2.xml",
        lambda body: bomb + body.split(b"?>", 1)[-1],
    )
    assert _refused(editor, data) == "The file is not a valid XLSX workbook."


def test_a_formula_is_refused_naming_its_row(editor, measures):
    book = workbook_of(editor.organization)
    row = set_cell(book["Measures"], measures[0].pk, "Progress, %", "=40+20")
    reason = _refused(editor, save(book))
    assert f"Row {row} holds a formula" in reason


def test_a_formula_in_csv_is_refused(editor, measures):
    data = _csv(editor, measures).replace(b",75,", b",=1+1,")
    assert "holds a formula" in _refused(editor, data, name="m.csv", content_type="text/csv")


def test_wrong_columns(editor, measures):
    book = workbook_of(editor.organization)
    book["Measures"].cell(row=1, column=7, value="Budget")
    assert "The columns are not those of the template" in _refused(editor, save(book))
    no_template = b"name,amount\nx,1\n"
    assert "columns" in _refused(editor, no_template, name="a.csv", content_type="text/csv")


def test_wrong_content_type(editor, measures):
    data = save(workbook_of(editor.organization))
    assert "content type" in _refused(editor, data, content_type="image/png")
    assert "content type" in _refused(
        editor, b"a,b\n", name="a.csv", content_type="application/pdf"
    )


def test_binary_and_non_utf8_csv(editor):
    assert "not a CSV" in _refused(editor, b"\x00\x01\x02", name="a.csv", content_type="text/csv")
    latin = "Record id,Version\n1,ё\n".encode("cp1251")
    assert "UTF-8" in _refused(editor, latin, name="a.csv", content_type="text/csv")


def test_other_extensions_and_empty(editor):
    assert ".xlsx" in _refused(editor, b"%PDF-1.4", name="a.pdf", content_type="application/pdf")
    assert "empty" in _refused(editor, b"")


@override_settings(INTAKE_MAX_FILE_BYTES=2048)
def test_size_limit(editor, measures):
    assert "larger than 2 KB" in _refused(
        editor, b"x" * 4096, name="a.csv", content_type="text/csv"
    )


@override_settings(INTAKE_MAX_FILE_BYTES=2048)
def test_an_oversized_upload_is_refused_before_it_is_read(editor):
    class Unreadable:
        name, content_type, size = "big.xlsx", XLSX, 10**9

        def read(self):
            raise AssertionError("read")

    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            services.batch_create_from_upload(by=editor, upload=Unreadable(), language="en")
        assert caught.value.message_dict == {"file": ["The file is larger than 2 KB."]}


@override_settings(INTAKE_MAX_ROWS=1)
def test_row_limit(editor, measures):
    data = save(workbook_of(editor.organization))
    assert "more than 1 rows" in _refused(editor, data)


def test_reasons_are_translated(editor):
    reason = _refused(editor, b"PK\x03\x04 broken", lang="ru")
    assert reason == "Файл не является корректной книгой XLSX."
