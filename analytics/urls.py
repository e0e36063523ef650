from __future__ import annotations

from django.urls import path  # noqa: F401

# Each feature adds its routes in its own block below.
urlpatterns: list = []

# -- imports --

# -- scorecards and review --
