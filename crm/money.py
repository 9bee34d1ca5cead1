"""Money: amounts are ``Decimal`` with cents, read from what people type and shown in the
business currency (``CRM_CURRENCY``) the way the reader's locale writes it (Babel)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency

from crm.errors import InvalidInput
from crm.i18n import N_

CENT = Decimal("0.01")
# Ten digits before the point: what the amount columns hold (Numeric(12, 2)).
MAX_AMOUNT = Decimal("9999999999.99")
# Spaces (also the narrow and non-breaking ones), apostrophes and underscores group digits.
_GROUPING = re.compile(r"[\s\u00a0\u202f'_]")
_AMOUNT = re.compile(r"[+-]?\d+(?:[.,]\d{1,2})?")


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to the cent, halves away from zero (as a till does)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(typed: str, field: str | None = None) -> Decimal:
    """An amount as people type it: ``1200``, ``1 200,50``, ``1200.5``; InvalidInput otherwise
    (no thousands separators with a point or comma: ``1,200.50`` is ambiguous)."""
    text = _GROUPING.sub("", typed.strip())
    if not _AMOUNT.fullmatch(text):
        raise InvalidInput(N_("{amount} is not an amount of money"), field=field, amount=typed)
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise InvalidInput(
            N_("{amount} is not an amount of money"), field=field, amount=typed
        ) from None
    if abs(amount) > MAX_AMOUNT:
        raise InvalidInput(N_("{amount} is too large an amount"), field=field, amount=typed)
    return cents(amount)


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """``amount`` in ``currency`` as ``language`` writes it (``1 200,00 €`` in French)."""
    return str(format_currency(amount, currency, locale=language))
