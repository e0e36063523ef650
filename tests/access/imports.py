"""Access of the imports app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from datetime import date

from imports.services.imports import import_preview
from tests.access.roles import Cast, seen

MEMBERS_SEE = seen(manager=200, lead=200)
# Managers see the runs they made (bob's), not other managers' (dave's).
OWN_RUN = seen(manager=200, other_manager=404, lead=200)
AS_OF = date(2025, 3, 28)
# Video views can never be negative: a file the import refuses.
BAD_FILE = b"date,video_views\n2024-10-01,-1\n"

# name: {method: {role: status}}; methods not listed answer 405 (302 for anonymous users).
EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    # Managers import too (for the accounts they manage), so no import URL is lead-only.
    "imports:import-list": {"GET": MEMBERS_SEE},
    # An empty upload form is shown again with its errors.
    "imports:import-upload": {"GET": MEMBERS_SEE, "POST": MEMBERS_SEE},
    "imports:import-detail": {"GET": OWN_RUN},
    # The run has errors: confirming shows them again instead of importing.
    "imports:import-confirm": {"POST": OWN_RUN},
    # Polled by htmx; a plain request is sent to the import's page.
    "imports:import-recompute-status": {"GET": seen(manager=302, other_manager=404, lead=302)},
    # The run is discarded (each request is rolled back, so both may).
    "imports:import-discard": {"POST": seen(manager=302, other_manager=404, lead=302)},
}


def url_kwargs(cast: Cast) -> dict[str, str]:
    rejected = import_preview(
        membership=cast.bob.memberships.get(team=cast.acme),
        user=cast.bob,
        files=[("bad.csv", BAD_FILE)],
        account=cast.acmecoffee,
        as_of=AS_OF,
    )
    return {"team_slug": cast.acme.slug, "import_run_id": str(rejected.public_id)}


def foreign_kwargs(cast: Cast) -> dict[str, str]:
    """Globex's import, asked for under Acme's slug."""
    rejected = import_preview(
        membership=cast.charlie.memberships.get(team=cast.globex),
        user=cast.charlie,
        files=[("bad.csv", BAD_FILE)],
        account=cast.globex_main,
        as_of=AS_OF,
    )
    return {"import_run_id": str(rejected.public_id)}
