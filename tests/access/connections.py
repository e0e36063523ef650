"""Access of the connections app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from datetime import date

from connections.models import Connection, SyncRun
from tests.access.roles import ROLES, Cast, seen

# name: {method: {role: status}} (see tests/access/roles.py).
EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    # Without a state this session was given, the callback refuses (400) whoever asks.
    "tiktok-callback": {"GET": dict.fromkeys(ROLES, 400) | {"anonymous": 302}},
    "connections:connection-list": {"GET": seen(manager=200, lead=200)},
    "connections:connection-not-connected": {"GET": seen(manager=200, lead=200)},
    "connections:connection-setup-guide": {"GET": seen(manager=200, lead=200)},
    # Without API keys in the environment, a POST shows the page again with what to set.
    "connections:connection-start": {
        "GET": seen(manager=403, lead=200),
        "POST": seen(manager=403, lead=200),
    },
    # The lead's sync is queued and the lead lands on its progress page.
    "connections:connection-sync": {"POST": seen(manager=403, lead=302)},
    "connections:connection-disconnect": {"POST": seen(manager=403, lead=302)},
    "connections:sync-run": {"GET": seen(manager=200, other_manager=404, lead=200)},
}


def url_kwargs(cast: Cast) -> dict[str, str]:
    # The tokens are never read here, so they need not decrypt.
    connection = Connection.objects.create(
        account=cast.acmecoffee, source="display", external_id="open-id", access_token="x"
    )
    run = SyncRun.objects.create(
        connection=connection, date=date(2025, 3, 10), status=SyncRun.Status.DONE
    )
    return {
        "team_slug": cast.acme.slug,
        "handle": cast.acmecoffee.handle,
        "source": "display",
        "connection_id": str(connection.public_id),
        "sync_run_id": str(run.public_id),
    }
