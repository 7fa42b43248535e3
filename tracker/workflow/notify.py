"""Who learns of a change request's moves: rendered into the outbox in the change's transaction."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tracker.organisations.models import User
from tracker.organisations.roles import REVIEWER
from tracker.outbox import services as outbox
from tracker.outbox.models import Notification, NotificationKind

from .models import ChangeRequest
from .selectors import record_title


class _RecordName:
    """The record a change request is about, named in the language active when the e-mail is
    rendered (the outbox renders each message in its recipient's language)."""

    def __init__(self, cr: ChangeRequest) -> None:
        self.cr = cr

    def __str__(self) -> str:
        cr = self.cr
        target = cr.target if cr.target_id is not None else None
        return record_title(target, cr.payload if target is None else None)[0]


class _ChangeRequestLink:
    """The change request's page as an absolute address (SITE_URL), under the language prefix
    active when the e-mail is rendered."""

    def __init__(self, cr: ChangeRequest) -> None:
        self.cr = cr

    def __str__(self) -> str:
        path = reverse("tracker:change-request-detail", args=[self.cr.pk])
        return settings.SITE_URL.rstrip("/") + path


def _context(cr: ChangeRequest, **extra: object) -> dict[str, object]:
    return {"cr": cr, "record": _RecordName(cr), "link": _ChangeRequestLink(cr), **extra}


def queue_submitted(cr: ChangeRequest) -> list[Notification]:
    """Every active reviewer but the author learns that a change waits for a decision."""
    reviewers = (
        User.objects.filter(is_active=True, groups__name=REVIEWER)
        .exclude(pk=cr.author_id)
        .order_by("pk")
    )
    return outbox.queue(
        NotificationKind.SUBMITTED, outbox.recipients_of(reviewers), _context(cr), change_request=cr
    )


def queue_decided(cr: ChangeRequest, *, comment: str = "") -> list[Notification]:
    """The author learns what the reviewer decided, with the reviewer's comment."""
    author = cr.author
    recipients = outbox.recipients_of([author] if author.is_active else [])
    context = _context(cr, comment=comment)
    return outbox.queue(NotificationKind.DECIDED, recipients, context, change_request=cr)
