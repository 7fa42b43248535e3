"""Delivery through the outbox: one edition per period, one e-mail per recipient, retries with
backoff, failures visible in the admin and in the next national overview."""

import contextlib
import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports import selectors, services
from reports.models import (
    ReportDelivery,
    ReportEdition,
    ReportKind,
    ReportPreference,
    ReportSchedule,
    ScheduleKind,
)
from tests import factories as f
from tracker.models import Notification, NotificationKind, NotificationStatus
from tracker.outbox import services as notifications


@pytest.fixture
def digest(db):
    return ReportSchedule.objects.get(kind=ScheduleKind.DIGEST)


@pytest.fixture
def national(db):
    return ReportSchedule.objects.get(kind=ScheduleKind.NATIONAL)


def _send(schedule, org, day):
    return services.report_send(
        schedule_id=schedule.pk, organization_id=org.pk if org else None, day=day
    )


def test_default_schedules_exist_with_their_beat_tasks(db):
    schedules = {s.kind: s for s in ReportSchedule.objects.select_related("periodic_task")}
    assert set(schedules) == set(ScheduleKind.values)
    weekly = schedules[ScheduleKind.DIGEST].periodic_task
    assert weekly.task == "reports.tasks.run_schedule"
    assert weekly.enabled
    assert (weekly.crontab.minute, weekly.crontab.hour, weekly.crontab.day_of_week) == (
        "0",
        "9",
        "1",
    )
    assert str(weekly.crontab.timezone) == "Asia/Almaty"
    assert weekly.args == f"[{schedules[ScheduleKind.DIGEST].pk}]"


def test_same_period_triggered_twice_sends_one_email(country, digest):
    first = _send(digest, country.mh, country.as_of)
    again = _send(digest, country.mh, country.as_of + dt.timedelta(days=2))  # same week
    assert [d.user for d in first] == [country.mh_editor]
    assert again == []
    assert ReportEdition.objects.filter(kind=ReportKind.DIGEST).count() == 1
    (row,) = Notification.objects.filter(kind=NotificationKind.REPORT)
    assert notifications.deliver(row.pk) is True
    assert notifications.deliver(row.pk) is False
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [country.mh_editor.email]
    assert [a[0] for a in message.attachments] == [
        f"crpd-digest-MH-{country.as_of:%Y-%m-%d}-kk.pdf",
        f"crpd-digest-MH-{country.as_of:%Y-%m-%d}-kk.xlsx",
    ]
    assert message.alternatives[0][1] == "text/html"


def test_next_week_is_a_new_edition(country, digest):
    _send(digest, country.mh, country.as_of)
    assert len(_send(digest, country.mh, country.as_of + dt.timedelta(days=7))) == 1
    assert ReportDelivery.objects.count() == 2


def test_one_delivery_per_edition_and_recipient_is_enforced_by_the_database(country, digest):
    (delivery,) = _send(digest, country.mh, country.as_of)
    other = Notification.objects.create(
        kind=NotificationKind.REPORT, recipient="x@example.invalid", language="kk", subject="s"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportDelivery.objects.create(
            edition=delivery.edition, user=delivery.user, notification=other
        )


def test_edition_is_unique_per_kind_organisation_and_period(country):
    services.edition_get_or_create(kind="national", organization_id=None, day=country.as_of)
    start, end = services.period_for("national", country.as_of)
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportEdition.objects.create(kind="national", period_start=start, period_end=end, as_of=end)


def test_nothing_goes_to_inactive_or_opted_out_people_or_to_other_roles(country, digest):
    f.UserFactory(editor=True, organization=country.mh, is_active=False)
    opted_out = f.UserFactory(editor=True, organization=country.mh)
    ReportPreference.objects.create(user=opted_out, receive_digests=False)
    f.UserFactory(organization=country.mh)  # no role
    deliveries = _send(digest, country.mh, country.as_of)
    assert [d.user for d in deliveries] == [country.mh_editor]


def test_each_recipient_gets_the_report_in_their_language(country, national):
    f.UserFactory(reviewer=True, organization=country.reviewer.organization, language="ru")
    deliveries = _send(national, None, country.as_of)
    by_language = {d.notification.language: d.notification for d in deliveries}
    assert set(by_language) == {"en", "ru"}
    assert by_language["en"].subject.startswith("CRPD national overview")
    assert by_language["ru"].attachments.get(filename__endswith=".pdf").filename.endswith("-ru.pdf")
    assert by_language["ru"].subject != by_language["en"].subject


class Flaky:
    """A mail connection that fails `failures` times, then sends."""

    def __init__(self, failures):
        self.failures = failures
        self.sent = []

    def __call__(self, *args, **kwargs):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_messages(self, messages):
        if self.failures:
            self.failures -= 1
            raise ConnectionRefusedError("SMTP server unreachable")
        self.sent.extend(messages)
        return len(messages)


def _due_now(pk):
    Notification.objects.filter(pk=pk).update(next_attempt_at=timezone.now())


def test_smtp_failing_twice_then_working_sends_exactly_one_email(country, digest, monkeypatch):
    (delivery,) = _send(digest, country.mh, country.as_of)
    pk = delivery.notification_id
    smtp = Flaky(failures=2)
    monkeypatch.setattr(notifications, "get_connection", smtp)
    for _ in range(2):
        with pytest.raises(notifications.DeliveryDeferred):
            notifications.deliver(pk)
        row = Notification.objects.get(pk=pk)
        assert row.status == NotificationStatus.PENDING
        assert row.next_attempt_at > timezone.now()  # backoff: not before its time
        assert notifications.deliver(pk) is False
        _due_now(pk)
    assert notifications.deliver(pk) is True
    for _ in range(3):
        _due_now(pk)
        assert notifications.deliver(pk) is False
    assert len(smtp.sent) == 1
    row = Notification.objects.get(pk=pk)
    assert (row.status, row.attempts) == (NotificationStatus.SENT, 3)
    assert len(smtp.sent[0].attachments) == 2


def test_failing_always_is_visible_in_the_admin_and_in_the_next_overview(
    country, digest, national, monkeypatch, client
):
    (delivery,) = _send(digest, country.mh, country.as_of)
    pk = delivery.notification_id
    monkeypatch.setattr(notifications, "get_connection", Flaky(failures=10**6))
    for _ in range(notifications.MAX_ATTEMPTS):
        _due_now(pk)
        with contextlib.suppress(notifications.DeliveryDeferred):
            notifications.deliver(pk)
    row = Notification.objects.get(pk=pk)
    assert row.status == NotificationStatus.FAILED
    assert "SMTP server unreachable" in row.last_error

    admin = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get("/en/admin/reports/reportdelivery/?notification__status__exact=failed")
    assert page.status_code == 200
    assert country.mh_editor.email in page.text
    assert "Failed" in page.text

    overview = selectors.status_report(as_of=country.as_of)
    assert [n.pk for n in overview.failed_deliveries] == [pk]
    (sent,) = _send(national, None, country.as_of)
    assert country.mh_editor.email in sent.notification.body
    assert country.mh_editor.email in sent.notification.html_body

    # "Send again" from the admin puts it back in the queue.
    response = client.post(
        "/en/admin/reports/reportdelivery/",
        {"action": "send_again", "_selected_action": [delivery.pk]},
    )
    assert response.status_code == 302
    assert Notification.objects.get(pk=pk).status == NotificationStatus.PENDING
