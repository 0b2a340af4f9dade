"""Money is stored as integer cents and shown German style in exactly one place."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency


def euro(cents: int) -> str:
    """Format cents as euros, German style: ``123456`` → ``1.234,56 €``."""
    return format_currency(Decimal(cents) / 100, "EUR", locale="de_DE")
