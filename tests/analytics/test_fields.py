"""The metric field names have one source that the models and the parsers agree with."""

from __future__ import annotations

from django.db import models

from analytics import fields
from analytics.models import CampaignDay, DailyMetric
from imports import parsers


def test_it_names_every_figure_of_a_daily_metric_in_table_order() -> None:
    concrete = [
        field.name
        for field in DailyMetric._meta.get_fields()
        if field.concrete
        and field.name not in {"id", "account", "date", "updated_at"}
        # Who wrote the figures (analytics.writes) is not a figure.
        and field.name not in {"organic_source", "followers_source"}
    ]
    assert concrete == list(fields.METRIC_FIELDS)


def test_it_keeps_money_to_the_cent_and_every_other_figure_whole() -> None:
    for name in fields.MONEY_FIELDS:
        field = DailyMetric._meta.get_field(name)
        assert isinstance(field, models.DecimalField)
        assert field.decimal_places == 2
    for name in fields.COUNT_FIELDS:
        assert isinstance(DailyMetric._meta.get_field(name), models.BigIntegerField)
    assert set(fields.COUNT_FIELDS) | set(fields.MONEY_FIELDS) == set(fields.METRIC_FIELDS)


def test_it_gives_campaign_days_every_paid_figure() -> None:
    for name in fields.PAID_FIELDS:
        assert CampaignDay._meta.get_field(name).name == name


def test_it_is_the_one_source_of_the_parsers_names() -> None:
    assert parsers.METRIC_FIELDS is fields.METRIC_FIELDS
    assert parsers.COUNT_FIELDS is fields.COUNT_FIELDS
    assert parsers.MONEY_FIELDS is fields.MONEY_FIELDS
    assert parsers.PAID_FIELDS is fields.PAID_FIELDS
