from celery import shared_task

from .selectors import data_summary as _data_summary


@shared_task
def data_summary() -> dict[str, int]:
    """Counts of the loaded records; used by health checks of the worker."""
    return _data_summary()
