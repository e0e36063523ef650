"""Column kinds the analytics models share: money, rates and scores."""

from __future__ import annotations

from django.db import models


def money_field(**kwargs: object) -> models.DecimalField:
    return models.DecimalField(max_digits=14, decimal_places=2, default=0, **kwargs)


def rate_field() -> models.DecimalField:
    return models.DecimalField(max_digits=24, decimal_places=12, null=True, blank=True)


def score_field() -> models.DecimalField:
    return models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
