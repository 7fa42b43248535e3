"""The XLSX attachment: one sheet per section, a frozen header row with filters, and real
number and date cells. openpyxl's write-only mode streams the rows, so memory stays flat however
long the lists grow."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from . import presentation
from .models import ReportEdition
from .selectors import StatusReport

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_CELL_TYPES = (int, float, Decimal, dt.date, str)


def _sheet(
    wb: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]], widths=()
) -> None:
    ws = wb.create_sheet(_BAD_SHEET_CHARS.sub(" ", title)[:31])
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    bold = Font(bold=True)
    header = []
    for text in headers:
        cell = WriteOnlyCell(ws, value=text)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            if value is not None and not isinstance(value, _CELL_TYPES):
                value = str(value)  # translated labels are lazy strings
            cell = WriteOnlyCell(ws, value=value)
            if hasattr(value, "isoformat") and not hasattr(value, "hour"):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        ws.append(cells)
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def _num(value):
    return float(value) if value is not None else None


def render(*, edition: ReportEdition, status: StatusReport, language: str) -> bytes:
    with translation.override(language):
        ctx = presentation.context(edition=edition, status=status, language=language)
        wb = Workbook(write_only=True)
        national = ctx["national"]
        _sheet(
            wb,
            _("Summary"),
            [_("Item"), _("Count")],
            [
                (_("Measures"), ctx["measures_total"]),
                *((label, n) for label, _k, n in ctx["measure_rows"]),
                (_("Indicators"), len(ctx["indicators"])),
                *((label, n) for label, _k, n in ctx["verdict_rows"]),
                (_("Overdue measures"), len(ctx["overdue"])),
                (_("Measures due in the next 60 days"), len(ctx["due_soon"])),
                (_("Measures flagged because their legal basis changed"), len(ctx["flagged"])),
                (_("Indicators lacking a value for their latest period"), len(ctx["missing"])),
                (_("Changes waiting for review"), ctx["waiting_total"]),
                (_("Returned changes"), len(ctx["returned"])),
            ],
            widths=(60, 12),
        )
        if national:
            _sheet(
                wb,
                _("By CRPD article"),
                [
                    _("Article"),
                    _("Title"),
                    _("Measures"),
                    _("Implemented"),
                    _("Overdue"),
                    _("Due soon"),
                    _("Flagged"),
                    _("Achieved"),
                    _("On track"),
                    _("Off track"),
                    _("No data"),
                ],
                (
                    (
                        r["number"],
                        r["title"],
                        r["measures"],
                        r["implemented"],
                        r["overdue"],
                        r["due_soon"],
                        r["flagged"],
                        r["achieved"],
                        r["on_track"],
                        r["off_track"],
                        r["no_data"],
                    )
                    for r in ctx["by_article"]
                ),
                widths=(9, 40),
            )
        _sheet(
            wb,
            _("Scorecard"),
            [
                _("Organisation"),
                _("Measures"),
                _("On schedule"),
                _("On schedule, %"),
                _("Indicators due"),
                _("With current data"),
                _("With current data, %"),
                _("Open returned changes"),
                _("Median response, days"),
            ],
            (
                (
                    r["name"],
                    r["measures"],
                    r["on_schedule"],
                    r["share_on_schedule"],
                    r["indicators_due"],
                    r["indicators_current"],
                    r["share_current"],
                    r["open_returned"],
                    r["median_response_days"],
                )
                for r in ctx["scorecard"]
            ),
            widths=(50,),
        )
        indicator_headers = [
            _("Key"),
            _("Indicator"),
            _("Organisation"),
            _("Progress"),
            _("Latest year"),
            _("Latest value"),
            _("Year due"),
            _("Explanation"),
            _("Link"),
        ]

        def indicator_rows(rows):
            return (
                (
                    r["key"],
                    r["title"],
                    r["organization"],
                    r["verdict"],
                    r["latest_year"],
                    _num(r["latest_value"]),
                    r["due_year"],
                    r["explanation"],
                    r["url"],
                )
                for r in rows
            )

        widths = (18, 60, 20, 14)
        _sheet(wb, _("Indicators"), indicator_headers, indicator_rows(ctx["indicators"]), widths)
        _sheet(wb, _("Off track"), indicator_headers, indicator_rows(ctx["off_track"]), widths)
        _sheet(wb, _("Missing values"), indicator_headers, indicator_rows(ctx["missing"]), widths)
        measure_headers = [
            _("Key"),
            _("Measure"),
            _("Organisation"),
            _("Status"),
            _("Due"),
            _("Days left"),
            _("Link"),
        ]

        def measure_rows(rows):
            return (
                (
                    r["key"],
                    r["title"],
                    r["organizations"],
                    r["status"],
                    r["due_date"],
                    r["days"],
                    r["url"],
                )
                for r in rows
            )

        _sheet(wb, _("Overdue"), measure_headers, measure_rows(ctx["overdue"]), widths)
        _sheet(wb, _("Due soon"), measure_headers, measure_rows(ctx["due_soon"]), widths)
        _sheet(wb, _("Flagged"), measure_headers, measure_rows(ctx["flagged"]), widths)
        _sheet(
            wb,
            _("Returned changes"),
            [_("Change"), _("Organisation"), _("Returned on"), _("Link")],
            (
                (
                    r["title"],
                    r["organization"],
                    r["decided_at"].date() if r["decided_at"] else None,
                    r["url"],
                )
                for r in ctx["returned"]
            ),
            widths=(60, 20, 14),
        )
        if national:
            _sheet(
                wb,
                _("Failed deliveries"),
                [_("Recipient"), _("Subject"), _("Queued"), _("Attempts"), _("Last error")],
                (
                    (r["recipient"], r["subject"], r["created_at"], r["attempts"], r["error"])
                    for r in ctx["failed"]
                ),
                widths=(30, 60, 14, 10, 60),
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
