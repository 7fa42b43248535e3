from celery import shared_task

from . import selectors


@shared_task
def data_summary() -> dict[str, int]:
    """Counts of the loaded records; used by health checks of the worker and by reports."""
    return selectors.data_summary()
