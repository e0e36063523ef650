"""Production: everything comes from the environment; nothing differs but the values."""

from __future__ import annotations

from config.settings.base import *  # noqa: F403
