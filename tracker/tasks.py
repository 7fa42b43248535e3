import datetime as dt

from celery import shared_task

from . import notifications, selectors


@shared_task
def data_summary() -> dict[str, int]:
    """Counts of the loaded records; used by health checks of the worker and by reports."""
    return selectors.data_summary()


@shared_task(
    autoretry_for=(notifications.DeliveryDeferred,),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=notifications.MAX_ATTEMPTS,
)
def deliver_notification(notification_id: int) -> bool:
    """Send one queued e-mail; a mail-server failure is retried with growing pauses."""
    return notifications.deliver(notification_id)


@shared_task
def deliver_pending_notifications() -> int:
    """Beat's sweep: queue every message still pending after its task should have run (a worker
    restart or a lost broker message must delay mail, never drop it)."""
    ids = notifications.pending_ids(older_than=dt.timedelta(minutes=5))
    for pk in ids:
        deliver_notification.delay(pk)
    return len(ids)
