"""Settings shared by every environment; everything that differs comes from the environment.

With nothing configured the project runs on embedded defaults under var/: SQLite for the database,
kombu's filesystem transport for the Celery broker and .eml files for outgoing mail. DATABASE_URL,
CELERY_BROKER_URL and EMAIL_URL-style variables switch to PostgreSQL, Redis and SMTP.
"""

import os
import sys
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("CRPD_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # the widgets' own templates, for FORM_RENDERER below
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "simple_history",
    "config.apps.AxesConfig",  # django-axes, named in the admin
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_celery_beat",
    "django_celery_results",
    "tracker",
    "indicators",
    "reports",
    "ingest",
    "exports",
    "intake",
    "web",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Before anything reads the body (the CSRF check parses forms): config/upload_limits.py.
    "config.upload_limits.EvidenceUploadLimitMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor (django-otp).
    "web.accounts.middleware.LazyOTPMiddleware",
    # Idle and absolute session limits, then the second-factor gate (web/accounts/middleware.py).
    "web.accounts.middleware.SessionLimitsMiddleware",
    "web.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Content-Security-Policy (django-csp), Permissions-Policy and no-store for signed-in pages.
    "csp.middleware.CSPMiddleware",
    "web.accounts.middleware.SecurityHeadersMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, per django-axes: it inspects the outcome of authentication.
    "axes.middleware.AxesMiddleware",
    # A lock or statement timeout answers 503 "try again", not 500 (its process_exception).
    "config.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Widget templates are looked up like page templates (templates/ first), so the project can give
# the admin's split date-time widget its missing labels (templates/admin/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

if "DATABASE_URL" not in os.environ:
    # The embedded default keeps its files under var/, which a fresh clone does not have yet.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        # One connection per process (a gunicorn sync worker, a Celery pool process), kept for a
        # minute and checked before reuse: the connection budget is in docs/DEPLOYMENT.md.
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}


DATABASE_TIMEOUT_DEFAULTS = {
    "web": {"lock": 5_000, "statement": 30_000},
    "worker": {"lock": 30_000, "statement": 600_000},
    "command": {"lock": 0, "statement": 0},
}


def process_kind(argv: list[str], declared: str | None = None) -> str:
    """Which database timeouts a process gets (below): 'web' for anything serving requests —
    config/wsgi.py and asgi.py declare it (CRPD_PROCESS_KIND) for every WSGI/ASGI server —
    runserver and the test suite; 'worker' for Celery; 'command' for everything else (manage.py
    commands, scripts)."""
    if declared in DATABASE_TIMEOUT_DEFAULTS:
        return declared
    program = Path(argv[0]).name if argv else ""
    # `celery -A config worker`, or `python -m celery` (argv[0] is celery/__main__.py).
    if program == "celery" or (argv and "celery" in Path(argv[0]).parts[-2:-1]):
        return "worker"
    if program == "manage.py" and argv[1:2] == ["runserver"]:
        return "web"
    if program in {"pytest", "py.test"} or (argv and "pytest" in Path(argv[0]).parts[-2:-1]):
        return "web"
    return "command"


# PostgreSQL gives up on a statement waiting for a lock (lock_timeout) or running too long
# (statement_timeout) instead of letting a request hang; the page then answers 503 "busy, try
# again" (config/middleware.py). Milliseconds; 0 means no limit. Web requests: 5 s and 30 s.
# Celery tasks (the status reports aggregate a lot): 30 s and 10 min. Management commands
# (migrate, load_crpd, backup_data, scripts): no limit unless set. Each can be set in the
# environment. The limits per kind are DATABASE_TIMEOUT_DEFAULTS above.
_timeouts = DATABASE_TIMEOUT_DEFAULTS[process_kind(sys.argv, os.environ.get("CRPD_PROCESS_KIND"))]
DATABASE_LOCK_TIMEOUT_MS = int(os.environ.get("DATABASE_LOCK_TIMEOUT_MS", _timeouts["lock"]))
DATABASE_STATEMENT_TIMEOUT_MS = int(
    os.environ.get("DATABASE_STATEMENT_TIMEOUT_MS", _timeouts["statement"])
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}"
        f" -c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
        # A transaction left open by a crashed request does not hold its locks for long.
        " -c idle_in_transaction_session_timeout="
        f"{int(os.environ.get('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', '60000'))}"
        # Random reads cost about what sequential ones do on SSDs (PostgreSQL's default, 4, is
        # for spinning disks): with 4 the planner scans all 24,400 indicators at 100x the data
        # (136 ms) rather than ask the trigram indexes (12 ms). docs/DEPLOYMENT.md.
        f" -c random_page_cost={os.environ.get('DATABASE_RANDOM_PAGE_COST', '1.1')}"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "tracker.User"

AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out account is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    # The workflow's object-level rules (tracker/rules.py); ModelBackend's group permissions
    # govern only the admin's pages and never answer a question asked about an object.
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1  # hours
# Lock the (username, address) pair: behind a proxy every person may share one address, and a
# stranger guessing names from it must not lock real accounts out (issue 11, defect 2).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The client address. Each proxy in front of the application appends the address it received the
# request from to X-Forwarded-For; TRUSTED_PROXY_COUNT says how many such proxies the deployment
# has (0: none, REMOTE_ADDR is the client and the header, which a client can forge, is ignored).
# The client is then the TRUSTED_PROXY_COUNT-th entry from the right (tracker/accounts/services.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "tracker.accounts.services.client_address"
# A username longer than the field is refused by the form, never stored by axes.
AXES_USERNAME_CALLABLE = "tracker.accounts.services.axes_username"
AXES_RESET_ON_SUCCESS = True
# What fits axes' column: an over-long username is a wrong login, not a server error.
AXES_USERNAME_CALLABLE = "config.axes_username.client_username"
# A failure during the lockout does not restart it: the page tells the real time left, and a
# stranger repeating a name cannot keep its owner out for ever.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False

# Kazakh first: the report and its users are Kazakh-speaking; Russian and English follow.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Almaty"
# Dates and numbers per language (config/formats/<lang>/formats.py): Django has no Kazakh module,
# and its English one writes American dates. Templates use the named formats (DATE_FORMAT …).
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence files (tracker/workflow/evidence.py): the largest file, and how many one change request
# may carry. A larger upload is refused from its Content-Length before it is read.
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))
EVIDENCE_MAX_FILES = int(os.environ.get("EVIDENCE_MAX_FILES", "10"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Evidence files on local disk (MEDIA_ROOT) by default; with several web nodes, on storage they all
# share: CRPD_FILE_STORAGE=s3 keeps them in an S3-compatible bucket through django-storages
# (credentials: boto3's own AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, never in settings).
CRPD_FILE_STORAGE = os.environ.get("CRPD_FILE_STORAGE", "local")
if CRPD_FILE_STORAGE == "s3":
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("CRPD_S3_BUCKET", ""),
            "endpoint_url": os.environ.get("CRPD_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("CRPD_S3_REGION") or None,
            "location": os.environ.get("CRPD_S3_PREFIX", ""),
            # Private objects: files reach people only through the evidence view's checks.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
elif CRPD_FILE_STORAGE != "local":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("CRPD_FILE_STORAGE must be 'local' or 's3'.")

# Mail: .eml files a person can open under var/mail unless SMTP is configured.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "tracker.outbox.mail.EmlFileBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# Seconds per SMTP socket operation: a hung mail server must not hold a worker indefinitely.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "crpd-tracker@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who gets an e-mail for every server error (Django's mail_admins): DJANGO_ADMINS, e.g.
# "Operations <ops@example.kz>, duty@example.kz".
ADMINS = [
    (name or address, address)
    for name, address in getaddresses([os.environ.get("DJANGO_ADMINS", "")])
    if address
]

# Celery: the filesystem transport needs no server; Redis in production and in the test suite.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = VAR_DIR / "celery" / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
    }
    # kombu's filesystem transport expects its folders to exist already.
    for _folder in (_queue_dir, VAR_DIR / "celery" / "control"):
        _folder.mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", "django-db")
CELERY_RESULT_EXTENDED = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageOrKeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    # JSON only, refusing what would break later (lone surrogates, deep nesting): api/parsers.py.
    # Endpoints that take files name their own parsers.
    "DEFAULT_PARSER_CLASSES": ["api.parsers.StrictJSONParser"],
    # API tokens for other systems (django-rest-knox: stored hashed, shown once, expiring;
    # `Authorization: Token crpd_…`), first so that a bad or revoked token gets 401; signed-in
    # sessions (with CSRF on writes) for the browser. No Basic auth sending passwords per request.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Per signed-in person and per anonymous client address (api/throttling.py); the counts are
    # kept in the default cache: Redis when REDIS_CACHE_URL is set (production: shared by every
    # web process), the process's memory otherwise.
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.AnonThrottle", "api.throttling.UserThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "120/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
    },
}
REST_KNOX = {
    "TOKEN_PREFIX": "crpd_",  # recognisable by secret scanners when pasted somewhere by mistake
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_DAYS", "90"))),
    "TOKEN_LIMIT_PER_USER": 10,
    "AUTO_REFRESH": False,
}
_REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "")
# One cache shared by every process of the site (web workers, Celery workers): the data generation
# (tracker/common/generation.py) must move for all of them at once, or one would serve what another
# has changed. Redis when REDIS_CACHE_URL is set (production); files under var/cache otherwise
# (`make run`: the web process and the worker on one machine). The tests use one process's memory.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _REDIS_CACHE_URL}
        if _REDIS_CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    )
}
# The public pages as an anonymous visitor gets them, cached for this long under the data
# generation (web/caching.py); 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "600"))
SPECTACULAR_SETTINGS = {
    "TITLE": "CRPD compliance tracker API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs' Swagger UI from the pinned drf-spectacular-sidecar package, served by our own
    # static files: /api/docs/ works with no internet and loads nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# A revert is proposed as a change request and reviewed, never saved from the history page.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tracker:my-work"
LOGOUT_REDIRECT_URL = "tracker:dashboard"
SESSION_COOKIE_HTTPONLY = True
# Sessions end after this much inactivity (seconds): reviewers and administrators, who approve and
# administer, sooner than editors. No session outlives SESSION_COOKIE_AGE, however active.
SESSION_IDLE_TIMEOUT_COORDINATOR = int(os.environ.get("SESSION_IDLE_TIMEOUT_COORDINATOR", "1800"))
SESSION_IDLE_TIMEOUT_EDITOR = int(os.environ.get("SESSION_IDLE_TIMEOUT_EDITOR", "7200"))
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_AGE", str(12 * 3600)))
# Password-reset e-mails per hour: per address asked for and per client address.
PASSWORD_RESET_RATE_PER_EMAIL = 3
PASSWORD_RESET_RATE_PER_CLIENT = 10
# Two-factor sign-in (django-otp, TOTP): the issuer shown in the authenticator app.
OTP_TOTP_ISSUER = "CRPD tracker"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from this site,
# never inline; nothing may frame the pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), "
    "payment=(), usb=(), interest-cohort=()"
)
CSRF_COOKIE_HTTPONLY = True

# Absolute links in e-mails (status reports name every item with a link to its page).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Beat's fixed jobs; django-celery-beat copies them into its tables, where administrators can
# pause or reschedule them. Report schedules are added there too.
CELERY_BEAT_SCHEDULE = {
    "deliver-pending-notifications": {
        "task": "tracker.tasks.deliver_pending_notifications",
        "schedule": 60.0,
    },
    # The dashboard's numbers of the current data generation, computed ahead of the next visitor.
    "warm-national-summary": {"task": "reports.tasks.warm_summary", "schedule": 60.0},
}
# A locked-out person gets a translated page that says why and for how long, not axes' plain text.
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"

# Spreadsheet import (intake/): a larger file or more data rows is refused whole, with a reason.
INTAKE_MAX_FILE_BYTES = int(os.environ.get("INTAKE_MAX_FILE_BYTES", str(5 * 1024 * 1024)))
INTAKE_MAX_ROWS = int(os.environ.get("INTAKE_MAX_ROWS", "5000"))
# A locked-out person gets a translated page that says why and how long the block still lasts.
AXES_LOCKOUT_CALLABLE = "web.accounts.views.lockout"
