"""Wires the page cache's invalidation (lib.pagecache) to the database and Celery."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig

# Tasks that write nothing a page shows: the sweep runs every minute.
QUIET_TASKS = frozenset({"analytics.tasks.dispatch_pending_runs"})


def connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    from lib import pagewrites

    pagewrites.watch(connection)


def task_finished(sender: Any = None, **kwargs: Any) -> None:
    """Celery's task_postrun: a task may have written by COPY, which no wrapper sees."""
    from lib import pagecache

    if getattr(sender, "name", "") not in QUIET_TASKS:
        pagecache.bump()


class PageCacheConfig(AppConfig):
    name = "lib"
    label = "lib_pagecache"
    verbose_name = "Page cache"

    def ready(self) -> None:
        from celery.signals import task_postrun
        from django.db import connections
        from django.db.backends.signals import connection_created as created

        created.connect(connection_created, dispatch_uid="pagecache-writes")
        task_postrun.connect(task_finished, dispatch_uid="pagecache-task", weak=False)
        # Connections opened before the app was ready (none, usually) are watched too.
        for connection in connections.all(initialized_only=True):
            connection_created(sender=None, connection=connection)
