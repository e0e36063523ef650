"""Cursor pagination on a unique ordering (keyset), so pages stay right under inserts.

A cursor is the ordering's values of the last row of the page, as base64url JSON: the next
page is the rows after it in that order, whatever was added or removed before it. A row
added after the cursor shows up on a later page; none is repeated or skipped.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from api.problems import Problem

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MAX_CURSOR_LENGTH = 200


def encode_cursor(values: Sequence[Any]) -> str:
    text = json.dumps(list(values), separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, length: int) -> list[Any]:
    bad = Problem(400, "The cursor is not one this API gave: start again without it.")
    if len(cursor) > MAX_CURSOR_LENGTH:
        raise bad
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(values, list) or len(values) != length:
        raise bad
    if not all(isinstance(v, str | int) and not isinstance(v, bool) for v in values):
        raise bad
    # The database refuses NUL and the orderings hold no control characters: no cursor has one.
    if any(isinstance(v, str) and not v.isprintable() for v in values):
        raise bad
    if any(isinstance(v, int) and abs(v) > 2**62 for v in values):
        raise bad
    return values


def keyset_page(
    rows: QuerySet,
    *,
    ordering: Sequence[str],
    cursor: str | None,
    limit: int,
    parse: Sequence[Callable[[Any], Any]] = (),
) -> tuple[list[Any], str | None]:
    """One page of `rows` in `ordering` (unique: field names, "-" for descending)."""
    if cursor:
        raw = decode_cursor(cursor, len(ordering))
        try:
            values = [fn(v) for fn, v in zip(parse, raw, strict=False)] + raw[len(parse) :]
        except (TypeError, ValueError):
            raise Problem(
                400, "The cursor is not one this API gave: start again without it."
            ) from None
        rows = rows.filter(_after(ordering, values))
    page = list(rows.order_by(*ordering)[: limit + 1])
    more = len(page) > limit
    page = page[:limit]
    if not more or not page:
        return page, None
    last = page[-1]
    return page, encode_cursor([_value(last, name.lstrip("-")) for name in ordering])


def _after(ordering: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows after `values` in `ordering`: (a > x) or (a = x and b > y) or ..."""
    condition = Q()
    for index, name in enumerate(ordering):
        field = name.lstrip("-")
        operator = "lt" if name.startswith("-") else "gt"
        term = Q(**{f"{field}__{operator}": values[index]})
        for earlier, value in zip(ordering[:index], values[:index], strict=True):
            term &= Q(**{earlier.lstrip("-"): value})
        condition |= term
    return condition


def _value(row: Any, path: str) -> Any:
    for part in path.split("__"):
        row = getattr(row, part)
    return row.isoformat() if hasattr(row, "isoformat") else row
