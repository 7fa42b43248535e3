from smtplib import SMTPException

from celery import shared_task

from . import notifications, selectors

# Mail servers fail transiently; retry with growing pauses rather than lose the message.
_MAIL_RETRY = {
    "autoretry_for": (SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": True,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task
def data_summary() -> dict[str, int]:
    """Counts of the loaded records; used by health checks of the worker and by reports."""
    return selectors.data_summary()


@shared_task(**_MAIL_RETRY)
def notify_submitted(cr_id: int) -> int:
    """Tell the reviewers a change request waits for their decision."""
    return notifications.send_submitted(cr_id=cr_id)


@shared_task(**_MAIL_RETRY)
def notify_decided(cr_id: int) -> int:
    """Tell the author what the reviewer decided."""
    return notifications.send_decided(cr_id=cr_id)


@shared_task(**_MAIL_RETRY)
def notify_legal_basis_changed(act_id: int, organization_id: int) -> int:
    """Tell an organisation its measures lost or changed their legal basis."""
    return notifications.send_legal_basis_changed(act_id=act_id, organization_id=organization_id)
