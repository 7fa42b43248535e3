"""Fixtures for the spreadsheet import: two ministries, their editors, a reviewer, measures and
an indicator's latest values, and helpers that fill in the template like a person would."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from intake import services
from intake.template import build_template
from tests import factories as f

# The workflow tests' people and ministries: MH (the editor's), MES (the outsider's), a reviewer.
from tests.tracker import conftest as workflow

author, org_a, org_b, outsider = workflow.author, workflow.org_a, workflow.org_b, workflow.outsider
queued, reviewer = workflow.queued, workflow.reviewer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def editor(author):
    """The uploading editor: the workflow tests' author (ministry MH)."""
    return author


@pytest.fixture
def measures(org_a):
    return [f.MeasureFactory(organizations=[org_a], progress=40) for _ in range(5)]


@pytest.fixture
def foreign_measure(org_b):
    return f.MeasureFactory(organizations=[org_b], progress=10)


@pytest.fixture
def observations(org_a):
    indicator = f.IndicatorFactory(organization=org_a)
    older = f.ObservationFactory(indicator=indicator, value=Decimal("5"), source_annex="annex2:1")
    latest = f.ObservationFactory(
        indicator=indicator,
        period_start=dt.date(2019, 1, 1),
        period_end=dt.date(2019, 12, 31),
        value=Decimal("9.1"),
        source_annex="annex2:2",
    )
    return older, latest


def workbook_of(org, lang: str = "en") -> openpyxl.Workbook:
    with translation.override(lang):
        data = build_template(org)
    return openpyxl.load_workbook(io.BytesIO(data))


def save(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def headers(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def set_cell(sheet, record_id: int, header: str, value: Any) -> int:
    """Put `value` under `header` in the row of `record_id`; returns the row number."""
    column = headers(sheet)[header]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == record_id:
            sheet.cell(row=row[0].row, column=column, value=value)
            return row[0].row
    raise AssertionError(f"record {record_id} not in the sheet")


@pytest.fixture
def upload() -> Callable[..., Any]:
    """Upload bytes as `by` and run the import as the worker would; returns the batch."""

    def run(by, data: bytes, name: str = "filled.xlsx", content_type: str = XLSX, lang="en"):
        with translation.override(lang):
            batch = services.batch_create(
                by=by, name=name, content_type=content_type, data=data, language=lang
            )
        return services.batch_process(batch_id=batch.pk)

    return run


def as_upload(data: bytes, name: str, content_type: str = XLSX) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.fixture
def propose_and_approve(editor, reviewer) -> Callable[..., Any]:
    from tracker.workflow import services

    def run(target, payload):
        cr = services.change_request_create(by=editor, target=target, payload=payload)
        services.change_request_submit(cr_id=cr.pk, by=editor)
        return services.change_request_approve(cr_id=cr.pk, by=reviewer)

    return run
