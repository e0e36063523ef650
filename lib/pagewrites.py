"""Every database write to the tables pages show forgets the pages it may change.

An execute wrapper on each connection reads the statement: an INSERT, UPDATE or DELETE
(also bulk_create, update(), ON CONFLICT upserts and hand-written SQL, which send no
model signals) on a table of the apps bumps the page cache's generation (lib.pagecache):
the request's team inside /t/<slug>/, every team otherwise, or for the tables shown
across teams (teams, memberships, users). Outside a transaction it bumps at once; inside
one, once when it commits (a rollback changes nothing). psycopg's COPY passes no wrapper:
the Celery task or command that copies bumps when it ends.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import transaction

from lib import pagecache

_WRITE_RE = re.compile(r'\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)', re.IGNORECASE)
WATCHED_PREFIXES = ("accounts_", "analytics_", "strategy_", "connections_", "auth_user")
SHARED_TABLES = frozenset({"accounts_team", "accounts_membership", "auth_user"})
# A sign-in's update of the user's last_login shows on no page.
_LAST_LOGIN_RE = re.compile(r'\s*UPDATE "auth_user" SET "last_login" = %s WHERE [^;]*$')


class _BumpOnCommit:
    """An on_commit callback that knows its team, so a transaction registers it once."""

    def __init__(self, team: str | None) -> None:
        self.team = team

    def __call__(self) -> None:
        pagecache.bump(self.team)


def written_team(sql: str) -> tuple[bool, str | None]:
    """(whether the statement writes a watched table, the team whose pages it changes)."""
    if _LAST_LOGIN_RE.match(sql):
        return False, None
    shared = False
    writes = False
    for found in _WRITE_RE.finditer(sql):
        table = found[1].lower()
        if table.startswith(WATCHED_PREFIXES):
            writes = True
            shared = shared or table in SHARED_TABLES
    if not writes:
        return False, None
    return True, None if shared else pagecache.current_team.get()


def _in_transaction(connection: Any) -> bool:
    # Under the atomic block a test case wraps each test in, nothing ever commits: such
    # writes bump at once, as writes outside a transaction do.
    blocks = connection.atomic_blocks
    return bool(blocks) and not getattr(blocks[0], "_from_testcase", False)


def forget_written(connection: Any, sql: str) -> None:
    writes, team = written_team(sql)
    if not writes:
        return
    if not _in_transaction(connection):
        pagecache.bump(team)
        return
    for _, callback, _ in connection.run_on_commit:
        if isinstance(callback, _BumpOnCommit) and callback.team in (team, None):
            return
    transaction.on_commit(_BumpOnCommit(team), using=connection.alias)


def watch(connection: Any) -> None:
    """connection_created: wrap the new connection's statements (once per wrapper)."""
    if any(getattr(w, "pagecache", False) for w in connection.execute_wrappers):
        return

    def wrapper(execute: Callable, sql: str, params: Any, many: bool, context: dict) -> Any:
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and pagecache.enabled():
            forget_written(context["connection"], sql)
        return result

    wrapper.pagecache = True
    connection.execute_wrappers.append(wrapper)
