"""The admin site's language: the signed-in employee's, else the browser's, else the default.

Pages, flashes, form errors and refusals all read their words from the catalogs the bot uses
(``crm.i18n.translator``); dates, times and numbers are written the way the chosen locale writes
them (Babel), times in the business's time zone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from aiohttp_session import get_session
from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal
from babel.units import format_unit

from crm.errors import DomainError
from crm.i18n import LANGUAGE_NAMES, SHIPPED_LANGUAGES, Translator, refusal_text, translator
from crm.moments import written_day, written_moment
from crm.money import format_money, parse_amount
from crm.people.clients import SOURCE_NAMES, STAGE_NAMES
from crm.permissions import ROLE_NAMES
from db.enums import ClientStage, Role
from web.keys import EMPLOYEE, SETTINGS

Gettext = Callable[..., str]
WORDS: web.RequestKey[Words] = web.RequestKey("words")
# Where the sign-in page keeps the language chosen by someone not signed in yet.
SESSION_LANGUAGE = "language"


@dataclass(frozen=True)
class Words:
    """What a page needs to speak one language: translations and locale-aware formatting."""

    translator: Translator
    zone: ZoneInfo
    currency: str = "EUR"  # the business's (``CRM_CURRENCY``)

    @property
    def language(self) -> str:
        return self.translator.language

    def gettext(self, message: str, **params: Any) -> str:
        return self.translator.gettext(message, **params)

    def ngettext(self, singular: str, plural: str, n: int, **params: Any) -> str:
        return self.translator.ngettext(singular, plural, n, **params)

    def error(self, error: DomainError) -> str:
        """A refusal from the rules, in this language (the page template escapes it)."""
        return refusal_text(error, self.language)

    def named(self, names: Mapping[Any, str]) -> Callable[[Any], str]:
        """A value's name from an area's table of names (a status, a kind), in this language."""
        return lambda value: self.translator.gettext(names[value])

    def money(self, value: Decimal, currency: str | None = None) -> str:
        """An amount in the business currency (or ``currency``: a deal's own), as this locale
        writes it (1 200,00 €)."""
        return format_money(value, currency or self.currency, self.language)

    def typed_amount(self, typed: str, field: str) -> Decimal:
        """Money typed in a form, as this locale writes it, with or without the currency."""
        return parse_amount(typed, field, language=self.language, currency=self.currency)

    def role(self, role: Role) -> str:
        return self.translator.gettext(ROLE_NAMES[role])

    def stage(self, stage: ClientStage) -> str:
        return self.translator.gettext(STAGE_NAMES[stage])

    def moment(self, value: datetime) -> str:
        """A date and time in the business's time zone, as this locale writes them."""
        return written_moment(value, self.language, self.zone)

    def day(self, value: date) -> str:
        """A day as this locale writes it; a moment's day is its day in the business's zone."""
        return written_day(value, self.language, self.zone)

    def short_day(self, value: date) -> str:
        """A chart's axis label: day and month only, in this locale's order."""
        return format_skeleton("MMMd", value, locale=self.language)

    def number(self, value: int | Decimal | float) -> str:
        return format_decimal(value, locale=self.language)

    def file_size(self, size: int) -> str:
        """A file's size as this locale writes it: 45 bytes, 1.5 kB, 12 MB (45 octets, 1,5 ko)."""
        if size < 1000:
            return format_unit(size, "digital-byte", length="long", locale=self.language)
        value, unit = size / 1000, "digital-kilobyte"
        for larger in ("digital-megabyte", "digital-gigabyte"):
            if value < 999.5:  # what would be shown as 1,000 kB is 1 MB
                break
            value, unit = value / 1000, larger
        # One decimal below ten (1.5 kB), none above (120 kB).
        shown = "#,##0.#" if value < 10 else "#,##0"
        return format_unit(value, unit, length="short", format=shown, locale=self.language)

    def client_source(self, source: str) -> str:
        """Where a client came from: the words people typed, or the product's own, translated."""
        known = SOURCE_NAMES.get(source)
        return self.translator.gettext(known) if known else source

    def amount(self, value: Decimal) -> str:
        """Money: always two decimals (2,900.50; 2 900,50 in French)."""
        return format_decimal(value, "#,##0.00", locale=self.language)

    def template_context(self) -> dict[str, Any]:
        return {
            "_": self.gettext,
            "gettext": self.gettext,
            "ngettext": self.ngettext,
            "money": self.money,
            "role_name": self.role,
            "stage_name": self.stage,
            "moment": self.moment,
            "day": self.day,
            "number": self.number,
            "amount": self.amount,
            "file_size": self.file_size,
            "client_source": self.client_source,
            "language": self.language,
            "languages": LANGUAGE_NAMES,
        }


def browser_language(request: web.Request, default: str) -> str:
    """The shipped language the browser prefers most (``Accept-Language``), else ``default``."""
    wanted = []
    for part in request.headers.get("Accept-Language", "").split(","):
        tag, _, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag and tag != "*" and weight > 0:
            wanted.append((weight, tag.replace("-", "_")))
    preferred = [tag for _, tag in sorted(wanted, key=lambda pair: -pair[0])]
    found = Locale.negotiate(preferred, list(SHIPPED_LANGUAGES), sep="_") if preferred else None
    return found.language if found is not None else default


def words(request: web.Request) -> Words:
    """The request's words; before the language middleware has run, the browser's language."""
    found = request.get(WORDS)
    if found is None:
        settings = request.app[SETTINGS]
        language = browser_language(request, settings.default_language)
        found = Words(translator(language), settings.zone, settings.currency)
    return found


async def site_language(request: web.Request) -> str:
    """The signed-in employee's language: the one they chose, else their Telegram app's; else
    what the sign-in page's switch chose; else the browser's; else ``CRM_DEFAULT_LANGUAGE``."""
    employee = request.get(EMPLOYEE)
    if employee is not None:
        for known in (employee.language, employee.telegram_language):
            if known in SHIPPED_LANGUAGES:
                return str(known)
    if employee is None:
        chosen = (await get_session(request)).get(SESSION_LANGUAGE)
        if chosen in SHIPPED_LANGUAGES:
            return str(chosen)
    return browser_language(request, request.app[SETTINGS].default_language)


async def set_words(request: web.Request) -> Words:
    settings = request.app[SETTINGS]
    chosen = Words(translator(await site_language(request)), settings.zone, settings.currency)
    request[WORDS] = chosen
    return chosen


def set_browser_words(request: web.Request, default: str) -> Words:
    """The words of a request that no person's choice speaks for (the API): the language the
    client asks for (``Accept-Language``), else ``default``."""
    settings = request.app[SETTINGS]
    chosen = Words(translator(browser_language(request, default)), settings.zone, settings.currency)
    request[WORDS] = chosen
    return chosen
