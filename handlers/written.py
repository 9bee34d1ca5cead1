"""Dates, times and money in the bot, written as the reader's language writes them (the same
Babel formats the site uses, ``crm.moments``), in the business's time zone and currency."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from zoneinfo import ZoneInfo

from aiogram.utils.i18n import get_i18n

from crm.i18n import numbered, translator
from crm.moments import written_day, written_moment
from crm.notify import Notifier

# An amount of money as the reader writes it in the business currency.
Money = Callable[[Decimal], str]


def moment(value: datetime, zone: ZoneInfo) -> str:
    """``value`` as the reader's language writes a date and time (``12/15/26, 6:30 PM``)."""
    return written_moment(value, get_i18n().current_locale, zone)


def day(value: date, zone: ZoneInfo) -> str:
    """``value``'s day as the reader's language writes it (``Dec 15, 2026``)."""
    return written_day(value, get_i18n().current_locale, zone)


def number(kind: str, record_id: int) -> str:
    """A record's number with its kind, where the number stands alone (``Ticket #7``)."""
    return numbered(translator(get_i18n().current_locale), kind, record_id)


def money_in(notifier: Notifier, locale: str) -> Money:
    """Amounts in the business currency as ``locale`` writes them."""
    return partial(notifier.money, locale)
