"""E-mail about the workflow, through an outbox.

`queue_*` run inside the transaction of the change they report: they render each message in its
recipient's language and store it as a pending `Notification`, then ask a worker to deliver it once
the transaction commits. A rolled-back change leaves no message; a committed one always has its
rows, so a lost broker message or a mail-server outage delays the mail but never loses it: the row's
`next_attempt_at` is the retry schedule, and beat's sweep queues every row that is due.

Delivery is claim, send, record (see `deliver`): no database transaction or row lock is held while
the mail server is talking, so a hung server (bounded by EMAIL_TIMEOUT) pins no connection.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import Notification, NotificationStatus

if TYPE_CHECKING:
    from tracker.organisations.models import User
    from tracker.workflow.models import ChangeRequest

logger = logging.getLogger(__name__)

# The pause after the n-th failed attempt. An outage of the mail server may last a weekend: the
# schedule spans about three days before a message is given up as `failed` and shown in the admin,
# where it can be sent again.
RETRY_DELAYS: tuple[dt.timedelta, ...] = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=15),
    dt.timedelta(hours=1),
    dt.timedelta(hours=3),
    dt.timedelta(hours=6),
    *[dt.timedelta(hours=12)] * 5,
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A worker that claimed a message and has not recorded the outcome after this long has died (a send
# is bounded by EMAIL_TIMEOUT per socket operation, far below it); the claim may be taken over.
CLAIM_TIMEOUT = dt.timedelta(minutes=10)
# A fresh message's own task is on its way; the sweep leaves it alone for this long.
SWEEP_GRACE = dt.timedelta(minutes=2)


def _render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}_body.txt", context)
    # A header may not contain a newline; templates end with one.
    return " ".join(subject.split())[:300], body


def queue(
    kind: str,
    recipients: Iterable[tuple[str, str, User | None]],
    context: dict[str, Any],
    *,
    change_request: ChangeRequest | None = None,
) -> list[Notification]:
    rows = []
    seen: set[str] = set()
    for email, language, user in recipients:
        if not email or email in seen:
            continue
        seen.add(email)
        subject, body = _render(kind, language, context)
        rows.append(
            Notification(
                kind=kind,
                recipient=email,
                language=language or settings.LANGUAGE_CODE,
                user=user,
                change_request=change_request,
                subject=subject,
                body=body,
            )
        )
    created = Notification.objects.bulk_create(rows)
    hand_to_workers_on_commit([n.pk for n in created])
    return created


def hand_to_workers_on_commit(ids: Iterable[int]) -> None:
    """Once the transaction commits, ask a worker to deliver each message now.

    Best effort, by design: the rows are already committed and pending, so a broker that is down
    or refuses (kombu's OperationalError, a socket error, a timeout) costs only speed, never the
    mail: beat's sweep (`due_ids`) queues every pending row once it is SWEEP_GRACE old. So the
    failure is logged, the remaining messages are left to the sweep, and the caller, whose change
    is committed, answers with success instead of a server error after the fact."""
    ids = list(ids)
    if not ids:
        return

    def dispatch() -> None:
        from tracker import tasks

        for position, pk in enumerate(ids):
            try:
                tasks.deliver_notification.delay(pk)
            except Exception:  # the broker's failure, whatever its kind: see above
                logger.warning(
                    "The Celery broker did not take notification %s; it and %s more stay "
                    "pending for the outbox sweep.",
                    pk,
                    len(ids) - position - 1,
                    exc_info=True,
                )
                return

    transaction.on_commit(dispatch)


def recipients_of(users: Iterable[User]) -> list[tuple[str, str, User | None]]:
    return [(u.email, u.language, u) for u in users if u.email]


class DeliveryDeferred(Exception):  # noqa: N818 -- an outcome, not a bug
    """The mail server did not take the message this time; it stays pending until `retry_at`."""

    def __init__(self, error: str, *, retry_at: dt.datetime) -> None:
        super().__init__(error)
        self.retry_at = retry_at


def _due(now: dt.datetime, *, first_attempt_after: dt.timedelta = dt.timedelta(0)) -> Q:
    """The one definition of a message a worker should try at `now`: pending with its next
    attempt come (a first delivery, which has none, once it is `first_attempt_after` old), or
    claimed by a worker that died. The task uses no delay: its own message is due at once. The
    sweep waits SWEEP_GRACE, because that message's own task is still on its way."""
    first = Q(next_attempt_at__isnull=True)
    if first_attempt_after:
        first &= Q(created_at__lt=now - first_attempt_after)
    pending = Q(status=NotificationStatus.PENDING) & (first | Q(next_attempt_at__lte=now))
    stale = Q(status=NotificationStatus.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT)
    return pending | stale


def _claim(notification_id: int) -> Notification | None:
    now = timezone.now()
    with transaction.atomic():
        # skip_locked: a row another worker is claiming right now is theirs, not a reason to wait.
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(_due(now), pk=notification_id)
            .first()
        )
        if row is None:
            return None
        if row.status == NotificationStatus.SENDING:
            # Its worker died between claim and record; the message may or may not have left.
            row.last_error = "The worker sending it stopped before recording the outcome."
            if row.attempts >= MAX_ATTEMPTS:
                # A message that keeps killing its worker is not retried forever.
                row.status = NotificationStatus.FAILED
                row.next_attempt_at = None
                row.save(update_fields=["status", "last_error", "next_attempt_at"])
                return None
        row.status = NotificationStatus.SENDING
        row.attempts += 1
        row.claimed_at = now
        row.save(update_fields=["status", "attempts", "claimed_at", "last_error"])
    return row


def deliver(notification_id: int) -> bool:
    """Send one message if it is due. True if it was sent now; False if there was nothing to send
    (already sent, given up, not due yet, or claimed by another worker). Raises DeliveryDeferred
    when the mail server failed and the message stays pending until its next attempt.

    Three steps, each its own short transaction, so no row lock or open transaction waits on the
    mail server: (1) claim the row (`sending`, attempts + 1), (2) send, (3) record `sent`, or
    `pending` with the next attempt's time, or `failed` after MAX_ATTEMPTS. Call it outside a
    transaction (tasks do); inside one, as in tests, the steps become savepoints of it.

    A claim is sent at most once, and a claimed row is left alone by every other worker. What
    remains at-least-once: if the worker dies (or the database goes away) after the server took the
    message but before step 3, the row stays `sending`, and after CLAIM_TIMEOUT the sweep claims it
    again and the recipient may get the message a second time. The alternative, holding a lock or
    a transaction across the send, would let a hung server block the outbox.
    """
    row = _claim(notification_id)
    if row is None:
        return False
    message = EmailMultiAlternatives(row.subject, row.body, to=[row.recipient])
    if row.html_body:
        message.attach_alternative(row.html_body, "text/html")
    for attachment in row.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    try:
        with get_connection() as connection:
            connection.send_messages([message])
    except Exception as exc:  # any failure is recorded, then retried on schedule
        return _record_failure(row, f"{type(exc).__name__}: {exc}"[:2000])
    # The message has left: that is true whoever holds the claim now, so record it unconditionally
    # (a slow worker whose claim was taken over still settles the row, and the other's outcome
    # no longer matches its claim). One UPDATE in autocommit: its own transaction.
    Notification.objects.filter(pk=row.pk).exclude(status=NotificationStatus.SENT).update(
        status=NotificationStatus.SENT, sent_at=timezone.now(), last_error="", next_attempt_at=None
    )
    return True


def _record_failure(row: Notification, error: str) -> bool:
    now = timezone.now()
    if row.attempts >= MAX_ATTEMPTS:
        status, retry_at = NotificationStatus.FAILED, None
    else:
        status, retry_at = NotificationStatus.PENDING, now + RETRY_DELAYS[row.attempts - 1]
    # Only while this worker still holds its claim: if the claim went stale and another worker
    # took it over, that worker's outcome is the one to keep.
    recorded = Notification.objects.filter(
        pk=row.pk, status=NotificationStatus.SENDING, claimed_at=row.claimed_at
    ).update(status=status, last_error=error, next_attempt_at=retry_at)
    if not recorded or retry_at is None:
        return False
    raise DeliveryDeferred(error, retry_at=retry_at)


def due_ids() -> list[int]:
    """Messages a worker should try now (the beat sweep's work): pending ones whose next attempt is
    due or whose first task should have run already, and claims abandoned by a dead worker."""
    due = _due(timezone.now(), first_attempt_after=SWEEP_GRACE)
    return list(Notification.objects.filter(due).order_by("pk").values_list("pk", flat=True)[:500])


def resend(notification_ids: Iterable[int]) -> int:
    """Put failed messages back in the queue (an administrator's decision, from the admin)."""
    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(notification_ids), status=NotificationStatus.FAILED)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=NotificationStatus.PENDING, attempts=0, next_attempt_at=None, claimed_at=None
        )
        hand_to_workers_on_commit(ids)
    return len(ids)
