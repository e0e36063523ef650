"""The test suite: real PostgreSQL and Redis, URLs overridable by the environment."""

from __future__ import annotations

import os
import uuid

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/playbook")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_COOKIES", "false")
# Pages cached by an earlier run (whose rows had the same ids) are never this run's; the
# subprocesses of the tests (workers, servers) inherit the prefix.
os.environ.setdefault("PAGE_CACHE_PREFIX", f"playbook:test-pages:{uuid.uuid4().hex[:12]}")

from config.settings.base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
AXES_ENABLED = True
WHITENOISE_AUTOREFRESH = True
