"""Fixtures for the imports tests: the Acme accounts they write to and a Redis queue of the
test's own, shared with the analytics tests (tests/analytics/conftest.py)."""

from __future__ import annotations

from tests.analytics.conftest import broker, deals, official  # noqa: F401 - fixtures
