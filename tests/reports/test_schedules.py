"""Schedules: a tick queues one task per organisation; reminders go once per item and offset."""

import datetime as dt

import pytest
from django.core import mail

from reports import services
from reports.models import Reminder, ReportSchedule, ScheduleKind
from tests import factories as f
from tracker.models import MeasureStatus, Notification, NotificationKind
from tracker.outbox import services as notifications


@pytest.fixture
def reminders(db):
    return ReportSchedule.objects.get(kind=ScheduleKind.REMINDERS)


def test_a_digest_tick_queues_one_report_per_organisation_with_editors(country, no_broker):
    schedule = ReportSchedule.objects.get(kind=ScheduleKind.DIGEST)
    assert services.schedule_run(schedule_id=schedule.pk, day=country.as_of) == 2
    queued = sorted(a[1] for name, a in no_broker if name == "reports.tasks.send_report")
    assert queued == sorted([country.mh.pk, country.mes.pk])


def test_a_schedule_limited_to_organisations_reports_on_those_only(country, no_broker):
    schedule = ReportSchedule.objects.get(kind=ScheduleKind.DIGEST)
    schedule.organizations.set([country.mes])
    services.schedule_run(schedule_id=schedule.pk, day=country.as_of)
    assert [a[1] for _n, a in no_broker] == [country.mes.pk]


def test_the_national_tick_queues_one_report(country, no_broker):
    schedule = ReportSchedule.objects.get(kind=ScheduleKind.NATIONAL)
    assert services.schedule_run(schedule_id=schedule.pk, day=country.as_of) == 1
    assert no_broker == [("reports.tasks.send_report", (schedule.pk, None, "2026-12-07"))]


def test_changing_the_timing_updates_beats_task(db):
    schedule = ReportSchedule.objects.get(kind=ScheduleKind.DIGEST)
    services.schedule_set_timing(
        schedule_id=schedule.pk, enabled=False, minute="30", hour="8", day_of_week="5"
    )
    task = ReportSchedule.objects.get(pk=schedule.pk).periodic_task
    assert not task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("30", "8", "5")


def _reminder_mail():
    return Notification.objects.filter(kind=NotificationKind.REMINDER)


def test_measure_reminders_go_once_per_item_and_offset(country, reminders):
    org = f.OrganizationFactory(code="MOT", name_kk="Көлік министрлігі")
    editor = f.UserFactory(editor=True, organization=org, language="kk")
    measure = f.MeasureFactory(
        title_kk="Аялдамаларды қайта жабдықтау",
        due_date=dt.date(2027, 3, 1),
        organizations=[org],
        status=MeasureStatus.PLANNED,
    )
    day = dt.date(2027, 1, 30)  # 30 days before
    sent = services.reminders_send(schedule_id=reminders.pk, day=day)
    mine = [r for r in sent if r.measure_id == measure.pk]
    assert [(r.offset_days, r.deadline) for r in mine] == [(30, measure.due_date)]
    (message,) = _reminder_mail().filter(user=editor)
    assert "Аялдамаларды қайта жабдықтау" in message.body
    assert f"/kk/measures/{measure.pk}/" in message.body
    # The next days of the sweep, and a second tick on the same day, send nothing more for it.
    for later in (day, day + dt.timedelta(days=1), day + dt.timedelta(days=20)):
        again = services.reminders_send(schedule_id=reminders.pk, day=later)
        assert measure.pk not in {r.measure_id for r in again}
    week_before = services.reminders_send(schedule_id=reminders.pk, day=dt.date(2027, 2, 22))
    assert [r.offset_days for r in week_before if r.measure_id == measure.pk] == [7]
    assert _reminder_mail().filter(user=editor).count() == 2
    assert Reminder.objects.filter(measure=measure).count() == 2


def test_an_implemented_measure_gets_no_reminder(country, reminders):
    done = f.MeasureFactory(
        due_date=country.as_of + dt.timedelta(days=5),
        organizations=[country.mh],
        status=MeasureStatus.IMPLEMENTED,
    )
    sent = services.reminders_send(schedule_id=reminders.pk, day=country.as_of)
    assert done.pk not in {r.measure_id for r in sent}
    assert country.mh_due_soon.pk not in {r.measure_id for r in sent}  # 39 days away


def test_indicator_reminder_before_its_reporting_period_closes(country, reminders):
    # The 2026 values are due by 31 March 2027: 30 days before, the indicators lacking one.
    sent = services.reminders_send(schedule_id=reminders.pk, day=dt.date(2027, 3, 1))
    items = {r.item_key for r in sent if r.indicator_id}
    assert items == {
        f"indicator:{country.mh_off_track.pk}:2026",
        f"indicator:{country.mh_missing.pk}:2026",
        f"indicator:{country.mes_off_track.pk}:2026",
    }
    assert services.reminders_send(schedule_id=reminders.pk, day=dt.date(2027, 3, 2)) == []


def test_reminders_are_delivered_in_the_recipients_language(country, reminders):
    services.reminders_send(schedule_id=reminders.pk, day=dt.date(2027, 3, 1))
    ru = _reminder_mail().get(user=country.mes_editor)
    assert ru.language == "ru"
    assert notifications.deliver(ru.pk)
    assert mail.outbox[0].alternatives[0][1] == "text/html"
    assert "/ru/indicators/" in mail.outbox[0].body


def test_an_organisation_with_nobody_to_tell_is_reminded_once_someone_is_there(country, reminders):
    org = f.OrganizationFactory(code="MOJ")
    measure = f.MeasureFactory(due_date=dt.date(2027, 1, 10), organizations=[org])
    day = dt.date(2027, 1, 5)
    sent = services.reminders_send(schedule_id=reminders.pk, day=day)
    assert measure.pk not in {r.measure_id for r in sent}
    assert not Reminder.objects.filter(measure=measure).exists()
    f.UserFactory(editor=True, organization=org, is_active=False)
    assert services.reminders_send(schedule_id=reminders.pk, day=day) == []
    editor = f.UserFactory(editor=True, organization=org)
    (reminder,) = services.reminders_send(schedule_id=reminders.pk, day=day)
    assert (reminder.measure_id, reminder.offset_days) == (measure.pk, 7)
    assert [n.user for n in reminder.notifications.all()] == [editor]
