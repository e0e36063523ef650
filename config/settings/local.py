"""The demo: `make run` on a laptop, SQLite, Celery tasks run in the web process.

It runs as a deployment does, with DEBUG off: a missing page is the product's own 404
page, not Django's list of URL patterns. Over plain http on the laptop, so no HTTPS
redirect, secure-only cookies or HSTS; static files are served by WhiteNoise straight
from static/ (no collectstatic, no manifest).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_SECRET_KEY", "local-demo-only-not-secret")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
os.environ.setdefault("DJANGO_HSTS_SECONDS", "0")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")

from config.settings.base import *  # noqa: E402, F403
from config.settings.base import STORAGES  # noqa: E402

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# WhiteNoise finds files where runserver would, and sees edits without a restart.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
