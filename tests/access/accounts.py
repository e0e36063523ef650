"""Access of the accounts app's URLs (and login), for tests/test_access_matrix.py."""

from __future__ import annotations

from accounts.models import Invitation
from tests.access.roles import ROLES, Cast, seen

LOGGED_IN_AWAY = dict.fromkeys(ROLES, 302) | {"anonymous": 200}
MEMBERS_SEE = seen(manager=200, lead=200)
LEADS_SEE = seen(manager=403, lead=200)

# name: {method: {role: status}}; methods not listed answer 405 (302 for anonymous users).
EXPECTED: dict[str, dict[str, dict[str, int]]] = {
    # Logged-in users are sent home; an empty login form is shown again.
    "login": {
        "GET": LOGGED_IN_AWAY,
        "POST": LOGGED_IN_AWAY,
        # Django's form views take PUT as POST.
        "PUT": LOGGED_IN_AWAY,
        "DELETE": LOGGED_IN_AWAY | {"anonymous": 405},
    },
    "logout": {"POST": dict.fromkeys(ROLES, 302)},
    "password_change": {
        "GET": seen(manager=200, lead=200, outsiders=200),
        "POST": seen(manager=200, lead=200, outsiders=200),
        "PUT": seen(manager=200, lead=200, outsiders=200),
    },
    "password_change_done": {"GET": seen(manager=200, lead=200, outsiders=200)},
    # The home page sends members to their team; someone in no team sees how to join one.
    "home": {"GET": seen(manager=302, lead=302, outsiders=302) | {"superuser": 200}},
    "accounts:team-home": {"GET": MEMBERS_SEE},
    "accounts:account-list": {"GET": MEMBERS_SEE},
    "accounts:member-list": {"GET": LEADS_SEE},
    # An empty invitation is shown again with its errors; an empty role is a message.
    "accounts:member-invite": {"POST": LEADS_SEE},
    "accounts:member-role": {"POST": seen(manager=403, lead=302)},
    "accounts:member-remove": {"POST": seen(manager=403, lead=302)},
    "accounts:invitation-revoke": {"POST": seen(manager=403, lead=302)},
    # Anyone may open an invitation link; one that is not valid says so.
    "invitation-accept": {
        "GET": dict.fromkeys(ROLES, 200),
        "POST": dict.fromkeys(ROLES, 200),
    },
    # An empty form is shown again with its errors.
    "accounts:account-create": {"GET": LEADS_SEE, "POST": LEADS_SEE},
    "accounts:account-form-defaults": {"GET": LEADS_SEE},
    "accounts:account-detail": {"GET": seen(manager=200, other_manager=404, lead=200)},
    "accounts:account-edit": {"GET": LEADS_SEE, "POST": LEADS_SEE},
    "accounts:account-archive": {"POST": seen(manager=403, lead=302)},
}


def url_kwargs(cast: Cast) -> dict[str, str]:
    invitation = Invitation.objects.create(team=cast.acme, email="erin@example.com", role="manager")
    return {
        "team_slug": cast.acme.slug,
        "handle": cast.acmecoffee.handle,
        "username": cast.bob.username,
        "invitation_id": str(invitation.public_id),
        "token": "not-a-signed-token",
    }


def foreign_kwargs(cast: Cast) -> dict[str, str]:
    """Another team's objects, asked for under Acme's slug."""
    invitation = Invitation.objects.create(team=cast.globex, email="gus@example.com", role="lead")
    return {
        "handle": cast.globex_main.handle,
        "username": cast.charlie.username,
        "invitation_id": str(invitation.public_id),
    }
