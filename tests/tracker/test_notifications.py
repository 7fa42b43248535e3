"""E-mail goes out only after the change commits, never for a rolled-back one, and each message
is in its recipient's language."""

from __future__ import annotations

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.db import transaction
from django.utils import dateformat, translation
from django.utils.timezone import localtime

from config.celery import app
from tests import factories as f
from tracker import services, tasks

pytestmark = pytest.mark.django_db


class RollbackError(Exception):
    """Raised inside a transaction to roll it back."""


def _month(when, language: str) -> str:
    with translation.override(language):
        return dateformat.format(localtime(when), "F")


def test_submission_is_queued_only_when_the_transaction_commits(
    author, measure, propose, queued, django_capture_on_commit_callbacks
):
    cr = propose(measure, {"progress": 70}, submit=False)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.change_request_submit(cr_id=cr.pk, by=author)
        assert queued == []  # still inside the transaction
    assert len(callbacks) == 1
    assert queued == []
    callbacks[0]()
    assert queued == [("notify_submitted", (cr.pk,))]


def test_nothing_is_queued_when_the_transaction_rolls_back(
    author, measure, propose, queued, django_capture_on_commit_callbacks
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
    reviewer, measure, propose, queued, django_capture_on_commit_callbacks, decide, kwargs
):
    cr = propose(measure, {"progress": 70})
    queued.clear()
    with django_capture_on_commit_callbacks(execute=True):
        getattr(services, decide)(cr_id=cr.pk, by=reviewer, **kwargs)
    assert queued == [("notify_decided", (cr.pk,))]


def test_a_conflicting_approval_notifies_nobody(
    author, colleague, reviewer, measure, propose, queued, django_capture_on_commit_callbacks
):
    first = propose(measure, {"progress": 60}, by=colleague)
    second = propose(measure, {"progress": 70})
    services.change_request_approve(cr_id=first.pk, by=reviewer)
    queued.clear()
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.ChangeConflict),
    ):
        services.change_request_approve(cr_id=second.pk, by=reviewer)
    assert callbacks == []
    assert queued == []


def test_reviewers_get_the_submission_each_in_their_own_language(
    author, reviewer, measure, propose, mailoutbox
):
    english = f.UserFactory(reviewer=True, organization=reviewer.organization, language="en")
    f.UserFactory(reviewer=True, organization=reviewer.organization, is_active=False)
    cr = propose(measure, {"progress": 70}, summary="Progress 2019")
    sent = tasks.notify_submitted(cr.pk)  # the task body, run here
    assert sent == 2
    by_address = {m.to[0]: m for m in mailoutbox}
    assert set(by_address) == {reviewer.email, english.email}  # not the inactive one
    assert f"#{cr.pk}" in by_address[reviewer.email].subject
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
    assert tasks.notify_decided(cr.pk) == 1
    (message,) = mailoutbox
    assert message.to == [author.email]
    assert author.language == "kk"
    assert _month(cr.decided_at, "kk") in message.body
    assert "Add the order number." in message.body
    assert "\n" not in message.subject


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
    assert f"#{cr.pk}" in mail.outbox[0].subject
