"""Production: everything comes from the environment; nothing differs but the values.

The one default of its own: connections come from psycopg's pool, sized for gunicorn's
threads (DJANGO_DB_POOL_MAX_SIZE; docs/scaling.md).
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_DB_POOL_MAX_SIZE", "4")

from config.settings.base import *  # noqa: E402, F403
