"""E-mail goes through an outbox: written in the transaction of the change it reports, handed to a
worker only after commit, never for a rolled-back change, never lost, never sent twice, and each
message in its recipient's language."""

from __future__ import annotations

import re
import smtplib
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from django.utils import dateformat, translation
from django.utils.timezone import localtime, now

from config.celery import app
from tests import factories as f
from tracker import notifications, services, tasks
from tracker.models import Notification

pytestmark = pytest.mark.django_db


class RollbackError(Exception):
    """Raised inside a transaction to roll it back."""


def _month(when, language: str) -> str:
    with translation.override(language):
        return dateformat.format(localtime(when), "F")


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
    assert re.search(rf"[#№]{cr.pk}\b", by_address[reviewer.email].subject)
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
    def __init__(self, *args, **kwargs) -> None:
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server went away")


def test_a_mail_server_failure_keeps_the_message_pending_then_gives_up_visibly(
    author, reviewer, measure, propose, monkeypatch, mailoutbox
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    monkeypatch.setattr(notifications, "get_connection", BrokenConnection)
    for attempt in range(1, notifications.MAX_ATTEMPTS):
        with pytest.raises(notifications.DeliveryDeferred):
            notifications.deliver(row.pk)
        row.refresh_from_db()
        assert (row.status, row.attempts) == ("pending", attempt)
        assert "went away" in row.last_error
    assert notifications.deliver(row.pk) is False
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", notifications.MAX_ATTEMPTS)
    assert mailoutbox == []
    # An administrator sends it again once the server is back.
    monkeypatch.undo()
    assert notifications.resend([row.pk]) == 1
    assert notifications.deliver(row.pk) is True
    assert [m.to for m in mailoutbox] == [[reviewer.email]]


def test_the_sweep_delivers_messages_whose_task_was_lost(
    author, reviewer, measure, propose, queued, mailoutbox
):
    cr = propose(measure, {"progress": 70})
    row = Notification.objects.get(change_request=cr)
    assert tasks.deliver_pending_notifications() == 0  # too recent: its own task is on the way
    Notification.objects.filter(pk=row.pk).update(
        created_at=now() - notifications.dt.timedelta(hours=1)
    )
    assert tasks.deliver_pending_notifications() == 1
    assert queued == [row.pk]


def test_the_sweep_is_scheduled_in_beat():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["deliver-pending-notifications"]
    assert entry["task"] == tasks.deliver_pending_notifications.name


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
    assert re.search(rf"[#№]{cr.pk}\b", mail.outbox[0].subject)
    assert Notification.objects.get(change_request=cr).status == "sent"
