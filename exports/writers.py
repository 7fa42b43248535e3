"""The two file formats of every export, both streamed so that no list is ever held whole:

- CSV: a StreamingHttpResponse writing one line per row as the rows are read (UTF-8 with a byte
  order mark, which Excel needs to read Cyrillic; ISO dates; a point for the decimal sign).
- XLSX: openpyxl's write-only workbook streams the rows into a temporary file, which a
  FileResponse then sends in blocks; real number and date cells, a frozen header row with filters.

Text that a spreadsheet would run as a formula (starting with =, +, -, @) is written as text: an
export must never carry someone's formula into a ministry's Excel (CSV injection)."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .tables import Table

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BOLD = Font(bold=True)
_SHEET_TITLE_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def filename(stem: str, extension: str) -> str:
    return f"{stem}-{timezone.localdate().isoformat()}.{extension}"


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, (dt.date, int, Decimal)):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


class _Line:
    """csv.writer's file: hands back each written line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, language: str) -> Iterator:
    writer = csv.writer(_Line())
    # The rows are read while the response streams, after the view has returned: the page's
    # language is held here, not left to whatever the thread has active by then.
    with translation.override(language):
        yield "\ufeff" + writer.writerow(headers)
        for row in rows:
            yield writer.writerow([_csv_text(value) for value in row])


def csv_response(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, stem: str
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(headers, rows, language=translation.get_language() or "kk"),
        content_type=CSV_TYPE,
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(stem, "csv")}"'
    return response


def _xlsx_cell(ws: Any, value: Any, *, font: Font | None = None) -> Any:
    if isinstance(value, dt.datetime):
        # Excel has no time zones: the local time, as the pages show it.
        value = timezone.localtime(value).replace(tzinfo=None)
    elif value is not None and not isinstance(value, (int, Decimal, dt.date, str)):
        value = str(value)  # translated labels
    cell = WriteOnlyCell(ws, value=value)
    if font is not None:
        cell.font = font
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, never a formula
    return cell


def _write_sheet(wb: Workbook, title: str, headers: Sequence[str], rows: Iterable) -> int:
    ws = wb.create_sheet(title.translate(_SHEET_TITLE_BAD)[:31])
    ws.freeze_panes = "A2"
    ws.append([_xlsx_cell(ws, text, font=_BOLD) for text in headers])
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 - the count is used below
        ws.append([_xlsx_cell(ws, value) for value in row])
    ws.auto_filter.ref = f"A1:{get_column_letter(max(len(headers), 1))}{count + 1}"
    return count


def xlsx_file(sheets: Sequence[tuple[Table, Any]]) -> Any:
    """A temporary file holding the workbook (deleted when closed), positioned at its start."""
    wb = Workbook(write_only=True)
    for table, queryset in sheets:
        _write_sheet(wb, str(table.title), table.headers(), table.rows(queryset))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    wb.save(handle)
    handle.seek(0)
    return handle


def xlsx_response(sheets: Sequence[tuple[Table, Any]], *, stem: str) -> FileResponse:
    return FileResponse(
        xlsx_file(sheets),
        as_attachment=True,
        filename=filename(stem, "xlsx"),
        content_type=XLSX_TYPE,
    )


def table_response(table: Table, queryset: Any, fmt: str) -> StreamingHttpResponse | FileResponse:
    """A table's download in `fmt` ("csv" or "xlsx")."""
    if fmt == "csv":
        return csv_response(table.headers(), table.rows(queryset), stem=table.name)
    return xlsx_response([(table, queryset)], stem=table.name)
