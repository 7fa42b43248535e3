"""Against the real services: Redis really stopped and started again, an SMTP server that refuses.
Pages and the workflow keep working, nothing is lost, and the mail goes out once, after the
outage, through a real worker."""

from __future__ import annotations

import datetime as dt
import re
import subprocess

import httpx
import pytest
from django.utils import timezone

from tracker import tasks
from tracker.accounts.services import must_verify
from tracker.models import (
    ChangeRequest,
    Measure,
    Notification,
    NotificationStatus,
    User,
)
from tracker.outbox import services as outbox
from tracker.workflow import notify

from .conftest import free_port
from .processes import (
    BIN,
    ROOT,
    celery_worker,
    gunicorn,
    redis_server,
    service_env,
    smtp_server,
    wait_until,
)

PASSWORD = "correct horse battery staple"  # tests/factories.py


def signed_in(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/en/accounts/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/en/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302, response.text[:500]
    user = User.objects.get(username=username)
    if must_verify(user):  # reviewers pass a second factor (issue 11), typed as a phone shows it
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        page = client.get("/en/accounts/two-factor/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        response = client.post(
            "/en/accounts/two-factor/",
            data={"otp_token": f"{totp.token():0{device.digits}d}", "csrfmiddlewaretoken": token},
        )
        assert response.status_code == 302, response.text[:500]
    return client


def csrf(client: httpx.Client) -> str:
    return client.cookies["csrftoken"]


def sweep(env: dict[str, str]) -> None:
    """What beat does every minute: queue every message that is due, on the real broker."""
    code = (
        "import django; django.setup(); "
        "from tracker.tasks import deliver_pending_notifications as sweep; sweep.delay()"
    )
    subprocess.run(
        [str(BIN / "python"), "-c", code],
        cwd=ROOT, env=env, check=True, capture_output=True, timeout=60,
    )  # fmt: skip


@pytest.mark.celery_worker
def test_redis_outage_keeps_pages_and_workflow_working_and_mail_goes_out_after(
    submitted_change, tmp_path
):
    change = submitted_change
    cr, measure = change["cr"], change["measure"]
    with (
        redis_server(free_port(), tmp_path) as redis,
        smtp_server(free_port()) as mailbox,
    ):
        env = service_env(
            CRPD_VAR_DIR=str(tmp_path),
            CELERY_BROKER_URL=f"{redis.url}/0",
            # As in production by default (README); results on the broker would add their own
            # 20 s of retries to each request while Redis is down.
            CELERY_RESULT_BACKEND="django-db",
            CRPD_TEST_SMTP_PORT=str(mailbox.port),
        )
        with gunicorn(free_port(), env, workers=2) as base, celery_worker(env):
            author, reviewer = signed_in(base, "author"), signed_in(base, "reviewer")
            redis.stop()
            # Public pages, the health check and signing in do not need the broker.
            for path in ("/en/", f"/en/articles/{measure.articles.first().number}/", "/healthz"):
                assert httpx.get(base + path, timeout=30).status_code == 200, path
            ready = httpx.get(base + "/readyz", timeout=30)
            assert ready.status_code == 503
            assert ready.json()["checks"]["broker"]["ok"] is False
            submit = author.post(
                f"/api/v1/change-requests/{cr.pk}/submit/", headers={"X-CSRFToken": csrf(author)}
            )
            approve = reviewer.post(
                f"/en/changes/{cr.pk}/approve/",
                data={"comment": "", "csrfmiddlewaretoken": csrf(reviewer)},
            )
            # Saved, whatever the answer said: the change is live and its e-mails are kept.
            cr.refresh_from_db()
            assert cr.status == "approved"
            assert Measure.objects.get(pk=measure.pk).progress == 60
            pending = list(Notification.objects.filter(change_request=cr))
            assert {n.status for n in pending} == {NotificationStatus.PENDING}
            assert mailbox.accepted == []

            redis.start()
            # The sweep waits two minutes for a message's own task; age the rows, not the test.
            Notification.objects.filter(change_request=cr).update(
                created_at=timezone.now() - dt.timedelta(minutes=3)
            )
            sweep(env)
            wait_until(
                lambda: len(mailbox.accepted) >= len(pending), seconds=90, what="the e-mails"
            )
            sweep(env)  # a second sweep finds nothing more to send
            assert wait_for_settled(cr)
    recipients = sorted(rcpt for _, rcpts, _ in mailbox.accepted for rcpt in rcpts)
    assert recipients == sorted(n.recipient for n in pending)  # each once, none lost or doubled
    if 500 in (submit.status_code, approve.status_code):
        pytest.xfail(
            "Defect 1 of issue 11 (fixed by the sec branch): with the broker down, submit and "
            f"approve answer {submit.status_code} / {approve.status_code} although they committed."
        )
    assert submit.status_code == 200
    assert approve.status_code == 302


def wait_for_settled(cr: ChangeRequest) -> bool:
    wait_until(
        lambda: (
            not Notification.objects.filter(change_request=cr)
            .exclude(status=NotificationStatus.SENT)
            .exists()
        ),
        seconds=30,
        what="every message recorded as sent",
    )
    return True


# SMTP refusing -----------------------------------------------------------------------------------


@pytest.fixture
def queued_message(db, submitted_change, monkeypatch):
    monkeypatch.setattr(tasks.deliver_notification, "delay_on_commit", lambda pk: None)
    (message,) = notify.queue_submitted(submitted_change["cr"])  # to the one reviewer
    return message


def test_a_refusing_mail_server_gets_the_message_later_exactly_once(queued_message, settings):
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", port, False
    settings.EMAIL_TIMEOUT = 5
    message = queued_message
    # Nobody listening: the connection is refused; the message waits for its next attempt.
    assert tasks.deliver_notification(message.pk) is False
    message.refresh_from_db()
    assert (message.status, message.attempts) == (NotificationStatus.PENDING, 1)
    assert "Connection refused" in message.last_error or "Errno 111" in message.last_error
    assert message.next_attempt_at > timezone.now()
    with smtp_server(port) as mailbox:
        mailbox.refusing = True
        make_due(message)
        assert tasks.deliver_notification(message.pk) is False
        message.refresh_from_db()
        assert (message.status, message.attempts) == (NotificationStatus.PENDING, 2)
        assert "451" in message.last_error
        assert mailbox.refused == 1
        # Not due yet: a worker asked again does not even try.
        assert tasks.deliver_notification(message.pk) is False
        assert mailbox.refused == 1
        mailbox.refusing = False
        make_due(message)
        assert outbox.due_ids() == [message.pk]
        assert tasks.deliver_notification(message.pk) is True
        # Delivered once: asking again (a duplicate task, the next sweep) sends nothing more.
        assert tasks.deliver_notification(message.pk) is False
        assert outbox.due_ids() == []
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 3, "")
    assert len(mailbox.accepted) == 1
    assert mailbox.accepted[0][1] == ["reviewer@example.kz"]


def make_due(message: Notification) -> None:
    Notification.objects.filter(pk=message.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )
