"""The demo seeds one share link, prints it, and adds no other when it runs again."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from reports.models import ShareLink

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_it_seeds_one_working_share_link() -> None:
    said = seed()
    match = re.search(r"demo reports: .* (http://127\.0\.0\.1:8000(/r/[0-9a-f]{43}/))", said)
    assert match, said

    response = Client().get(match[2])

    assert response.status_code == 200
    assert "team report" in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    again = seed()
    assert match[1] in again
    assert ShareLink.objects.count() == 1
