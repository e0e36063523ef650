"""Needs attention (the team's home page), the profile page, digests and alerts."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.models import Membership
from notifications import selectors


def needs_attention(request: HttpRequest, membership: Membership) -> HttpResponse:
    """The team's home page, called by accounts.views.team_home (login, team and GET
    are checked there): each line says what is wrong and links to the page that fixes it."""
    attention = selectors.attention_get(user=request.user, membership=membership)
    context = {"membership": membership, "attention": attention}
    return render(request, "notifications/needs_attention.html", context)
