"""Exactly one beat: a second `celery beat` against the same Redis stops at once and says why;
when the first stops, its lock is released and another may start."""

from __future__ import annotations

import subprocess

import pytest
import redis

from config.celery import BEAT_LOCK_KEY

from .conftest import free_port
from .processes import BIN, ROOT, redis_server, service_env, stop, wait_until


def beat(env: dict[str, str], log) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO",
         "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip


@pytest.mark.celery_worker
def test_a_second_beat_stops_and_the_lock_passes_on(transactional_db, tmp_path):
    with redis_server(free_port(), tmp_path) as server:
        env = service_env(CRPD_VAR_DIR=str(tmp_path), CELERY_BROKER_URL=f"{server.url}/0")
        client = redis.Redis.from_url(f"{server.url}/0")
        with (tmp_path / "first.log").open("w") as first_log:
            first = beat(env, first_log)
            try:
                wait_until(lambda: client.get(BEAT_LOCK_KEY), seconds=60, what="the beat lock")
                holder = client.get(BEAT_LOCK_KEY)
                assert holder.decode().split(":")[1] == str(first.pid)
                with (tmp_path / "second.log").open("w") as second_log:
                    second = beat(env, second_log)
                    assert second.wait(timeout=60) == 3
                second_text = (tmp_path / "second.log").read_text()
                assert "Another celery beat is running" in second_text
                assert first.poll() is None  # the first goes on ticking
                assert client.get(BEAT_LOCK_KEY) == holder
            finally:
                stop(first)
        assert client.get(BEAT_LOCK_KEY) is None  # released on a clean stop
        with (tmp_path / "third.log").open("w") as third_log:
            third = beat(env, third_log)
            try:
                wait_until(lambda: client.get(BEAT_LOCK_KEY), seconds=60, what="the lock")
                assert client.get(BEAT_LOCK_KEY).decode().split(":")[1] == str(third.pid)
            finally:
                stop(third)
