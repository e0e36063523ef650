"""Access of the read API's URLs and the API keys page, for tests/test_access_matrix.py.

The API answers sessions as the pages do (a manager reads the accounts they manage) and
anonymous callers with a 401 problem, not a redirect to the login page. Its URLs carry no
team slug: a session reads its own team, so charlie reads Globex's account by its handle.
"""

from __future__ import annotations

from api.services import api_key_create
from tests.access.roles import ROLES, Cast, seen

READ_ONLY = dict.fromkeys(ROLES, 405)


def api_read(**statuses: int) -> dict[str, dict[str, int]]:
    return {
        "GET": statuses,
        "POST": READ_ONLY,
        "PUT": READ_ONLY,
        "DELETE": READ_ONLY,
    }


PUBLIC = api_read(**dict.fromkeys(ROLES, 200))
# The list endpoints: each role reads its own team; root, in no team, has none (404).
TEAM_LIST = api_read(
    anonymous=401, manager=200, other_manager=200, lead=200, other_lead=200, superuser=404
)
# An account's endpoints, for @acmecoffee (bob manages it, dave does not).
ACCOUNT = api_read(
    anonymous=401, manager=200, other_manager=404, lead=200, other_lead=404, superuser=404
)

EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    "api:openapi-json": PUBLIC,
    "api:openapi-view": PUBLIC,
    "api:api-root": api_read(**dict.fromkeys(ROLES, 302)),
    "api:account-list": TEAM_LIST,
    "api:scorecard-list": TEAM_LIST,
    "api:checklist-list": TEAM_LIST,
    "api:day-list": ACCOUNT,
    "api:account-scorecard-list": ACCOUNT,
    "api:video-list": ACCOUNT,
    "apikeys:api-key-list": {
        "GET": seen(manager=403, lead=200),
        "POST": seen(manager=403, lead=200),
    },
    "apikeys:api-key-revoke": {"POST": seen(manager=403, lead=302)},
}

# Under the foreign handle (Globex's @globex) every Acme role gets 404; charlie, Globex's
# lead, reads his own account.
FOREIGN_EXPECTED = {
    name: {**statuses["GET"], "manager": 404, "other_manager": 404, "lead": 404, "other_lead": 200}
    for name, statuses in EXPECTED.items()
    if statuses is ACCOUNT
}


def url_kwargs(cast: Cast) -> dict[str, str]:
    api_key, _ = api_key_create(team=cast.acme, name="Matrix", created_by=cast.alice)
    return {"api_key_id": str(api_key.public_id), "handle": cast.acmecoffee.handle}


def foreign_kwargs(cast: Cast) -> dict[str, str]:
    api_key, _ = api_key_create(team=cast.globex, name="Globex's", created_by=cast.charlie)
    return {"api_key_id": str(api_key.public_id)}
