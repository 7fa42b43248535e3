"""E-mail goes through an outbox: written in the transaction of the change it reports, handed to a
worker only after commit, never for a rolled-back change, never lost, never sent twice, and each
message in its recipient's language."""

from __future__ import annotations

import datetime as dt
import re
import smtplib
import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail import get_connection
from django.db import DatabaseError, connections, transaction
from django.utils import dateformat, timezone, translation
from django.utils.timezone import localtime, now

from config.celery import app
from tests import factories as f
from tracker import tasks
from tracker.models import Notification
from tracker.outbox import services as notifications
from tracker.workflow import services

pytestmark = pytest.mark.django_db


class RollbackError(Exception):
    """Raised inside a transaction to roll it back."""


def _month(when, language: str) -> str:
    with translation.override(language):
        return dateformat.format(localtime(when), "E")  # the month as a date writes it


def test_submission_is_handed_to_a_worker_only_when_the_transaction_commits(
    author, reviewer, measure, propose, queued, django_capture_on_commit_callbacks
):
    cr = propose(measure, {"progress": 70}, submit=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.change_request_submit(cr_id=cr.pk, by=author)
        # The message exists in the outbox, inside the same transaction as the submission...
        row = Notification.objects.get(change_request=cr, kind="submitted")
        assert row.status == "pending"
        assert row.recipient == reviewer.email
        assert queued == []  # ...but no worker has been told yet.
    assert len(callbacks) == 1
    assert queued == []
    callbacks[0]()
    assert queued == [row.pk]


def test_nothing_is_written_or_queued_when_the_transaction_rolls_back(
    author, reviewer, measure, propose, queued, django_capture_on_commit_callbacks
):
    cr = propose(measure, {"progress": 70}, submit=False)

    def submit_then_fail() -> None:
        with transaction.atomic():
            services.change_request_submit(cr_id=cr.pk, by=author)
            raise RollbackError

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RollbackError),
    ):
        submit_then_fail()
    assert callbacks == []
    assert queued == []
    assert not Notification.objects.exists()
    cr.refresh_from_db()
    assert cr.status == "draft"


@pytest.mark.parametrize(
    ("decide", "kwargs"),
    [
        ("change_request_approve", {}),
        ("change_request_return", {"comment": "Add the order number."}),
        ("change_request_reject", {"comment": "Duplicate."}),
    ],
)
def test_each_decision_notifies_the_author_after_commit(
    author, reviewer, measure, propose, queued, django_capture_on_commit_callbacks, decide, kwargs
):
    cr = propose(measure, {"progress": 70})
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        getattr(services, decide)(cr_id=cr.pk, by=reviewer, **kwargs)
    row = Notification.objects.get(change_request=cr, kind="decided")
    assert row.recipient == author.email
    assert queued == [row.pk]
    if kwargs:
        assert kwargs["comment"] in row.body


def test_a_conflicting_approval_notifies_nobody(
    author, colleague, reviewer, measure, propose, queued, django_capture_on_commit_callbacks
):
    first = propose(measure, {"progress": 60}, by=colleague)
    second = propose(measure, {"progress": 70})
    services.change_request_approve(cr_id=first.pk, by=reviewer)
    queued.clear()
    before = Notification.objects.count()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.ChangeConflict),
    ):
        services.change_request_approve(cr_id=second.pk, by=reviewer)
    assert callbacks == []
    assert queued == []
    assert Notification.objects.count() == before


def test_reviewers_get_the_submission_each_in_their_own_language(
    author, reviewer, measure, propose, mailoutbox
):
    english = f.UserFactory(reviewer=True, organization=reviewer.organization, language="en")
    f.UserFactory(reviewer=True, organization=reviewer.organization, is_active=False)
    cr = propose(measure, {"progress": 70}, summary="Progress 2019")
    rows = Notification.objects.filter(change_request=cr, kind="submitted")
    assert rows.count() == 2  # not the inactive reviewer, not the author
    assert all(tasks.deliver_notification(pk) for pk in rows.values_list("pk", flat=True))
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {reviewer.email, english.email}
    assert re.search(rf"(№|No\.) {cr.pk}\b", by_address[reviewer.email].subject)
    assert "Progress 2019" in by_address[english.email].body
    ru, en = _month(cr.submitted_at, "ru"), _month(cr.submitted_at, "en")
    assert ru != en
    assert ru in by_address[reviewer.email].body
    assert en in by_address[english.email].body


def test_the_author_gets_the_decision_in_their_language(
    author, reviewer, measure, propose, mailoutbox
):
    cr = propose(measure, {"progress": 70})
    services.change_request_return(cr_id=cr.pk, by=reviewer, comment="Add the order number.")
    cr.refresh_from_db()
    row = Notification.objects.get(change_request=cr, kind="decided")
    assert notifications.deliver(row.pk) is True
    (message,) = mailoutbox
    assert message.to == [author.email]
    assert author.language == "kk"
    assert _month(cr.decided_at, "kk") in message.body
    assert "Add the order number." in message.body
    assert "\n" not in message.subject


def test_a_retried_delivery_never_sends_twice(author, reviewer, measure, propose, mailoutbox):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    assert notifications.deliver(row.pk) is True
    assert notifications.deliver(row.pk) is False  # the task ran again: nothing more is sent
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.sent_at is not None


class BrokenConnection:
    calls = 0

    def __init__(self, *args, **kwargs) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send_messages(self, messages):
        type(self).calls += 1
        raise smtplib.SMTPServerDisconnected("mail server went away")


@pytest.fixture
def broken_mail_server(monkeypatch) -> type[BrokenConnection]:
    monkeypatch.setattr(BrokenConnection, "calls", 0)
    monkeypatch.setattr(notifications, "get_connection", BrokenConnection)
    return BrokenConnection


def _make_due(row: Notification) -> None:
    """The clock reaches the row's next attempt."""
    Notification.objects.filter(pk=row.pk).update(next_attempt_at=now() - dt.timedelta(seconds=1))


def test_a_mail_server_failure_keeps_the_message_pending_until_its_next_attempt(
    author, reviewer, measure, propose, broken_mail_server, queued, mailoutbox
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    before = now()
    with pytest.raises(notifications.DeliveryDeferred) as deferred:
        notifications.deliver(row.pk)
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    assert "went away" in row.last_error
    assert row.next_attempt_at == deferred.value.retry_at
    assert row.next_attempt_at >= before + notifications.RETRY_DELAYS[0]
    # Not due yet: neither a redelivered task nor the sweep tries the mail server again.
    queued.clear()
    assert notifications.deliver(row.pk) is False
    assert tasks.deliver_pending_notifications() == 0
    assert (broken_mail_server.calls, queued) == (1, [])
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 1)
    # Once due, the sweep queues it and the next failure waits longer.
    _make_due(row)
    assert tasks.deliver_pending_notifications() == 1
    assert queued == [row.pk]
    assert tasks.deliver_notification(row.pk) is False  # deferred again, left to the sweep
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("pending", 2)
    assert row.next_attempt_at - now() > notifications.RETRY_DELAYS[0]
    assert mailoutbox == []


# What docs/ARCHITECTURE.md promises: the pause after each failed attempt, about three days in all.
DOCUMENTED_PAUSES = [
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=3),
    dt.timedelta(hours=6),
    *[dt.timedelta(hours=12)] * 5,
]


def test_a_failing_message_is_retried_on_the_documented_schedule_then_given_up(
    author, reviewer, measure, propose, broken_mail_server, monkeypatch, mailoutbox
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    start = now()
    clock = [start]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    for attempt, pause in enumerate(DOCUMENTED_PAUSES, start=1):
        with pytest.raises(notifications.DeliveryDeferred):
            notifications.deliver(row.pk)
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", attempt)
        assert row.next_attempt_at == clock[0] + pause
        # A second before its time, neither a stray task nor the sweep touches it.
        clock[0] = row.next_attempt_at - dt.timedelta(seconds=1)
        assert notifications.deliver(row.pk) is False
        assert row.pk not in notifications.due_ids()
        clock[0] = row.next_attempt_at
        assert row.pk in notifications.due_ids()
    # The twelfth failure is the last: the message is given up and shown in the admin.
    assert notifications.deliver(row.pk) is False
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", 12, None)
    assert broken_mail_server.calls == 12
    assert dt.timedelta(days=2) < clock[0] - start < dt.timedelta(days=4)
    clock[0] += dt.timedelta(days=30)
    assert notifications.due_ids() == []
    assert mailoutbox == []


def test_after_the_last_attempt_the_message_is_failed_until_sent_again(
    author, reviewer, measure, propose, broken_mail_server, queued, mailoutbox, monkeypatch
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    for attempt in range(1, notifications.MAX_ATTEMPTS):
        with pytest.raises(notifications.DeliveryDeferred):
            notifications.deliver(row.pk)
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", attempt)
        _make_due(row)
    assert notifications.deliver(row.pk) is False
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", notifications.MAX_ATTEMPTS)
    assert row.next_attempt_at is None
    assert broken_mail_server.calls == notifications.MAX_ATTEMPTS
    # Given up: neither the sweep nor a stray task tries again.
    Notification.objects.filter(pk=row.pk).update(created_at=now() - dt.timedelta(days=5))
    assert tasks.deliver_pending_notifications() == 0
    assert notifications.deliver(row.pk) is False
    assert mailoutbox == []
    # An administrator sends it again once the server is back.
    monkeypatch.setattr(notifications, "get_connection", get_connection)
    queued.clear()
    assert notifications.resend([row.pk]) == 1
    row.refresh_from_db()
    assert (row.status, row.attempts, row.next_attempt_at) == ("pending", 0, None)
    assert notifications.deliver(row.pk) is True
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)


def test_send_again_refuses_messages_that_have_not_failed(
    author, reviewer, measure, propose, queued
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    queued.clear()
    assert notifications.resend([row.pk]) == 0
    assert queued == []


@pytest.mark.django_db(transaction=True)
def test_the_mail_server_is_called_with_no_transaction_or_row_lock_open(
    author, reviewer, measure, propose, monkeypatch, mailoutbox
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    seen: dict[str, object] = {}

    def try_lock_from_another_connection() -> None:
        try:
            with transaction.atomic():
                locked = Notification.objects.select_for_update(nowait=True).get(pk=row.pk)
                seen["other_connection_sees"] = locked.status
        except DatabaseError as exc:
            seen["other_connection_sees"] = exc
        finally:
            connections.close_all()

    class WatchedConnection:
        def __init__(self, *args, **kwargs) -> None:
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc) -> None:
            return None

        def send_messages(self, messages):
            seen["in_atomic_block"] = transaction.get_connection().in_atomic_block
            worker = threading.Thread(target=try_lock_from_another_connection)
            worker.start()
            worker.join(timeout=10)
            mail.outbox.extend(messages)
            return len(messages)

    monkeypatch.setattr(notifications, "get_connection", WatchedConnection)
    assert tasks.deliver_notification(row.pk) is True
    # The claim was committed and its lock released before the server was called.
    assert seen == {"in_atomic_block": False, "other_connection_sees": "sending"}
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 1)
    assert len(mailoutbox) == 1


def test_a_message_claimed_by_another_worker_is_not_sent_twice(
    author, reviewer, measure, propose, queued, mailoutbox
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    Notification.objects.filter(pk=row.pk).update(
        status="sending", attempts=1, claimed_at=now(), created_at=now() - dt.timedelta(hours=1)
    )
    queued.clear()
    assert notifications.deliver(row.pk) is False  # e.g. the broker redelivered the task
    assert tasks.deliver_pending_notifications() == 0
    assert (queued, mailoutbox) == ([], [])
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sending", 1)


def test_the_sweep_takes_over_a_claim_whose_worker_died(
    author, reviewer, measure, propose, queued, mailoutbox
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    stale = now() - notifications.CLAIM_TIMEOUT - dt.timedelta(seconds=1)
    Notification.objects.filter(pk=row.pk).update(status="sending", attempts=1, claimed_at=stale)
    queued.clear()
    assert tasks.deliver_pending_notifications() == 1
    assert queued == [row.pk]
    assert tasks.deliver_notification(row.pk) is True
    assert [m.to for m in mailoutbox] == [[reviewer.email]]
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, "")


def test_a_message_that_keeps_killing_its_worker_is_given_up(
    author, reviewer, measure, propose, mailoutbox
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    stale = now() - notifications.CLAIM_TIMEOUT - dt.timedelta(seconds=1)
    Notification.objects.filter(pk=row.pk).update(
        status="sending", attempts=notifications.MAX_ATTEMPTS, claimed_at=stale
    )
    assert notifications.deliver(row.pk) is False
    row.refresh_from_db()
    assert row.status == "failed"
    assert "stopped" in row.last_error
    assert mailoutbox == []


def test_the_sweep_delivers_messages_whose_task_was_lost(
    author, reviewer, measure, propose, queued, mailoutbox
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    queued.clear()
    assert tasks.deliver_pending_notifications() == 0  # too recent: its own task is on the way
    Notification.objects.filter(pk=row.pk).update(created_at=now() - dt.timedelta(hours=1))
    assert tasks.deliver_pending_notifications() == 1
    assert queued == [row.pk]


def test_beat_runs_the_sweep_every_minute(author, reviewer, measure, propose, queued):
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["deliver-pending-notifications"]
    assert entry["schedule"] == 60.0
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    Notification.objects.filter(pk=row.pk).update(created_at=now() - dt.timedelta(hours=1))
    queued.clear()
    # What beat starts, looked up by name as the worker does, hands the lost message to a worker.
    assert app.tasks[entry["task"]]() == 1
    assert queued == [row.pk]


def test_the_mail_server_has_a_timeout():
    from django.conf import settings

    assert 0 < settings.EMAIL_TIMEOUT < notifications.CLAIM_TIMEOUT.total_seconds()


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_submission_mail_travels_through_a_real_worker(
    author, reviewer, measure, propose, monkeypatch, mailoutbox
):
    monkeypatch.undo()  # the real delay: onto the Redis broker
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        cr = propose(measure, {"progress": 70})
        deadline = time.monotonic() + 30
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)
    assert [m.to for m in mail.outbox] == [[reviewer.email]]
    assert re.search(rf"(№|No\.) {cr.pk}\b", mail.outbox[0].subject)
    assert Notification.objects.get(change_request=cr).status == "sent"
