import logging

from celery import shared_task

from .outbox import services as notifications

logger = logging.getLogger(__name__)


@shared_task
def deliver_notification(notification_id: int) -> bool:
    """Send one queued e-mail if it is due. A mail-server failure is not retried by Celery: the
    row's next_attempt_at is the schedule, and beat's sweep queues the row again once it is due,
    so the retries survive worker restarts and a purged broker, and no countdown can disagree
    with the row."""
    try:
        return notifications.deliver(notification_id)
    except notifications.DeliveryDeferred as deferred:
        logger.warning(
            "Notification %s not delivered (%s); next attempt at %s.",
            notification_id,
            deferred,
            deferred.retry_at.isoformat(),
        )
        return False


@shared_task
def deliver_pending_notifications() -> int:
    """Beat's sweep, every minute: queue every message that is due (a retry whose time has come,
    or a first delivery whose task was lost) and every claim a dead worker abandoned."""
    ids = notifications.due_ids()
    for pk in ids:
        deliver_notification.delay(pk)
    return len(ids)
