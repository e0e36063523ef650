from __future__ import annotations

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    """Uploads of metric files: parsers, previews, confirmation, the import command."""

    name = "imports"
