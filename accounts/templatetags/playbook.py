"""Number formatting in the product's one voice: rates in percent, '—' for no figure."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()

NONE = "—"


@register.filter
def percent(value: Any, places: int = 1) -> str:
    """0.0475 -> '4.8%'; None -> '—'."""
    if value is None or value == "":
        return NONE
    try:
        number = Decimal(str(value)) * 100
    except InvalidOperation:
        return NONE
    quantum = Decimal(1).scaleb(-int(places))
    return f"{number.quantize(quantum, rounding=ROUND_HALF_EVEN):,}%"


@register.filter
def money(value: Any, currency: str = "") -> str:
    if value is None or value == "":
        return NONE
    amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
    return f"{amount:,} {currency}".strip()


@register.filter
def score(value: Any) -> str:
    if value is None or value == "":
        return NONE
    return f"{Decimal(str(value)).quantize(Decimal('0.1'), rounding=ROUND_HALF_EVEN)}"
