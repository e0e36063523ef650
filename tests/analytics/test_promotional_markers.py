"""The team's promotional markers: a lead edits them, one a line, or resets them."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from analytics.content.video_marks import promotional_markers_save
from analytics.models import PromotionalMarkers
from analytics.promotion import (
    DEFAULT_MARKERS,
    MAX_MARKER_LENGTH,
    MAX_MARKERS,
    team_markers,
)
from tests.analytics.videos_data import make_video

pytestmark = pytest.mark.django_db


def url(team: str = "acme") -> str:
    return reverse("analytics:promotional-markers", args=[team])


def reset_url(team: str = "acme") -> str:
    return reverse("analytics:promotional-markers-reset", args=[team])


def test_it_shows_the_defaults_to_a_lead(login, alice) -> None:
    response = login(alice).get(url())

    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Acme promotional markers · Playbook</title>" in html
    assert "The team uses the default markers." in html
    assert "#giveaway\nsale\ndiscount\npromo code" in html
    assert "Reset to defaults" not in html


def test_it_is_lead_only(login, bob, acme) -> None:
    client = login(bob)

    assert client.get(url()).status_code == 403
    assert client.post(url(), {"markers": "oferta"}).status_code == 403
    assert client.post(reset_url()).status_code == 403
    assert not PromotionalMarkers.objects.exists()


def test_it_hides_other_teams(login, charlie, acme) -> None:
    client = login(charlie)

    assert client.get(url()).status_code == 404
    assert client.post(url(), {"markers": "oferta"}).status_code == 404


def test_it_saves_one_marker_a_line_without_blanks_or_repeats(login, alice, acme) -> None:
    response = login(alice).post(
        url(), {"markers": "Oferta\n\n  #Collab \nOFERTA\r\nlink   in bio\n"}
    )

    assert response.status_code == 302
    assert response.url == url()
    saved = PromotionalMarkers.objects.get(team=acme)
    assert saved.markers == ["Oferta", "#Collab", "link in bio"]
    assert saved.updated_by == alice
    assert team_markers(acme) == ("Oferta", "#Collab", "link in bio")


def test_it_decides_titles_by_the_saved_markers(login, alice, acmecoffee) -> None:
    make_video(acmecoffee, "7486000011122334455", title="Gran oferta", posted_on=date(2025, 3, 1))
    make_video(acmecoffee, "7486000011122334466", title="Summer sale", posted_on=date(2025, 3, 1))
    client = login(alice)
    client.post(url(), {"markers": "oferta"})

    html = client.get(reverse("analytics:video-list", args=["acme", "acmecoffee"])).content.decode()

    offer = html.split('<tr id="video-7486000011122334455">')[1].split("</tr>")[0]
    sale = html.split('<tr id="video-7486000011122334466">')[1].split("</tr>")[0]
    assert '<option value="title" selected>Promotional (by title)</option>' in offer
    assert '<option value="title" selected>Authentic (by title)</option>' in sale


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Enter at least one marker"),
        ("\n  \n\t\n", "Enter at least one marker"),
        (
            "sale\n" + "x" * (MAX_MARKER_LENGTH + 1),
            f"Line 2: a marker has at most {MAX_MARKER_LENGTH} characters "
            f"(this one has {MAX_MARKER_LENGTH + 1}).",
        ),
        ("sale\n\n%%%", "Line 3: “%%%” needs at least one letter or digit."),
        (
            "\n".join(f"marker{n}" for n in range(MAX_MARKERS + 1)),
            f"At most {MAX_MARKERS} markers, not {MAX_MARKERS + 1}: remove 1.",
        ),
    ],
)
def test_it_refuses_bad_markers_and_writes_nothing(login, alice, acme, text, message) -> None:
    response = login(alice).post(url(), {"markers": text})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert 'aria-invalid="true"' in html
    assert not PromotionalMarkers.objects.exists()


def test_it_refuses_a_huge_text(login, alice, acme) -> None:
    response = login(alice).post(url(), {"markers": "sale " * 100_000})

    assert response.status_code == 200
    assert "Ensure this value has at most" in response.content.decode()
    assert not PromotionalMarkers.objects.exists()


def test_it_resets_to_the_defaults(login, alice, acme) -> None:
    client = login(alice)
    client.post(url(), {"markers": "oferta"})
    page = client.get(url()).content.decode()
    assert "The team uses its own list." in page
    assert "data-confirm=" in page

    response = client.post(reset_url())

    assert response.status_code == 302
    assert not PromotionalMarkers.objects.exists()
    assert team_markers(acme) == DEFAULT_MARKERS


def test_it_checks_the_role_again_in_the_service(bob, acme) -> None:
    with pytest.raises(PermissionDenied):
        promotional_markers_save(team=acme, user=bob, markers=["oferta"])
    assert not PromotionalMarkers.objects.exists()
