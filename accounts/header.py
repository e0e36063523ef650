"""The header's links, joined in Python once per request.

They were a template (a dozen {% url %}, some twenty {% if %} and a loop over the user's
teams), about 1,200 function calls on every page; written here they cost about a tenth.
The markup is the template's, byte for byte, blank lines included: a link a manager does
not see leaves its line's indentation, as the template's {% if %} did.
"""

from __future__ import annotations

from typing import Any

from django.template import Context

from lib.html import csrf_input, escape_text
from lib.urls import page_urls

_CURRENT = ' aria-current="page"'

# A team's links, in order: label, page, the views on which the link is active (a str: the
# views of that app), the views on which it is the current page (aria-current).
_LINKS = (
    ("Needs attention", "accounts:team-home", {"accounts:team-home"}, ()),
    ("Accounts", "accounts:account-list", {"accounts:account-list"}, ()),
)
# Links that later features add to the team navigation (they followed an include).
_FEATURE_LINKS = (
    (
        "Scorecards",
        "analytics:scorecard-review",
        {"analytics:scorecard-review", "analytics:account-scorecard"},
        (),
    ),
    ("My week", "strategy:my-week", {"strategy:my-week"}, {"strategy:my-week"}),
    (
        "Import metrics",
        "imports:import-upload",
        {"imports:import-upload", "imports:import-list", "imports:import-detail"},
        {"imports:import-upload"},
    ),
    (
        "Connections",
        "connections:connection-list",
        {"connections:connection-list"},
        {"connections:connection-list"},
    ),
    ("Reports", "reports:team-report", "reports", {"reports:team-report"}),
)
# The leads' links.
_LEAD_LINKS = (
    ("Members", "accounts:member-list", {"accounts:member-list"}, ()),
    ("Alerts", "notifications:alerts", {"notifications:alerts"}, ()),
    ("API keys", "apikeys:api-key-list", {"apikeys:api-key-list"}, ()),
)


def header_links(context: Context) -> str:
    """The links of the header (shown twice: in the phone menu and in the wide bar)."""
    page_url = page_urls()
    membership = context.get("current_membership")
    # A template rendered without a request (or before URL resolution) has no current view.
    match = getattr(context.get("request"), "resolver_match", None)
    view = match.view_name if match is not None else ""
    app = match.app_name if match is not None else ""
    parts = ['\n<ul class="navbar-nav me-auto">\n  ']
    if membership:
        slug = membership.team.slug

        def link(label: str, page: str, active_on: Any, current_on: Any) -> str:
            active = app == active_on if isinstance(active_on, str) else view in active_on
            return (
                f'<li class="nav-item"><a class="nav-link{" active" if active else ""}" '
                f'href="{escape_text(page_url(page, slug))}"'
                f"{_CURRENT if view in current_on else ''}>{label}</a></li>"
            )

        parts.append("\n  ")
        parts.extend(f"{link(*each)}\n  " for each in _LINKS)
        parts.append("\n" + "".join(f"{link(*each)}\n" for each in _FEATURE_LINKS) + "\n  ")
        lead = membership.is_lead
        parts.extend(f"{link(*each) if lead else ''}\n  " for each in _LEAD_LINKS)
    parts.append('\n</ul>\n<ul class="navbar-nav align-items-md-center gap-md-2">\n  ')
    memberships = context.get("my_memberships") or ()
    if len(memberships) > 1:
        name = escape_text(membership.team.name) if membership else "choose"
        parts.append(
            '\n  <li class="nav-item">\n    <details class="pb-menu">\n'
            f'      <summary class="nav-link">Team: {name}</summary>\n'
            '      <ul class="list-unstyled pb-menu-list">\n        '
        )
        for other in memberships:
            here = bool(membership) and other.team_id == membership.team_id
            parts.append(
                f'\n        <li><a class="dropdown-item{" active" if here else ""}" '
                f'href="{escape_text(page_url("accounts:team-home", other.team.slug))}"'
                f"{_CURRENT if here else ''}>{escape_text(other.team.name)} "
                '<span class="text-body-secondary small">'
                f"({escape_text(str(other.get_role_display()).lower())})</span></a></li>\n        "
            )
        parts.append("\n      </ul>\n    </details>\n  </li>\n  ")
    elif membership:
        parts.append(
            f'\n  <li class="nav-item navbar-text">{escape_text(membership.team.name)} '
            f'<span class="badge text-bg-secondary">{escape_text(membership.get_role_display())}'
            "</span></li>\n  "
        )
    user = context["user"]
    admin = (
        f'<li><a class="dropdown-item" href="{page_url("admin:index")}">Admin</a></li>'
        if user.is_superuser
        else ""
    )
    parts.append(
        '\n  <li class="nav-item">\n    <details class="pb-menu">\n'
        f'      <summary class="nav-link">{escape_text(user.get_username())}</summary>\n'
        '      <ul class="list-unstyled pb-menu-list">\n'
        f'        <li><a class="dropdown-item" href="{page_url("notifications:profile")}">'
        "Profile and e-mail</a></li>\n"
        f'        <li><a class="dropdown-item" href="{page_url("password_change")}">'
        "Change password</a></li>\n"
        f"        {admin}\n"
        f'        <li><form method="post" action="{page_url("logout")}">{csrf_input(context)}'
        '<button class="dropdown-item" type="submit">Log out</button></form></li>\n'
        "      </ul>\n    </details>\n  </li>\n</ul>\n\n"
    )
    return "".join(parts)
