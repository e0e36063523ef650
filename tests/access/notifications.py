"""Access of the notifications app's URLs, for tests/test_access_matrix.py."""

from __future__ import annotations

from notifications.models import Webhook
from tests.access.roles import ROLES, Cast, seen

EVERYONE = seen(manager=200, lead=200, outsiders=200)
LEADS = seen(manager=403, lead=200)

EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    # Anyone logged in has a profile; an empty form is shown again with its errors.
    "notifications:profile": {"GET": EVERYONE, "POST": EVERYONE},
    # Without an e-mail address the preview is refused with a message, back to the profile.
    "notifications:digest-preview": {"POST": seen(manager=302, lead=302, outsiders=302)},
    # This week's digest in the browser: a superuser in no team has none.
    "notifications:digest-view": {
        "GET": seen(manager=200, lead=200, outsiders=200) | {"superuser": 404}
    },
    # Needs no login (the signed token is the credential); a token not ours is 404.
    "notifications:unsubscribe": {
        "GET": dict.fromkeys(ROLES, 404),
        "POST": dict.fromkeys(ROLES, 404),
    },
    # A lead's page; an empty form is valid (every alert off) and goes back to the page.
    "notifications:alerts": {"GET": LEADS, "POST": seen(manager=403, lead=302)},
    "notifications:webhook-create": {"POST": LEADS},
    # The secret is shown on the answer (200); removing goes back to the page.
    "notifications:webhook-rotate": {"POST": LEADS},
    "notifications:webhook-delete": {"POST": seen(manager=403, lead=302)},
}


def url_kwargs(cast: Cast) -> dict[str, str]:
    webhook = Webhook.objects.create(
        team=cast.acme, url="https://hooks.example.com/acme", format="json", secret="s"
    )
    return {"token": "not-a-signed-token", "webhook_id": str(webhook.public_id)}


def foreign_kwargs(cast: Cast) -> dict[str, str]:
    webhook = Webhook.objects.create(
        team=cast.globex, url="https://hooks.example.com/globex", format="json", secret="s"
    )
    return {"webhook_id": str(webhook.public_id)}
