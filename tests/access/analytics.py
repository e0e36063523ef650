"""Access of the analytics app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from tests.access.roles import Cast

EXPECTED: dict[str, tuple[str, dict[str, int]]] = {}


def url_kwargs(cast: Cast) -> dict[str, str]:
    return {}
