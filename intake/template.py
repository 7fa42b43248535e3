"""The organisation's template: an XLSX workbook, pre-filled, to be filled in and uploaded back.

Sheets: the instructions (in the page's language), the organisation's measures, its indicators'
latest values, and a hidden sheet of allowed values the drop-down lists point to. Each data row
carries the record's id and the version it was exported at in hidden columns A and B: an upload
is compared with that version, so a change made meanwhile is never silently overwritten.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tracker.organisations.models import Organization

from . import selectors
from .columns import MEASURES, OBSERVATIONS, Column, SheetSpec, choice_label

LISTS_SHEET = "lists"


def _instructions(book: Workbook, organization: Organization) -> None:
    sheet = book.active
    sheet.title = _("Instructions")[:31]
    lines = [
        _("Template for importing changes: %(organisation)s") % {"organisation": str(organization)},
        _("Prepared on %(date)s.") % {"date": timezone.localdate().isoformat()},
        "",
        _(
            "1. Change the values in the white columns of the sheets “%(measures)s” and "
            "“%(values)s”. Grey columns are for reference and are not read back."
        )
        % {"measures": str(MEASURES.title), "values": str(OBSERVATIONS.title)},
        _(
            "2. Choose kinds and statuses from the drop-down lists; enter dates as dates and "
            "progress as a whole number from 0 to 100."
        ),
        _(
            "3. Do not change the header row, the order of the sheets or the hidden columns A "
            "and B (the record and the version it was exported at)."
        ),
        _("4. Enter values, not formulas. Files with macros are not accepted."),
        _(
            "5. Upload the file on the “Import” page. Each changed row becomes a change request "
            "submitted for review; unchanged rows are skipped; the report lists every row."
        ),
        _(
            "6. A record changed by someone else after this template was made is refused: "
            "download a fresh template."
        ),
        _(
            "7. To add a value for a new period, add a row to the sheet “%(values)s” with the "
            "record id and version empty: the indicator key, the period's first and last day, "
            "the dimensions as in the rows above (e.g. sex=female), the value and its source."
        )
        % {"values": str(OBSERVATIONS.title)},
    ]
    for line in lines:
        sheet.append([line])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120


def _lists(book: Workbook) -> dict[str, str]:
    """The allowed values of each choice column in a hidden sheet; returns code → range."""
    sheet = book.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    ranges: dict[str, str] = {}
    position = 1
    for spec in (MEASURES, OBSERVATIONS):
        for column in spec.columns:
            if column.kind != "choice":
                continue
            labels = [str(label) for _code, label in column.choices.choices]
            letter = get_column_letter(position)
            for row, label in enumerate(labels, start=1):
                sheet.cell(row=row, column=position, value=label)
            ranges[column.code] = f"{LISTS_SHEET}!${letter}$1:${letter}${len(labels)}"
            position += 1
    return ranges


def _cell(column: Column, record: Any) -> Any:
    value = column.value(record) if column.value else None
    if column.kind == "choice" and value:
        return choice_label(column.choices, value)
    if isinstance(value, Decimal):
        # A typed number in the sheet; read back through the same decimal rules.
        return float(value) if len(value.normalize().as_tuple().digits) <= 15 else str(value)
    return value


def _validations(sheet: Any, spec: SheetSpec, ranges: dict[str, str], last_row: int) -> None:
    last_row = max(last_row, 2)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        area = f"{letter}2:{letter}{last_row}"
        if column.kind == "choice":
            rule = DataValidation(type="list", formula1=ranges[column.code], allow_blank=True)
        elif column.kind == "int":
            rule = DataValidation(type="whole", operator="between", formula1="0", formula2="100")
        elif column.kind == "decimal":
            rule = DataValidation(type="decimal", allow_blank=False)
            rule.operator, rule.formula1, rule.formula2 = "between", "-1E+15", "1E+15"
        elif column.kind == "date":
            rule = DataValidation(type="date", operator="greaterThan", formula1="1")
        else:
            continue
        rule.error = _("This value is not allowed here.")
        rule.errorTitle = str(column.label)
        rule.showErrorMessage = True
        sheet.add_data_validation(rule)
        rule.add(area)


def _data_sheet(book: Workbook, spec: SheetSpec, records: Any, ranges: dict[str, str]) -> None:
    sheet = book.create_sheet(str(spec.title)[:31])
    sheet.append([str(c.label) for c in spec.columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 1
    for record in records:
        sheet.append([_cell(c, record) for c in spec.columns])
        count += 1
    for index, column in enumerate(spec.columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = column.width
        dimension.hidden = column.kind in ("id", "version")
        if column.kind == "date":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "yyyy-mm-dd"
        if column.kind == "readonly":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.font = Font(color="555555")
                cell.protection = Protection(locked=True)
    sheet.freeze_panes = "C2"
    _validations(sheet, spec, ranges, count + 200)


def build_template(organization: Organization) -> bytes:
    """The workbook for `organization`, in the active language."""
    book = Workbook()
    _instructions(book, organization)
    ranges = _lists(book)
    _data_sheet(book, MEASURES, selectors.template_measures(organization.pk), ranges)
    _data_sheet(book, OBSERVATIONS, selectors.template_observations(organization.pk), ranges)
    # The lists sheet last, so that the data sheets keep their places.
    book.move_sheet(LISTS_SHEET, offset=len(book.sheetnames))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_filename(organization: Organization) -> str:
    return f"crpd-import-{organization.code}-{timezone.localdate().isoformat()}.xlsx"
