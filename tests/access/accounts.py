"""Access of the accounts app's URLs (and login), for tests/test_access_matrix.py."""

from __future__ import annotations

from tests.access.roles import ROLES, Cast

# name: (method, {role: status})
EXPECTED: dict[str, tuple[str, dict[str, int]]] = {
    "login": (
        "GET",
        dict.fromkeys(ROLES, 200)
        | {"manager": 302, "lead": 302, "other_lead": 302, "superuser": 302},
    ),
    "logout": ("POST", dict.fromkeys(ROLES, 302)),
    "password_change": ("GET", dict.fromkeys(ROLES, 200) | {"anonymous": 302}),
    "password_change_done": ("GET", dict.fromkeys(ROLES, 200) | {"anonymous": 302}),
    "home": (
        "GET",
        {"anonymous": 302, "manager": 302, "lead": 302, "other_lead": 302, "superuser": 200},
    ),
    "team_home": (
        "GET",
        {"anonymous": 302, "manager": 200, "lead": 200, "other_lead": 404, "superuser": 404},
    ),
    "member_list": (
        "GET",
        {"anonymous": 302, "manager": 403, "lead": 200, "other_lead": 404, "superuser": 404},
    ),
    "account_create": (
        "GET",
        {"anonymous": 302, "manager": 403, "lead": 200, "other_lead": 404, "superuser": 404},
    ),
    "account_form_defaults": (
        "GET",
        {"anonymous": 302, "manager": 403, "lead": 200, "other_lead": 404, "superuser": 404},
    ),
    "account_detail": (
        "GET",
        {"anonymous": 302, "manager": 200, "lead": 200, "other_lead": 404, "superuser": 404},
    ),
    "account_edit": (
        "GET",
        {"anonymous": 302, "manager": 403, "lead": 200, "other_lead": 404, "superuser": 404},
    ),
    "account_archive": (
        "POST",
        {"anonymous": 302, "manager": 403, "lead": 302, "other_lead": 404, "superuser": 404},
    ),
}


def url_kwargs(cast: Cast) -> dict[str, str]:
    return {"team_slug": cast.acme.slug, "handle": cast.acmecoffee.handle}
