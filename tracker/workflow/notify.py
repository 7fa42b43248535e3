"""Who learns of a change request's moves: rendered into the outbox in the change's transaction."""

from __future__ import annotations

from tracker.organisations.models import User
from tracker.organisations.roles import REVIEWER
from tracker.outbox import services as outbox
from tracker.outbox.models import Notification, NotificationKind

from .models import ChangeRequest


def queue_submitted(cr: ChangeRequest) -> list[Notification]:
    """Every active reviewer but the author learns that a change waits for a decision."""
    reviewers = (
        User.objects.filter(is_active=True, groups__name=REVIEWER)
        .exclude(pk=cr.author_id)
        .order_by("pk")
    )
    return outbox.queue(
        NotificationKind.SUBMITTED, outbox.recipients_of(reviewers), {"cr": cr}, change_request=cr
    )


def queue_decided(cr: ChangeRequest, *, comment: str = "") -> list[Notification]:
    """The author learns what the reviewer decided, with the reviewer's comment."""
    author = cr.author
    recipients = outbox.recipients_of([author] if author.is_active else [])
    context = {"cr": cr, "comment": comment}
    return outbox.queue(NotificationKind.DECIDED, recipients, context, change_request=cr)
