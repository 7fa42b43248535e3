"""The test suite: real PostgreSQL and real Redis (see Makefile), never SQLite or mocks."""

import os

from .base import *  # noqa: F403
from .base import VAR_DIR

DEBUG = False
SECRET_KEY = "test-only-not-secret"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The resilience tests (tests/ops) run servers and workers in processes of their own, which send to
# an SMTP server the test started on the loopback interface, on this port.
if os.environ.get("CRPD_TEST_SMTP_PORT"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = "127.0.0.1", int(os.environ["CRPD_TEST_SMTP_PORT"])
    EMAIL_USE_TLS, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = False, "", ""
    EMAIL_TIMEOUT = 5
MEDIA_ROOT = VAR_DIR / "test-media"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "redis://127.0.0.1:6379/15")
AXES_ENABLED = True
# The suite sends thousands of API requests (schemathesis) from one address; the throttling
# tests set their own low rates.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute"},
}
# One process: its own memory. The tests that run servers and workers in processes of their own
# (tests/ops) give them one cache directory to share, as `make run` does; `make bench` gives its
# gunicorn Redis (REDIS_CACHE_URL), as in production.
if os.environ.get("CRPD_TEST_CACHE_DIR"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ["CRPD_TEST_CACHE_DIR"],
        }
    }
elif not os.environ.get("REDIS_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Off in the suite, whose tests read a page's template context (a cached page has none): the
# page cache's own tests (tests/web/test_page_cache.py) turn it on.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "0"))
