"""Defect 1: with the Celery broker unreachable, a submit or an approval (API and pages) and an
administrator's resend answered 500 although the change had committed. The broker here is really
unreachable (a closed local port), the transactions really commit, and the mail still goes out
through the outbox once a worker runs the sweep."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from config.celery import app
from tests import factories as f
from tests.api_client import as_user, url
from tracker import tasks
from tracker.models import ChangeRequest, Notification
from tracker.outbox import services as outbox

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued():
    """Overrides the workflow fixtures' recorder: these tests talk to the (unreachable) broker."""


def _reset_pools() -> None:
    # What Celery itself does after a fork: the next publish connects with the current URL.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down(monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # Nothing listens on the port now: every connection is refused. Celery reads the URL from the
    # environment before its settings.
    monkeypatch.setenv("CELERY_BROKER_URL", f"redis://127.0.0.1:{port}/0")
    _reset_pools()
    assert app.conf.broker_url.endswith(f":{port}/0")
    yield
    monkeypatch.undo()
    _reset_pools()


def _sweep_delivers(rows) -> None:
    """What beat's sweep does once the broker is back: the rows are due after the grace period,
    and a worker sends each."""
    Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
        created_at=timezone.now() - outbox.SWEEP_GRACE - dt.timedelta(seconds=1)
    )
    due = outbox.due_ids()
    assert sorted(due) == sorted(n.pk for n in rows)
    for pk in due:
        assert tasks.deliver_notification(pk) is True


def test_the_publish_really_fails_with_the_broker_down(broker_down):
    with pytest.raises(OperationalError, match=r"(?i)refused|connect"):
        tasks.deliver_notification.delay(1)


def test_api_submit_and_approve_succeed_and_the_sweep_sends_the_mail(
    broker_down, author, reviewer, measure
):
    cr = ChangeRequest.objects.get(
        pk=as_user(author)
        .post(
            url("change-request-list"),
            {"target_type": "measure", "target": measure.key, "payload": {"progress": 55}},
            format="json",
        )
        .json()["id"]
    )
    submitted = as_user(author).post(url("change-request-submit", cr.pk), format="json")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    to_reviewer = list(Notification.objects.filter(change_request=cr))
    assert [(n.recipient, n.status) for n in to_reviewer] == [(reviewer.email, "pending")]

    approved = as_user(reviewer).post(url("change-request-approve", cr.pk), format="json")
    assert approved.status_code == 200, approved.content
    measure.refresh_from_db()
    assert (measure.progress, approved.json()["status"]) == (55, "approved")
    to_author = Notification.objects.filter(change_request=cr, recipient=author.email).get()
    assert to_author.status == "pending"
    assert mail.outbox == []

    _sweep_delivers([*to_reviewer, to_author])
    assert sorted(m.to[0] for m in mail.outbox) == sorted([reviewer.email, author.email])
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_page_submit_and_approve_succeed(broker_down, client, author, reviewer, measure, propose):
    cr = propose(measure, {"progress": 65}, submit=False)
    client.force_login(author)
    response = client.post(reverse("tracker:change-request-action", args=[cr.pk, "submit"]))
    assert response.status_code == 302
    client.force_login(reviewer)
    response = client.post(reverse("tracker:change-request-action", args=[cr.pk, "approve"]))
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    measure.refresh_from_db()
    assert measure.progress == 65
    rows = list(Notification.objects.filter(change_request=cr))
    assert len(rows) == 2
    assert {n.status for n in rows} == {"pending"}
    _sweep_delivers(rows)
    assert len(mail.outbox) == 2


def test_resend_from_the_admin_succeeds(broker_down, client, author):
    failed = Notification.objects.create(
        kind="submitted", recipient="x@example.org", subject="s", body="b", status="failed"
    )
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:tracker_notification_changelist"),
        {"action": "send_again", "_selected_action": [failed.pk]},
    )
    assert response.status_code == 302
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("pending", 0)
    _sweep_delivers([failed])
    assert [m.to for m in mail.outbox] == [["x@example.org"]]
