"""E-mail about the workflow, through an outbox.

`queue_*` run inside the transaction of the change they report: they render each message in its
recipient's language and store it as a pending `Notification`, then ask a worker to deliver it once
the transaction commits. A rolled-back change leaves no message; a committed one always has its
rows, so a lost broker message or a mail-server outage delays the mail but never loses it (the beat
sweep retries what is still pending). Delivery locks the row and marks it sent in the same
transaction, so a retried task never sends a message twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import (
    ChangeRequest,
    LegalAct,
    Measure,
    Notification,
    NotificationKind,
    NotificationStatus,
    Organization,
    User,
)
from .roles import REVIEWER

# After this many failed attempts a message is marked failed and shown in the admin, where it
# can be sent again; until then the worker retries with growing pauses.
MAX_ATTEMPTS = 6


def _render(template: str, language: str, context: dict[str, Any]) -> tuple[str, str]:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        body = render_to_string(f"emails/{template}_body.txt", context)
    # A header may not contain a newline; templates end with one.
    return " ".join(subject.split())[:300], body


def _queue(
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
    ids = [n.pk for n in created]
    if ids:
        from . import tasks

        for pk in ids:
            tasks.deliver_notification.delay_on_commit(pk)
    return created


def _users(users: Iterable[User]) -> list[tuple[str, str, User | None]]:
    return [(u.email, u.language, u) for u in users if u.email]


def queue_submitted(cr: ChangeRequest) -> list[Notification]:
    """Every active reviewer but the author learns that a change waits for a decision."""
    reviewers = (
        User.objects.filter(is_active=True, groups__name=REVIEWER)
        .exclude(pk=cr.author_id)
        .order_by("pk")
    )
    return _queue(NotificationKind.SUBMITTED, _users(reviewers), {"cr": cr}, change_request=cr)


def queue_decided(cr: ChangeRequest, *, comment: str = "") -> list[Notification]:
    """The author learns what the reviewer decided, with the reviewer's comment."""
    author = cr.author
    recipients = _users([author] if author.is_active else [])
    context = {"cr": cr, "comment": comment}
    return _queue(NotificationKind.DECIDED, recipients, context, change_request=cr)


def queue_legal_basis_changed(act: LegalAct, organization: Organization) -> list[Notification]:
    """An organisation learns which of its measures lost or changed their legal basis."""
    measures = list(
        Measure.objects.filter(legal_basis__act=act, organizations=organization, needs_review=True)
        .distinct()
        .order_by("key")
    )
    recipients = _users(organization.users.filter(is_active=True).order_by("pk"))
    if organization.email:
        recipients.append((organization.email, settings.LANGUAGE_CODE, None))
    context = {"act": act, "organization": organization, "measures": measures}
    return _queue(NotificationKind.LEGAL_BASIS_CHANGED, recipients, context)


class DeliveryDeferred(Exception):  # noqa: N818 -- an outcome the task retries, not a bug
    """The mail server did not take the message this time; it stays pending."""


def deliver(notification_id: int) -> bool:
    """Send one pending message. True if it was sent now; False if there was nothing to send
    (already sent, given up, or being sent by another worker right now)."""
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .filter(pk=notification_id, status=NotificationStatus.PENDING)
            .first()
        )
        if row is None:
            return False
        row.attempts += 1
        message = EmailMessage(row.subject, row.body, to=[row.recipient])
        try:
            with get_connection() as connection:
                connection.send_messages([message])
        except Exception as exc:  # any failure is recorded, then retried
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if row.attempts >= MAX_ATTEMPTS:
                row.status = NotificationStatus.FAILED
            row.save(update_fields=["attempts", "last_error", "status"])
            failed = row.status == NotificationStatus.FAILED
        else:
            row.status = NotificationStatus.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
            row.save(update_fields=["attempts", "last_error", "status", "sent_at"])
            return True
    if failed:
        return False
    raise DeliveryDeferred(row.last_error)


def pending_ids(*, older_than: dt.timedelta) -> list[int]:
    """Pending messages whose delivery task should have run by now (the beat sweep's work)."""
    cutoff = timezone.now() - older_than
    return list(
        Notification.objects.filter(status=NotificationStatus.PENDING, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )


def resend(notification_ids: Iterable[int]) -> int:
    """Put failed messages back in the queue (an administrator's decision, from the admin)."""
    from . import tasks

    with transaction.atomic():
        ids = list(
            Notification.objects.select_for_update()
            .filter(pk__in=list(notification_ids), status=NotificationStatus.FAILED)
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            status=NotificationStatus.PENDING, attempts=0
        )
        for pk in ids:
            tasks.deliver_notification.delay_on_commit(pk)
    return len(ids)
