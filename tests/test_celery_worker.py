"""A task runs through a real worker on the real Redis broker, and its result comes back."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from config.celery import app
from ingest.tasks import data_summary
from tests import factories as f


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_task_runs_on_a_real_worker_over_redis():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    f.ArticleFactory(number=9)
    f.ArticleFactory(number=24)
    f.MeasureFactory()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        result = data_summary.delay()
        summary = result.get(timeout=60)
    assert summary["articles"] == 2
    assert summary["measures"] == 1
    assert result.status == "SUCCESS"
