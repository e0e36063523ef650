"""Logging filters: what a refused request leaves in the log."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied


class RefusalWithoutTraceback(logging.Filter):
    """Keeps a refused permission check to its one line: the traceback says nothing new.

    Django logs "Forbidden (Permission denied): /path" with the exception attached; a
    refusal is an expected outcome, so the record is kept and its traceback dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
