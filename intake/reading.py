"""Reading an uploaded file into rows, or refusing the whole file before anything is written.

A file is refused, with a translated reason, when it is larger than INTAKE_MAX_FILE_BYTES, has
more than INTAKE_MAX_ROWS data rows, is not what its name says (a "workbook" that is no zip, a
CSV that is binary, a content type that belongs to neither), carries macros (.xlsm, a
vbaProject part), holds formulas, or its columns are not the template's. What is read is plain
values: openpyxl with defusedxml (installed, so openpyxl parses with it), never evaluated.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .columns import ID, SHEETS, SheetSpec, header_names

XLSX_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/octet-stream",
    "application/zip",
    "",
}
# Windows sends a CSV as "application/vnd.ms-excel"; curl and scripts as text/plain or octet-stream.
CSV_TYPES = {"text/csv", "text/plain", "application/vnd.ms-excel", "application/octet-stream", ""}
MACRO_SUFFIXES = {".xlsm", ".xltm", ".xlsb", ".xls", ".xlam"}


@dataclass
class ReadRow:
    sheet: str
    row_number: int
    record_id: str
    base_version: str
    values: dict[str, Any]


def _refuse(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code, params=params or None)})


def check_size(size: int) -> None:
    if not size:
        raise _refuse(_("The file is empty."), "empty")
    limit = settings.INTAKE_MAX_FILE_BYTES
    if size > limit:
        raise _refuse(_("The file is larger than %(limit)s KB."), "too_big", limit=limit // 1024)


def read_upload(name: str, content_type: str, data: bytes) -> tuple[str, list[ReadRow]]:
    """("xlsx" | "csv", rows), or ValidationError on `file` saying what is wrong."""
    check_size(len(data))
    suffix = PurePath(name or "").suffix.lower()
    content_type = (content_type or "").split(";")[0].strip().lower()
    if suffix in MACRO_SUFFIXES:
        raise _refuse(
            _("Files with macros or in old Excel formats are not accepted: save it as .xlsx."),
            "macros",
        )
    if suffix == ".xlsx":
        if content_type not in XLSX_TYPES:
            raise _refuse(_("The file's content type does not match its extension."), "type")
        return "xlsx", _read_xlsx(data)
    if suffix == ".csv":
        if content_type not in CSV_TYPES:
            raise _refuse(_("The file's content type does not match its extension."), "type")
        return "csv", _read_csv(data)
    raise _refuse(_("Upload the template as .xlsx, or a sheet of it as .csv."), "extension")


# XLSX ------------------------------------------------------------------------------------------


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError):
        raise _refuse(_("The file is not a valid XLSX workbook."), "bad_zip") from None
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _refuse(_("The file is not a valid XLSX workbook."), "bad_zip")
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise _refuse(
            _("Files with macros or in old Excel formats are not accepted: save it as .xlsx."),
            "macros",
        )
    # A small zip may unpack into gigabytes: the parts' declared sizes are checked first.
    if unpacked > settings.INTAKE_MAX_FILE_BYTES * 20:
        raise _refuse(_("The file is not a valid XLSX workbook."), "bad_zip")


def _read_xlsx(data: bytes) -> list[ReadRow]:
    import openpyxl

    _check_zip(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:
        raise _refuse(_("The file is not a valid XLSX workbook."), "bad_zip") from None
    try:
        found: list[ReadRow] = []
        seen = False
        for sheet_name in book.sheetnames:
            # Read-only mode parses each sheet's XML only now, row by row.
            rows = book[sheet_name].iter_rows(values_only=False)
            header = next(rows, None)
            if header is None:
                continue
            spec = _spec_for_header([c.value for c in header])
            if spec is None:
                continue
            seen = True
            found.extend(
                _sheet_rows(spec, [c.value for c in header], _cell_values(rows), len(found))
            )
    except ValidationError:
        raise
    except Exception:  # damaged or hostile XML (defusedxml refuses entities)
        raise _refuse(_("The file is not a valid XLSX workbook."), "bad_zip") from None
    finally:
        book.close()
    if not seen:
        raise _refuse(_wrong_columns_message(), "columns")
    return found


def _cell_values(rows: Any) -> Any:
    for number, row in enumerate(rows, start=2):
        values = []
        for cell in row:
            if getattr(cell, "data_type", None) == "f" or (
                isinstance(cell.value, str) and cell.value.startswith("=")
            ):
                raise _formula(number)
            values.append(cell.value)
        yield number, values


def _formula(number: int) -> ValidationError:
    return _refuse(
        _(
            "Row %(row)s holds a formula. Paste the values only (Paste special → Values) and "
            "upload again."
        ),
        "formula",
        row=number,
    )


# CSV -------------------------------------------------------------------------------------------


def _read_csv(data: bytes) -> list[ReadRow]:
    if b"\x00" in data[:4096] or data.startswith(b"PK\x03\x04"):
        raise _refuse(_("The file is not a CSV text file."), "not_csv")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refuse(_("Save the CSV file in UTF-8 encoding."), "encoding") from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    spec = _spec_for_header(header or [])
    if spec is None:
        raise _refuse(_wrong_columns_message(), "columns")

    def cells() -> Any:
        for number, row in enumerate(reader, start=2):
            if any(value.startswith("=") for value in row):
                raise _formula(number)
            yield number, row

    return _sheet_rows(spec, header, cells())


# Both ------------------------------------------------------------------------------------------


def _wrong_columns_message() -> Any:
    return _(
        "The columns are not those of the template. Download the template again and keep its "
        "header row and columns as they are."
    )


def _spec_for_header(header: list[Any]) -> SheetSpec | None:
    """The sheet whose columns the header row names exactly (in any language and order), or None
    when it names none; ValidationError when it is a template sheet with columns missing or
    added."""
    names = [str(v).strip().casefold() for v in header if v is not None and str(v).strip()]
    for spec in SHEETS.values():
        known = {c.code: header_names(c) for c in spec.columns}
        matched = {code for code, options in known.items() if any(n in options for n in names)}
        if len(matched) < len(spec.columns) // 2:
            continue
        unknown = [n for n in names if not any(n in options for options in known.values())]
        missing = [spec.column(code).label for code in known if code not in matched]
        if missing or unknown or len(names) != len(spec.columns):
            raise _refuse(_wrong_columns_message(), "columns")
        return spec
    return None


def _sheet_rows(spec: SheetSpec, header: list[Any], cells: Any, already: int = 0) -> list[ReadRow]:
    positions: dict[str, int] = {}
    for index, value in enumerate(header):
        name = str(value).strip().casefold() if value is not None else ""
        # A heading is a column's label first ("Indicator" is the name column's label and the
        # key column's code): only a heading no label has is taken for a code.
        by_label = [c for c in spec.columns if name in header_names(c) - {c.code.casefold()}]
        by_code = [c for c in spec.columns if name == c.code.casefold()]
        for column in (by_label or by_code)[:1]:
            positions[column.code] = index
    rows: list[ReadRow] = []
    limit = settings.INTAKE_MAX_ROWS
    for number, values in cells:
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if already + len(rows) >= limit:
            raise _refuse(
                _("The file has more than %(limit)s rows. Split it and upload the parts."),
                "too_many_rows",
                limit=limit,
            )
        cell = {code: values[i] if i < len(values) else None for code, i in positions.items()}
        rows.append(
            ReadRow(
                sheet=spec.sheet,
                row_number=number,
                record_id=_text(cell.pop(ID)),
                base_version=_text(cell.pop("version")),
                # Read-only columns too: a new row of the values sheet names its cell by them.
                values={code: _jsonable(value) for code, value in cell.items()},
            )
        )
    return rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:40]


def _jsonable(value: Any) -> Any:
    """Cells are kept as read (numbers stay numbers, dates become ISO text) until the row is
    decided: the row's report shows what the file said."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
