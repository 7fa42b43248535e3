"""The import runs as a Celery task (task.apply, and once on a real worker over Redis); a
reviewer decides the batch row by row or whole, through the workflow services, with the
four-eyes rule and partial failures reported."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import translation

from config.celery import app
from intake import services, tasks
from intake.models import BatchStatus, RowStatus
from tracker.models import ChangeRequest, ChangeStatus

from .conftest import save, set_cell, workbook_of


def _three_changes(editor, measures) -> bytes:
    book = workbook_of(editor.organization)
    for measure, progress in zip(measures[:3], (50, 60, 70), strict=True):
        set_cell(book["Measures"], measure.pk, "Progress, %", progress)
    return save(book)


def _create(editor, data):
    with translation.override("en"):
        return services.batch_create(
            by=editor, name="f.xlsx", content_type="", data=data, language="en"
        )


@pytest.mark.django_db
def test_the_task_imports_and_a_second_run_changes_nothing(editor, measures):
    batch = _create(editor, _three_changes(editor, measures))
    assert batch.status == BatchStatus.QUEUED
    assert batch.rows.filter(status=RowStatus.QUEUED).count() == 5

    result = tasks.process_batch.apply(args=[batch.pk])

    assert result.successful()
    assert result.get() == 5
    batch.refresh_from_db()
    assert (batch.status, batch.processed_rows, batch.total_rows) == (BatchStatus.DONE, 5, 5)
    assert batch.finished_at is not None
    assert ChangeRequest.objects.count() == 3
    tasks.process_batch.apply(args=[batch.pk])  # a retried task
    assert ChangeRequest.objects.count() == 3
    batch.refresh_from_db()
    assert batch.processed_rows == 5


@pytest.mark.django_db
def test_a_crash_on_one_row_does_not_stop_the_others(editor, measures, monkeypatch):
    batch = _create(editor, _three_changes(editor, measures))
    original = services._propose_row
    first = batch.rows.order_by("row_number").first()

    def flaky(batch_, row, spec):
        if row.pk == first.pk:
            raise RuntimeError("boom")
        return original(batch_, row, spec)

    monkeypatch.setattr(services, "_propose_row", flaky)
    services.batch_process(batch_id=batch.pk)
    first.refresh_from_db()
    assert first.status == RowStatus.REFUSED
    assert "internal error" in first.reason
    assert ChangeRequest.objects.count() == 2
    batch.refresh_from_db()
    assert batch.processed_rows == 5


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_an_upload_is_imported_by_a_real_worker(editor, measures):
    data = _three_changes(editor, measures)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        batch = _create(editor, data)  # queued after its transaction commits
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch.status == BatchStatus.DONE:
                break
            time.sleep(0.3)
    assert batch.status == BatchStatus.DONE
    assert batch.rows.filter(status=RowStatus.ACCEPTED).count() == 3
    assert ChangeRequest.objects.filter(status=ChangeStatus.SUBMITTED).count() == 3


# Deciding ----------------------------------------------------------------------------------


@pytest.fixture
def imported(editor, measures, upload):
    return upload(editor, _three_changes(editor, measures))


@pytest.mark.django_db
def test_the_whole_batch_approved_with_one_conflict_reported(
    imported, editor, reviewer, measures, propose_and_approve
):
    # Another change to the second measure is approved first: its imported change conflicts.
    propose_and_approve(measures[1], {"title_en": "Renamed"})

    with translation.override("en"):
        results = services.batch_decide(batch_id=imported.pk, by=reviewer, action="approve")

    assert [r["ok"] for r in results] == [True, False, True]
    assert "was changed after this change request was prepared" in results[1]["error"]
    progress = {
        m.pk: m.progress for m in type(measures[0]).objects.filter(pk__in=[m.pk for m in measures])
    }
    assert [progress[m.pk] for m in measures[:3]] == [50, 40, 70]
    # The failed one waits; a second whole-batch action acts on what is still waiting only.
    again = services.batch_decide(batch_id=imported.pk, by=reviewer, action="reject", comment="Old")
    assert len(again) == 1
    assert again[0]["ok"]


@pytest.mark.django_db
def test_return_needs_a_comment_and_single_rows_can_be_decided(imported, reviewer):
    crs = list(
        imported.rows.filter(status=RowStatus.ACCEPTED).values_list("change_request", flat=True)
    )
    with translation.override("en"):
        results = services.batch_decide(batch_id=imported.pk, by=reviewer, action="return")
    assert all(not r["ok"] and "comment is required" in r["error"] for r in results)
    one = services.batch_decide(
        batch_id=imported.pk, by=reviewer, action="reject", comment="No", cr_ids=[crs[0]]
    )
    assert one == [{"cr_id": crs[0], "ok": True, "error": ""}]
    statuses = dict(ChangeRequest.objects.filter(pk__in=crs).values_list("pk", "status"))
    assert statuses == {crs[0]: "rejected", crs[1]: "submitted", crs[2]: "submitted"}


@pytest.mark.django_db
def test_four_eyes_the_author_cannot_approve_their_own_batch(imported, editor):
    results = services.batch_decide(batch_id=imported.pk, by=editor, action="approve")
    assert len(results) == 3
    assert not any(r["ok"] for r in results)
    assert ChangeRequest.objects.filter(status=ChangeStatus.SUBMITTED).count() == 3


@pytest.mark.django_db
def test_a_change_request_of_another_batch_is_not_decided_through_this_one(
    imported, reviewer, editor, measures, propose_and_approve
):
    from tracker.workflow import services as workflow

    stranger = workflow.change_request_create(
        by=editor, target=measures[4], payload={"progress": 1}
    )
    workflow.change_request_submit(cr_id=stranger.pk, by=editor)
    assert (
        services.batch_decide(
            batch_id=imported.pk, by=reviewer, action="approve", cr_ids=[stranger.pk]
        )
        == []
    )
    stranger.refresh_from_db()
    assert stranger.status == ChangeStatus.SUBMITTED
