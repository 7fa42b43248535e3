"""gunicorn's settings for production (`gunicorn -c config/gunicorn.py config.wsgi`).

Everything comes from the environment, with defaults for one small machine. Sync workers: each
handles one request at a time and holds at most ONE database connection (CONN_MAX_AGE keeps it
open between requests), so the connections a web node needs are exactly GUNICORN_WORKERS
(docs/DEPLOYMENT.md, "Database connections").
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
worker_class = "sync"
threads = 1  # one request, one database connection per worker; never more
# A request is cut off after this long (the database's statement_timeout, 30 s, comes first).
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# Recycle a worker after about this many requests (jitter: not all at once), so a slow leak in a
# library can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))
# Bounded request lines and headers (the TLS proxy in front limits the body: DEPLOYMENT.md).
limit_request_line = 8190
limit_request_fields = 100
# Logs to stdout/stderr, one line per request, for the platform's log collector.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
# The proxy's address(es) whose X-Forwarded-* headers gunicorn believes (comma-separated).
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The application is loaded in each worker after the fork: no database connection is shared.
preload_app = False
