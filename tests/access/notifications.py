"""Access of the notifications app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from tests.access.roles import ROLES, Cast, seen

EVERYONE = seen(manager=200, lead=200, outsiders=200)

EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    # Anyone logged in has a profile; an empty form is shown again with its errors.
    "notifications:profile": {"GET": EVERYONE, "POST": EVERYONE},
    # Without an e-mail address the preview is refused with a message, back to the profile.
    "notifications:digest-preview": {"POST": seen(manager=302, lead=302, outsiders=302)},
    # Needs no login (the signed token is the credential); a token not ours is 404.
    "notifications:unsubscribe": {
        "GET": dict.fromkeys(ROLES, 404),
        "POST": dict.fromkeys(ROLES, 404),
    },
}


def url_kwargs(cast: Cast) -> dict[str, str]:
    return {"token": "not-a-signed-token"}
