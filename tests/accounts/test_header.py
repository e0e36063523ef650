"""The header's links (accounts/header.py), as the pages show them."""

from __future__ import annotations

from django.template import Context

from accounts.header import header_links
from accounts.models import Membership, Role, Team


def test_a_manager_sees_the_team_links_but_not_the_leads(login, bob) -> None:
    html = login(bob).get("/t/acme/accounts/").content.decode()
    assert '<a class="nav-link active" href="/t/acme/accounts/">Accounts</a>' in html
    assert 'href="/t/acme/week/">My week</a>' in html
    assert "/t/acme/members/" not in html
    assert '<span class="badge text-bg-secondary">Manager</span>' in html


def test_a_lead_sees_the_leads_links_and_the_current_page(login, alice) -> None:
    html = login(alice).get("/t/acme/week/").content.decode()
    assert 'href="/t/acme/members/">Members</a>' in html
    assert '<a class="nav-link active" href="/t/acme/week/" aria-current="page">My week</a>' in html


def test_the_team_switcher_escapes_names_and_marks_the_current_team(login, alice) -> None:
    other = Team.objects.create(name="Zed & <Co>", slug="zed-co")
    Membership.objects.create(user=alice, team=other, role=Role.MANAGER)
    html = login(alice).get("/t/zed-co/accounts/").content.decode()
    assert '<summary class="nav-link">Team: Zed &amp; &lt;Co&gt;</summary>' in html
    assert (
        '<a class="dropdown-item active" href="/t/zed-co/" aria-current="page">'
        'Zed &amp; &lt;Co&gt; <span class="text-body-secondary small">(manager)</span>'
    ) in html
    assert '<a class="dropdown-item" href="/t/acme/">Acme' in html


def test_the_log_out_form_carries_the_csrf_field(login, bob) -> None:
    html = login(bob).get("/t/acme/").content.decode()
    assert (
        '<form method="post" action="/logout/"><input type="hidden" name="csrfmiddlewaretoken"'
        in html
    )


def test_a_superuser_sees_the_admin_link(login, root) -> None:
    html = login(root).get("/profile/").content.decode()
    assert '<a class="dropdown-item" href="/admin/">Admin</a>' in html


def test_without_a_request_or_teams_there_is_no_current_link(bob) -> None:
    html = header_links(Context({"user": bob}))
    assert "nav-link active" not in html and "Team:" not in html
    assert '<summary class="nav-link">bob</summary>' in html
