"""The issue's must-show: export the organisation's template, change three rows and break two,
import → exactly three change requests in one batch and two refused rows with reasons; the same
file again → nothing new."""

from __future__ import annotations

from decimal import Decimal

import pytest

from intake.models import BatchStatus, ImportRow, RowStatus
from tracker.models import ChangeRequest, ChangeStatus

from .conftest import save, set_cell, workbook_of

pytestmark = pytest.mark.django_db


def test_three_changes_two_broken_rows_then_the_same_file_again(
    editor, measures, foreign_measure, observations, upload
):
    book = workbook_of(editor.organization)
    sheet, values = book["Measures"], book["Indicator values"]
    m1, m2, m3, m4, _m5 = measures
    set_cell(sheet, m1.pk, "Progress, %", 60)
    set_cell(sheet, m2.pk, "Status", "Delayed")
    set_cell(values, observations[1].pk, "Value", 12.5)
    broken_progress = set_cell(sheet, m3.pk, "Progress, %", "a lot")
    # Someone points a row at another ministry's measure.
    broken_owner = set_cell(sheet, m4.pk, "Record id", foreign_measure.pk)
    data = save(book)

    batch = upload(editor, data)

    assert batch.status == BatchStatus.DONE
    assert batch.processed_rows == batch.total_rows == 6  # five measures, the latest value
    crs = ChangeRequest.objects.filter(author=editor)
    assert crs.count() == 3
    assert set(crs.values_list("status", flat=True)) == {ChangeStatus.SUBMITTED}
    by_target = {(cr.target_type.model, cr.target_id): cr.payload for cr in crs}
    assert by_target == {
        ("measure", m1.pk): {"progress": 60},
        ("measure", m2.pk): {"status": "delayed"},
        ("observation", observations[1].pk): {"value": "12.5"},
    }
    rows = {(r.sheet, r.row_number): r for r in batch.rows.all()}
    assert [r.status for r in rows.values()].count(RowStatus.ACCEPTED) == 3
    assert [r.status for r in rows.values()].count(RowStatus.UNCHANGED) == 1
    refused = [r for r in rows.values() if r.status == RowStatus.REFUSED]
    assert len(refused) == 2
    progress_row = rows[("measures", broken_progress)]
    assert progress_row.column == "Progress, %"
    assert "“a lot” in column “Progress, %” is not a whole number." in progress_row.reason
    owner_row = rows[("measures", broken_owner)]
    assert owner_row.column == "Record id"
    assert "another organisation" in owner_row.reason
    # Nothing live changed: the changes wait for review.
    m1.refresh_from_db()
    assert m1.progress == 40
    foreign_measure.refresh_from_db()
    assert foreign_measure.progress == 10

    again = upload(editor, data)

    assert ChangeRequest.objects.count() == 3
    statuses = sorted(again.rows.values_list("status", flat=True))
    assert statuses.count(RowStatus.PENDING) == 3
    assert statuses.count(RowStatus.REFUSED) == 2
    assert statuses.count(RowStatus.ACCEPTED) == 0
    pending = again.rows.filter(status=RowStatus.PENDING)
    assert set(pending.values_list("change_request_id", flat=True)) == set(
        crs.values_list("pk", flat=True)
    )


def test_a_row_of_a_record_changed_meanwhile_is_refused_not_overwritten(
    editor, reviewer, measures, upload, propose_and_approve
):
    book = workbook_of(editor.organization)
    set_cell(book["Measures"], measures[0].pk, "Progress, %", 70)
    data = save(book)
    propose_and_approve(measures[0], {"progress": 55})

    batch = upload(editor, data)

    row = batch.rows.get(status=RowStatus.REFUSED)
    assert row.column == "Version"
    assert "version 1, now 2" in row.reason
    assert not ChangeRequest.objects.filter(payload={"progress": 70}).exists()


def test_an_off_track_value_without_explanation_is_refused_whole_and_with_one_accepted(
    editor, observations, upload
):
    from tests import factories as f

    indicator = observations[1].indicator
    f.TargetFactory(indicator=indicator, year=2019, value=Decimal("50"))
    f.TargetFactory(indicator=indicator, year=2016, value=Decimal("5"))
    book = workbook_of(editor.organization)
    set_cell(book["Indicator values"], observations[1].pk, "Value", 1)
    batch = upload(editor, save(book))
    row = batch.rows.get()
    assert row.status == RowStatus.REFUSED, row.reason
    assert row.column == "Explanation when off track"
    assert ChangeRequest.objects.count() == 0

    set_cell(book["Indicator values"], observations[1].pk, "Explanation when off track", "Drought")
    batch = upload(editor, save(book))
    row = batch.rows.get()
    assert row.status == RowStatus.ACCEPTED
    assert row.change_request.explanation == "Drought"
    assert ImportRow.objects.filter(status=RowStatus.ACCEPTED).count() == 1


def test_a_new_period_on_the_values_sheet_proposes_a_new_value(editor, observations, org_b, upload):
    from tests import factories as f

    indicator = observations[1].indicator
    foreign = f.IndicatorFactory(organization=org_b)
    book = workbook_of(editor.organization)
    sheet = book["Indicator values"]
    new = ["", "", indicator.key, "", "2020-01-01", "31.12.2020", "", "15,5", "annex2:9", ""]
    sheet.append(new)
    sheet.append(["", "", foreign.key, "", "2020-01-01", "2020-12-31", "", 3, "annex2:9", ""])
    sheet.append(["", "", "ind:none", "", "2020-01-01", "2020-12-31", "", 3, "annex2:9", ""])
    sheet.append(["", "", indicator.key, "", "2021-01-01", "2021-12-31", "", 3, "", ""])
    data = save(book)

    batch = upload(editor, data)

    rows = list(batch.rows.filter(row_number__gt=2).order_by("row_number"))
    assert [r.status for r in rows] == [RowStatus.ACCEPTED] + [RowStatus.REFUSED] * 3, [
        (r.column, r.reason) for r in rows
    ]
    cr = rows[0].change_request
    assert cr.operation == "create"
    assert cr.status == ChangeStatus.SUBMITTED
    assert cr.payload["value"] == "15.5"
    assert cr.payload["period_end"] == "2020-12-31"
    assert "another organisation" in rows[1].reason
    assert rows[2].column == "Indicator key"
    assert "no indicator has the key “ind:none”" in rows[2].reason
    assert "Give the source" in rows[3].reason

    again = upload(editor, data)
    assert again.rows.get(row_number=rows[0].row_number).status == RowStatus.PENDING
    assert ChangeRequest.objects.count() == 1


def test_a_measure_row_without_its_record_id_is_refused(editor, measures, upload):
    book = workbook_of(editor.organization)
    book["Measures"].append(["", "", "", "A new measure", "Administrative", "Planned", 0])
    batch = upload(editor, save(book))
    row = batch.rows.get(status=RowStatus.REFUSED)
    assert (row.column, row.reason) == ("Record id", "The record id is missing or damaged.")
    assert ChangeRequest.objects.count() == 0
