"""Thin Celery tasks: ids in, one service call. Beat only schedules `run_schedule`."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task
def run_schedule(schedule_id: int) -> int:
    """A beat tick (or "send now"): queue this schedule's reports, or send its reminders."""
    return services.schedule_run(schedule_id=schedule_id)


# A database hiccup while generating is retried; the edition and delivery constraints make the
# retry harmless (nothing is made or queued twice). Rendering errors are bugs: they are not.
@shared_task(
    autoretry_for=(OperationalError,), retry_backoff=30, retry_backoff_max=600, max_retries=5
)
def send_report(schedule_id: int, organization_id: int | None, day: str) -> int:
    """Make (once) and queue (once per recipient) one organisation's or the nation's report for
    the period containing `day` (ISO date)."""
    deliveries = services.report_send(
        schedule_id=schedule_id,
        organization_id=organization_id,
        day=dt.date.fromisoformat(day),
    )
    return len(deliveries)


@shared_task(ignore_result=True)
def warm_summary() -> bool:
    """Beat, every minute: compute the dashboard's summary of the current data generation if
    nobody has yet (after a write at night, the first visitor in the morning does not wait)."""
    from django.utils import timezone

    from .selectors import warm_national_summary

    return warm_national_summary(as_of=timezone.localdate())
