"""Every path parameter refuses NUL and control characters with a 404, on PostgreSQL too."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found: list[str] = []
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry, route)
        elif isinstance(entry, URLPattern):
            found.append(route)
    return found


def test_no_route_uses_the_str_converter():
    offenders = [route for route in _routes(get_resolver()) if "<str:" in route]
    assert offenders == [], f"use <text:...> (lib/converters.py) instead: {offenders}"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["%00", "abc%00", "%01x", "x%1f", "%7f"])
@pytest.mark.parametrize(
    "path",
    [
        "/t/{team}/a/{bad}/",
        "/t/{team}/a/{handle}/videos/{bad}/",
        "/t/{team}/a/{bad}/scorecard/",
        "/t/{team}/a/{bad}/checklist/",
    ],
)
def test_control_characters_in_a_path_are_a_404(client, acme, alice, acmecoffee, path, bad):
    client.force_login(alice)
    response = client.get(path.format(team=acme.slug, handle=acmecoffee.handle, bad=bad))
    assert response.status_code == 404
