"""The demo seeded once per module: seeding takes seconds, and most tests only read it."""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command


@pytest.fixture(scope="module")
def demo_seeded(django_db_setup, django_db_blocker) -> Iterator[str]:
    """Runs seed_demo once for the module, committed, and yields what it printed; each
    test still runs in its own rolled-back transaction on top. The tables are emptied
    after the module, as a transactional test leaves them, so no other test sees the demo.

    A module that uses it must not hold tests that expect an empty database (those live
    in test_seed_fresh.py): the demo stays for the whole module once a test asked for it.
    """
    with django_db_blocker.unblock():
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
    try:
        yield out.getvalue()
    finally:
        with django_db_blocker.unblock():
            call_command("flush", interactive=False, verbosity=0)
            ContentType.objects.clear_cache()


@pytest.fixture
def seeded(db: None, demo_seeded: str) -> str:
    return demo_seeded
