from __future__ import annotations

import pytest
from django.urls import reverse

from lib.urls import url_of_handle


@pytest.mark.parametrize("handle", ["acmecoffee", "acme.deals", "a_1", "x", "9.9_z", "handle"])
@pytest.mark.parametrize(
    "name", ["analytics:account-scorecard", "strategy:checklist", "accounts:account-detail"]
)
def test_it_gives_what_reverse_gives(name: str, handle: str) -> None:
    assert url_of_handle(name, "acme-team")(handle) == reverse(name, args=["acme-team", handle])
