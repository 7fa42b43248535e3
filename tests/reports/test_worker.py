"""The whole path once, for real: beat's database schedule fires, a worker on the Redis broker
makes the reports and the outbox delivers them, with files that parse and say what the selectors
say."""

import io
import json
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django_celery_beat.schedulers import DatabaseScheduler
from openpyxl import load_workbook
from pypdf import PdfReader

from config.celery import app
from reports import selectors
from reports.models import ReportDelivery, ReportSchedule, ScheduleKind
from tracker.models import Notification, NotificationKind, NotificationStatus

from .conftest import KAZAKH


def _wait_for(predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.5)
    return False


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_beat_schedule_makes_reports_that_a_real_worker_delivers(country):
    app.control.purge()
    scheduler = DatabaseScheduler(app=app)
    entries = {}
    for kind in (ScheduleKind.DIGEST, ScheduleKind.NATIONAL):
        task = ReportSchedule.objects.get(kind=kind).periodic_task
        # What the scheduler builds from the row at its hour (it leaves crontabs of other hours
        # out of its cache, so the test builds the entry the same way instead of waiting).
        entry = scheduler.Entry(task, app=app)
        assert entry.task == "reports.tasks.run_schedule"
        assert entry.args == json.loads(task.args)
        entries[kind] = entry
    assert entries[ScheduleKind.DIGEST].schedule.hour == {9}
    assert entries[ScheduleKind.DIGEST].schedule.day_of_week == {1}

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        for entry in entries.values():
            scheduler.apply_async(entry, advance=False)
        sent = _wait_for(
            lambda: (
                Notification.objects.filter(
                    kind=NotificationKind.REPORT, status=NotificationStatus.SENT
                ).count()
                == 3
            )
        )
    assert sent, list(Notification.objects.values_list("recipient", "status", "last_error"))
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [country.mh_editor.email, country.mes_editor.email, country.reviewer.email]
    )

    delivery = ReportDelivery.objects.select_related("edition").get(user=country.mh_editor)
    message = next(m for m in mail.outbox if m.to == [country.mh_editor.email])
    status = selectors.status_report(as_of=delivery.edition.as_of, organization=country.mh)
    (pdf_name, pdf_bytes, pdf_type), (xlsx_name, xlsx_bytes, _t) = message.attachments
    assert pdf_name.endswith("-kk.pdf")
    assert xlsx_name.endswith("-kk.xlsx")
    assert pdf_type == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_bytes)).pages)
    assert KAZAKH in " ".join(text.split())
    wb = load_workbook(io.BytesIO(xlsx_bytes))
    # The Kazakh workbook: sheets in the order of xlsx.render.
    summary = [r[1] for r in wb.worksheets[0].iter_rows(min_row=2, values_only=True)]
    assert summary == [
        status.measures_total,
        *status.measures_by_status.values(),
        len(status.indicators),
        *status.verdicts.values(),
        len(status.overdue),
        len(status.due_soon),
        len(status.flagged),
        len(status.missing),
        status.pipeline.waiting_total,
        len(status.pipeline.returned),
    ]
    overdue_rows = list(wb.worksheets[5].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in overdue_rows} == {m.key for m in status.overdue}
    assert KAZAKH in message.body
    assert message.alternatives[0][1] == "text/html"

    national = next(m for m in mail.outbox if m.to == [country.reviewer.email])
    wb = load_workbook(io.BytesIO(national.attachments[1][1]))
    whole = selectors.status_report(as_of=delivery.edition.as_of)
    score = {r[0]: r for r in wb["Scorecard"].iter_rows(min_row=2, values_only=True)}
    assert {r[0]: r[1:3] for r in score.values()} == {
        "Ministry MH": (whole.scorecard[1].measures, whole.scorecard[1].on_schedule),
        "Ministry MES": (whole.scorecard[0].measures, whole.scorecard[0].on_schedule),
    }
