"""Settings shared by every environment; every value comes from the environment."""

from __future__ import annotations

from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials.apps.SimpleAppConfig",
    "axes",
    "csp",
    "accounts",
    "analytics",
    "imports",
    "strategy",
    "connections",
    "notifications",
    "reports",
    # The read API (docs/api.md); ninja for its templates and vendored Swagger UI assets.
    "ninja",
    "api",
    # The demo's seed (`manage.py seed_demo`, run by `make run`); nothing imports it.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cuts a request before gunicorn's --timeout kills its worker, with a page saying so.
    "lib.deadlines.request_deadline",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lib.locales.vary_on_language",
    "csp.middleware.CSPMiddleware",
    # Axes must come last so that it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

_TEMPLATE_LOADERS: list = [
    "django.template.loaders.filesystem.Loader",
    "django.template.loaders.app_directories.Loader",
]
# Parsed templates are kept in memory except while developing, where edits show at once.
if not DEBUG:
    _TEMPLATE_LOADERS = [("django.template.loaders.cached.Loader", _TEMPLATE_LOADERS)]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "loaders": [("template_partials.loader.Loader", _TEMPLATE_LOADERS)],
            "builtins": [
                "template_partials.templatetags.partials",
                "accounts.templatetags.playbook",
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.teams",
            ],
        },
    }
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A kept connection (pooled or persistent) is checked before a request uses it, so a
# database restart costs no request an error once the database answers again.
DATABASES["default"].setdefault(
    "CONN_HEALTH_CHECKS", env.bool("DJANGO_CONN_HEALTH_CHECKS", default=True)
)
# Production keeps each process's connections in psycopg's pool (docs/scaling.md): up to
# DJANGO_DB_POOL_MAX_SIZE per process (at least gunicorn's threads), 0 for none. A pool
# takes the place of persistent connections, so CONN_MAX_AGE is then 0.
DB_POOL_MAX_SIZE = env.int("DJANGO_DB_POOL_MAX_SIZE", default=0)
if DB_POOL_MAX_SIZE and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": min(env.int("DJANGO_DB_POOL_MIN_SIZE", default=1), DB_POOL_MAX_SIZE),
        "max_size": DB_POOL_MAX_SIZE,
        # Seconds a request waits for a free connection before failing.
        "timeout": env.float("DJANGO_DB_POOL_TIMEOUT", default=10.0),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DJANGO_CONN_MAX_AGE", default=0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions live in the database (Django's default engine): logout and password changes
# end them on the server.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Repeated failed logins are throttled per username and address.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files served at the site's root by WhiteNoise (the favicon browsers ask for on every page).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploaded metric files are read in memory up to the importer's own limit.
# A request running longer is rolled back and answered with errors/503.html (lib/deadlines.py);
# keep it below gunicorn's --timeout (30 s in the Dockerfile and docker-compose.yml).
REQUEST_TIMEOUT_SECONDS = env.float("REQUEST_TIMEOUT_SECONDS", default=25)
METRICS_MAX_UPLOAD_BYTES = env.int("METRICS_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# What one person's open previews store counts against the upload limit: together their
# files stay within it, the oldest previews discarded first (imports/services/previews.py).
METRICS_PREVIEW_MAX_BYTES = env.int("METRICS_PREVIEW_MAX_BYTES", default=METRICS_MAX_UPLOAD_BYTES)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# htmx 2 is configured (meta htmx-config) to run without eval, so no unsafe-eval is needed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "max_retries": 0}
CELERY_TIMEZONE = TIME_ZONE
# Periodic jobs claim their period under this Redis key prefix (lib/periodic.py), so that
# two beat schedulers cause one run. The sweep that queues runs recorded while Redis was
# down runs this often.
PERIODIC_CLAIM_PREFIX = env.str("PERIODIC_CLAIM_PREFIX", default="playbook:periodic")
PENDING_SWEEP_SECONDS = env.int("PENDING_SWEEP_SECONDS", default=60)

# TikTok's APIs (docs/tiktok-api.md). Without the keys, Connect says which to set; every
# call goes through these bases, so any server speaking TikTok's API can stand in.
TIKTOK_CLIENT_KEY = env.str("TIKTOK_CLIENT_KEY", default="")
TIKTOK_CLIENT_SECRET = env.str("TIKTOK_CLIENT_SECRET", default="")
TIKTOK_AUTH_URL = env.str("TIKTOK_AUTH_URL", default="https://www.tiktok.com/v2/auth/authorize/")
TIKTOK_API_BASE = env.str("TIKTOK_API_BASE", default="https://open.tiktokapis.com")
TIKTOK_BUSINESS_APP_ID = env.str("TIKTOK_BUSINESS_APP_ID", default="")
TIKTOK_BUSINESS_SECRET = env.str("TIKTOK_BUSINESS_SECRET", default="")
TIKTOK_BUSINESS_AUTH_URL = env.str(
    "TIKTOK_BUSINESS_AUTH_URL", default="https://business-api.tiktok.com/portal/auth"
)
TIKTOK_BUSINESS_API_BASE = env.str(
    "TIKTOK_BUSINESS_API_BASE", default="https://business-api.tiktok.com"
)
# Fernet keys, newest first: the first encrypts, all decrypt (rotation: docs/tiktok-api.md).
PLAYBOOK_TOKEN_KEYS = env.list("PLAYBOOK_TOKEN_KEYS", default=[])
# Calls per second for the whole app, shared by every worker through Redis.
TIKTOK_RATE_LIMIT = env.int("TIKTOK_RATE_LIMIT", default=5)
# Seconds one HTTP call may take, and attempts on 429 and 5xx answers.
TIKTOK_TIMEOUT = env.float("TIKTOK_TIMEOUT", default=20.0)
TIKTOK_MAX_ATTEMPTS = env.int("TIKTOK_MAX_ATTEMPTS", default=4)
# A sync's task waiting longer than this for the rate limit hands itself back to Celery
# (retry with that countdown) rather than sleep in the worker.
TIKTOK_HAND_BACK_AFTER = env.float("TIKTOK_HAND_BACK_AFTER", default=5.0)
# A scorecard run over more accounts than this is split into chunks of this many accounts,
# one Celery task each, spread over every worker (analytics.scorecards.compute).
SCORECARD_RUN_CHUNK = env.int("SCORECARD_RUN_CHUNK", default=2000)

# Mail (digests, alerts, invitations) goes through Django's SMTP backend configured from
# EMAIL_URL in django-environ's form (smtp://user:password@host:2525, smtp+tls://...);
# without it, messages are written to the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Playbook <playbook@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in messages and shared reports start with this address.
PLAYBOOK_BASE_URL = env.str("PLAYBOOK_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Alert webhooks may post to private and local addresses only when this is set (SSRF).
PLAYBOOK_WEBHOOK_ALLOW_PRIVATE = env.bool("PLAYBOOK_WEBHOOK_ALLOW_PRIVATE", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"refusal_without_traceback": {"()": "lib.logs.RefusalWithoutTraceback"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own console handler (DEBUG only) would print every record a second
        # time beside the root's: Django's records go to the root's handler alone.
        "django": {"handlers": [], "propagate": True},
        "django.request": {"filters": ["refusal_without_traceback"]},
    },
}
AXES_VERBOSE = False

# The read API (docs/api.md): requests per key and hour, counted in Redis under a prefix.
PLAYBOOK_API_HOURLY_CAP = env.int("PLAYBOOK_API_HOURLY_CAP", default=1000)
PLAYBOOK_API_REDIS_URL = env.str(
    "PLAYBOOK_API_REDIS_URL", default=env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")
)
PLAYBOOK_API_CAP_PREFIX = env.str("PLAYBOOK_API_CAP_PREFIX", default="playbook:api:cap")
