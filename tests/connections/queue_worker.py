"""The project's Celery app, for a worker whose own messages go to the test's queue.

Started by tests/connections/test_worker.py with `celery -A tests.connections.queue_worker`
and PLAYBOOK_TEST_QUEUE naming the test's queue: what the worker queues itself (a sync's
recompute, a retry) stays in that queue, which the test removes, and is run by the same
worker rather than inline, as in production.
"""

from __future__ import annotations

import os

from config.celery import app

__all__ = ["app"]

app.conf.task_default_queue = os.environ["PLAYBOOK_TEST_QUEUE"]
