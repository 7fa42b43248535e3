"""The Celery application, configured from Django settings (CELERY_* names).

Exactly one beat: however many nodes run `celery beat` by mistake, only the one holding the beat
lock in Redis (BEAT_LOCK_KEY, renewed every BEAT_LOCK_RENEW seconds, expiring after
BEAT_LOCK_TTL) ticks; any other stops at once with a clear message. With the filesystem broker
(one machine, no Redis) there is no lock to hold. docs/DEPLOYMENT.md, "Exactly one beat".
"""

import atexit
import contextlib
import logging
import os
import socket
import threading
import uuid

import redis
from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("crpd", task_cls="celery.contrib.django.task:DjangoTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger("crpd.beat")
BEAT_LOCK_KEY = "crpd:celery-beat:lock"
BEAT_LOCK_TTL = 60
BEAT_LOCK_RENEW = 15
# Renew only while the lock is still ours (compare and expire, atomically).
_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) else return 0 end"  # noqa: E501
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"  # noqa: E501


def _stop(message: str, *args) -> None:
    logger.critical(message, *args)
    logging.shutdown()
    os._exit(3)  # beat's signal handlers swallow exceptions: leave the process itself


def _keep_renewing(client, token: str) -> None:
    while True:
        threading.Event().wait(BEAT_LOCK_RENEW)
        try:
            renewed = client.eval(_RENEW, 1, BEAT_LOCK_KEY, token, BEAT_LOCK_TTL)
        except Exception as exc:  # Redis away for a moment: the lock lasts BEAT_LOCK_TTL
            logger.warning("Could not renew the beat lock: %s", exc)
            continue
        if not renewed:
            _stop("The beat lock was lost (Redis restarted or it expired); this beat stops.")


@beat_init.connect
def hold_the_beat_lock(sender=None, **kwargs) -> None:
    url = app.conf.broker_url or ""
    if not url.startswith(("redis://", "rediss://")):
        return
    client = redis.Redis.from_url(url, socket_timeout=5)
    token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex}"
    try:
        taken = client.set(BEAT_LOCK_KEY, token, nx=True, ex=BEAT_LOCK_TTL)
    except redis.RedisError as exc:
        _stop("Cannot take the beat lock, Redis is unreachable (%s); this beat stops.", exc)
    if not taken:
        holder = client.get(BEAT_LOCK_KEY)
        _stop(
            "Another celery beat is running (lock %s held by %s); exactly one may run. "
            "This one stops.",
            BEAT_LOCK_KEY,
            holder.decode() if holder else "?",
        )
    logger.info("This beat holds the beat lock (%s).", token)
    threading.Thread(target=_keep_renewing, args=(client, token), daemon=True).start()
    atexit.register(_release, client, token)


def _release(client, token: str) -> None:
    with contextlib.suppress(redis.RedisError):  # else it expires after BEAT_LOCK_TTL
        client.eval(_RELEASE, 1, BEAT_LOCK_KEY, token)
