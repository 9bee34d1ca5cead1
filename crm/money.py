"""Money: amounts are ``Decimal`` with cents, read from what people type and shown in the
business currency (``CRM_CURRENCY``) the way the reader's locale writes it (Babel)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import NumberFormatError, format_currency, get_currency_symbol, parse_decimal

from crm.errors import InvalidInput
from crm.i18n import N_

CENT = Decimal("0.01")
# Ten digits before the point: what the amount columns hold (Numeric(12, 2)).
MAX_AMOUNT = Decimal("9999999999.99")
# Spaces (also the narrow and non-breaking ones), apostrophes and underscores group digits.
_GROUPING = re.compile(r"[\s\u00a0\u202f'_]")
_AMOUNT = re.compile(r"[+-]?\d+(?:[.,]\d{1,2})?")
# What a locale's way of writing an amount may hold once the currency is taken off: digits,
# signs, its separators (also the narrow and non-breaking spaces French groups digits with).
_WRITTEN_AMOUNT = re.compile(r"[+-]?[0-9][0-9.,\s\u00a0\u202f']*")
# Currency signs people type whatever the business currency (the business's own is added).
_SIGNS = ("€", "$", "£", "₽", "руб.", "руб", "р.")


def cents(amount: Decimal) -> Decimal:
    """``amount`` rounded to the cent, halves away from zero (as a till does)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    """An amount in a currency, as a refusal's parameter: each reader sees it written their
    locale's way (``€400.00``, ``400,00 €``) when the refusal is put into words."""

    amount: Decimal
    currency: str

    def written_in(self, language: str) -> str:
        return format_money(self.amount, self.currency, language)

    def __str__(self) -> str:
        return self.written_in("en")


def _without_currency(typed: str, currency: str | None, language: str) -> str:
    """``typed`` without a currency sign or code before or after the number."""
    text = typed.strip()
    # "-€5": the sign may stand before the currency.
    sign = text[0] if text[:1] in ("-", "+") else ""
    text = text[len(sign) :].strip()
    marks = list(_SIGNS)
    if currency:
        marks += [currency, get_currency_symbol(currency, locale=language)]
    for mark in sorted(set(marks), key=len, reverse=True):
        if text.upper().startswith(mark.upper()):
            text = text[len(mark) :].strip()
        elif text.upper().endswith(mark.upper()):
            text = text[: -len(mark)].strip()
    return sign + text


def _in_locale(text: str, language: str) -> Decimal | None:
    """``text`` read as ``language`` writes numbers (``1,200.50`` in English), else None."""
    if not _WRITTEN_AMOUNT.fullmatch(text):
        return None
    try:
        return Decimal(parse_decimal(text, locale=language, strict=True))
    except (NumberFormatError, InvalidOperation, ValueError):
        return None


def parse_amount(
    typed: str, field: str | None = None, *, language: str = "en", currency: str | None = None
) -> Decimal:
    """An amount as people type it, with or without the currency: as ``language`` writes
    numbers (``1,200.50`` and ``€22.00`` in English, ``1 200,50 €`` in French), or plainly
    (``1200``, ``1200,5``); InvalidInput otherwise, and for fractions of a cent."""
    text = _without_currency(typed, currency, language)
    amount = _in_locale(text, language)
    if amount is None:
        plain = _GROUPING.sub("", text)
        if not _AMOUNT.fullmatch(plain):
            raise InvalidInput(N_("{amount} is not an amount of money"), field=field, amount=typed)
        amount = Decimal(plain.replace(",", "."))
    if not amount.is_finite():
        raise InvalidInput(N_("{amount} is not an amount of money"), field=field, amount=typed)
    if abs(amount) > MAX_AMOUNT:
        raise InvalidInput(N_("{amount} is too large an amount"), field=field, amount=typed)
    if amount != cents(amount):
        raise InvalidInput(N_("{amount} is not an amount of money"), field=field, amount=typed)
    return cents(amount)


def format_money(amount: Decimal, currency: str, language: str) -> str:
    """``amount`` in ``currency`` as ``language`` writes it (``1 200,00 €`` in French)."""
    return str(format_currency(amount, currency, locale=language))
