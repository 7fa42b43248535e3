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
from django.utils.translation import gettext_lazy as _l
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
        # Plain values: openpyxl types them (numbers, dates with a date format) as it writes.
        ws.append(
            [
                str(v) if v is not None and not isinstance(v, _CELL_TYPES) else v  # lazy labels
                for v in row
            ]
        )
        count += 1
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"


def _summary(wb: Workbook, ctx: dict[str, Any]) -> None:
    counts = ctx["counts"]
    _sheet(
        wb,
        _("Summary"),
        [_("Item"), _("Count")],
        [
            (_("Measures"), ctx["measures_total"]),
            *((label, n) for label, _k, n in ctx["measure_rows"]),
            (_("Indicators"), ctx["indicators_total"]),
            *((label, n) for label, _k, n in ctx["verdict_rows"]),
            (_("Overdue measures"), counts["overdue"]),
            (_("Measures due in the next 60 days"), counts["due_soon"]),
            (_("Measures flagged because their legal basis changed"), counts["flagged"]),
            (_("Indicators lacking a value for their latest period"), counts["missing"]),
            (_("Changes waiting for review"), ctx["waiting_total"]),
            (_("Returned changes"), counts["returned"]),
        ],
        widths=(60, 12),
    )


_ARTICLE_COLUMNS = (
    ("number", _l("Article")),
    ("title", _l("Title")),
    ("measures", _l("Measures")),
    ("implemented", _l("Implemented")),
    ("overdue", _l("Overdue")),
    ("due_soon", _l("Due soon")),
    ("flagged", _l("Flagged")),
    ("achieved", _l("Achieved")),
    ("on_track", _l("On track")),
    ("off_track", _l("Off track")),
    ("no_data", _l("No data")),
)
_SCORECARD_COLUMNS = (
    ("name", _l("Organisation")),
    ("measures", _l("Measures")),
    ("on_schedule", _l("On schedule")),
    ("share_on_schedule", _l("On schedule, %")),
    ("indicators_due", _l("Indicators due")),
    ("indicators_current", _l("With current data")),
    ("share_current", _l("With current data, %")),
    ("open_returned", _l("Open returned changes")),
    ("median_response_days", _l("Median response, days")),
)
_INDICATOR_COLUMNS = (
    ("key", _l("Key")),
    ("title", _l("Indicator")),
    ("organization", _l("Organisation")),
    ("verdict", _l("Progress")),
    ("latest_year", _l("Latest year")),
    ("latest_value", _l("Latest value")),
    ("due_year", _l("Year due")),
    ("explanation", _l("Explanation")),
    ("url", _l("Link")),
)
_MEASURE_COLUMNS = (
    ("key", _l("Key")),
    ("title", _l("Measure")),
    ("organizations", _l("Organisation")),
    ("status", _l("Status")),
    ("due_date", _l("Due")),
    ("days", _l("Days left")),
    ("url", _l("Link")),
)
_RETURNED_COLUMNS = (
    ("title", _l("Change")),
    ("organization", _l("Organisation")),
    ("decided_at", _l("Returned on")),
    ("url", _l("Link")),
)
_FAILED_COLUMNS = (
    ("recipient", _l("Recipient")),
    ("subject", _l("Subject")),
    ("created_at", _l("Queued")),
    ("attempts", _l("Attempts")),
    ("error", _l("Last error")),
)


def _cell(row: dict[str, Any], key: str) -> Any:
    value = row.get(key)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _table(wb: Workbook, title, columns, rows, widths=()) -> None:
    _sheet(
        wb,
        str(title),
        [str(label) for _key, label in columns],
        ([_cell(row, key) for key, _label in columns] for row in rows),
        widths,
    )


def render(*, edition: ReportEdition, status: StatusReport, language: str) -> bytes:
    """Every section of the report, every row (the PDF and the e-mail cut long lists)."""
    with translation.override(language):
        ctx = presentation.context(edition=edition, status=status, language=language)
        wb = Workbook(write_only=True)
        _summary(wb, ctx)
        if ctx["national"]:
            _table(wb, _("By CRPD article"), _ARTICLE_COLUMNS, ctx["by_article"], (9, 40))
        _table(wb, _("Scorecard"), _SCORECARD_COLUMNS, ctx["scorecard"], (50,))
        widths = (18, 60, 20, 14)
        _table(wb, _("Indicators"), _INDICATOR_COLUMNS, ctx["indicators"], widths)
        _table(wb, _("Off track"), _INDICATOR_COLUMNS, ctx["off_track"], widths)
        _table(wb, _("Missing values"), _INDICATOR_COLUMNS, ctx["missing"], widths)
        _table(wb, _("Overdue"), _MEASURE_COLUMNS, ctx["overdue"], widths)
        _table(wb, _("Due soon"), _MEASURE_COLUMNS, ctx["due_soon"], widths)
        _table(wb, _("Flagged"), _MEASURE_COLUMNS, ctx["flagged"], widths)
        _table(wb, _("Returned changes"), _RETURNED_COLUMNS, ctx["returned"], (60, 20, 14))
        if ctx["national"]:
            _table(wb, _("Failed deliveries"), _FAILED_COLUMNS, ctx["failed"], (30, 60, 14, 10))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
