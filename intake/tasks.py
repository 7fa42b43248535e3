"""The import's one task: ids in, one service call."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


# A database hiccup is retried; decided rows are not looked at again, so a retry is harmless.
@shared_task(autoretry_for=(OperationalError,), retry_backoff=10, max_retries=5)
def process_batch(batch_id: int) -> int:
    """Decide every waiting row of an uploaded file; returns how many rows it has."""
    return services.batch_process(batch_id=batch_id).processed_rows
