"""The data generation: one number, in the shared cache, that every write to the live data or the
workflow moves on. Whatever is cached from that data (the dashboard's numbers, the public pages
as the anonymous public sees them) is keyed by it, so nothing cached before a write is read after
it — no list of keys to delete, no page to forget.

It moves twice for a write in a transaction: at the write, so that the writing process (and a test
inside one transaction) never reads its own stale copy; and again after the commit, because a
reader in another process may have cached the data as it was *before* the commit under the
number of the first move. Writes that bypass the models' signals (queryset.update, bulk_create)
call `bump()` themselves.

The cache must be shared by every process that writes or serves (config/settings/base.py: Redis
when REDIS_CACHE_URL is set, files under var/cache otherwise; one process's memory in tests).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

KEY = "crpd:data-generation"
# Set when a cached summary older than the current generation was served (reports/selectors.py):
# a page built from it is not stored (web/caching.py).
_stale: ContextVar[bool] = ContextVar("crpd_served_stale", default=False)

# The records whose changes nobody sees on a page or in a summary: the outbox, the sign-in audit.
_APPS = frozenset({"tracker", "indicators"})
_UNSEEN = frozenset({"notification", "notificationattachment", "signinevent"})


def current() -> int | None:
    """The generation now, or None when the cache cannot be reached: then nothing is cached
    (pages are built from the database; slower, never wrong)."""
    try:
        value = cache.get(KEY)
        if value is None:
            cache.add(KEY, 1, None)
            value = cache.get(KEY, 1)
        return int(value)
    except Exception:
        logger.warning("cache unreachable: pages are built without it", exc_info=True)
        return None


def bump() -> None:
    try:
        try:
            cache.incr(KEY)
        except ValueError:  # not there yet, or evicted: any new number will do
            if not cache.add(KEY, 2, None):
                cache.incr(KEY)
    except Exception:
        logger.warning("cache unreachable: the data generation did not move", exc_info=True)


def served_stale() -> None:
    _stale.set(True)


@contextmanager
def watching_stale() -> Iterator[Callable[[], bool]]:
    """Within: whether anything stale was served (served_stale) since entering."""
    token = _stale.set(False)
    try:
        yield _stale.get
    finally:
        _stale.reset(token)


def changed() -> None:
    """A write happened: move on now, and once more when its transaction commits (one move after
    the commit however many writes the transaction holds)."""
    bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        entry[1] is bump for entry in connection.run_on_commit
    ):
        transaction.on_commit(bump)


def data_changed(sender, **_kwargs) -> None:
    """post_save, post_delete and m2m_changed of every model (tracker/apps.py connects it)."""
    meta = getattr(sender, "_meta", None)
    if meta is None or meta.app_label not in _APPS or meta.model_name in _UNSEEN:
        return
    changed()
