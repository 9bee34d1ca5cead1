"""Translations: gettext catalogs (``locales/*/LC_MESSAGES/messages.po``) compiled in memory.

One translator for everyone: the bot (``handlers.i18n``), the notifications and the web site
call :func:`translator` and use its ``gettext`` / ``ngettext``. Nothing here depends on the bot.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from crm.errors import DomainError

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
# Each shipped language, named in itself (the bot's and the site's language switch).
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "fr": "Français"}
SHIPPED_LANGUAGES = tuple(LANGUAGE_NAMES)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it now."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - N_ for a plural message
    """Mark a message with a plural for extraction; a ``DomainError`` takes the pair as is."""
    return singular, plural


class Word(str):
    """A word from a table of names (a stage, a status: an ``N_`` msgid) given to a refusal as a
    parameter: ``refusal_text`` says it in the reader's language, as it does an amount."""

    __slots__ = ()

    def written_in(self, language: str) -> str:
        return translator(language).gettext(str(self))


def load_catalogs(path: Path = LOCALES_DIR) -> dict[str, gettext.GNUTranslations]:
    """Compile every ``.po`` catalog under ``path`` into a gettext translations object."""
    catalogs: dict[str, gettext.GNUTranslations] = {}
    for po_path in sorted(path.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        language = po_path.parent.parent.name
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        compiled = BytesIO()
        write_mo(compiled, catalog)
        compiled.seek(0)
        catalogs[language] = gettext.GNUTranslations(compiled)
    return catalogs


@cache
def shipped_catalogs() -> dict[str, gettext.GNUTranslations]:
    """The shipped catalogs, compiled once per process (they do not change while it runs)."""
    return load_catalogs()


def pick_language(preferred: str | None, default: str) -> str:
    """The shipped language closest to ``preferred`` (``ru-RU`` → ``ru``), else ``default``."""
    if preferred:
        base = preferred.replace("_", "-").split("-")[0].lower()
        if base in SHIPPED_LANGUAGES:
            return base
    return default


class Translator:
    """One language's words from the shared catalogs: ``gettext`` and ``ngettext`` with
    ``{name}`` parameters filled in after translating (the msgid stays the same everywhere)."""

    def __init__(self, language: str, catalog: gettext.NullTranslations) -> None:
        self.language = language
        self.catalog = catalog

    def gettext(self, message: str, **params: object) -> str:
        translated = self.catalog.gettext(message) if message else message
        return translated.format(**params) if params else translated

    def ngettext(self, singular: str, plural: str, n: int, **params: object) -> str:
        """The form of ``n`` in this language (Russian has three); ``{count}`` is ``n`` unless
        given (a number the locale has formatted)."""
        translated = self.catalog.ngettext(singular, plural, n)
        return translated.format(**{"count": n, **params})


@cache
def translator(language: str | None) -> Translator:
    """The words of ``language``; English (the source, its own translation) when not shipped."""
    catalog = shipped_catalogs().get(language or "")
    return Translator(
        language or "en", catalog if catalog is not None else gettext.NullTranslations()
    )


def first_capital(text: str) -> str:
    """``text`` as a sentence starts: its first letter a capital (a refusal's msgid need not)."""
    return text[:1].upper() + text[1:]


def refusal_text(
    error: DomainError, language: str | None, quote: Callable[[str], str] = str
) -> str:
    """A refusal in ``language`` as a sentence: amounts (``crm.money.Money``) written as the
    language writes money, every value passed through ``quote`` (HTML escaping in the bot)."""
    tr = translator(language)
    params: dict[str, object] = {
        key: quote(value.written_in(tr.language) if hasattr(value, "written_in") else str(value))
        for key, value in error.params.items()
    }
    if error.plural is not None:
        count = int(error.params.get("count", 0))
        template = tr.catalog.ngettext(error.message, error.plural, count)
        params["count"] = count
    else:
        template = tr.catalog.gettext(error.message) if error.message else error.message
    # A sentence's first letter, not a value's: "lots is not an amount of money" stays as typed.
    if not template.startswith("{"):
        template = first_capital(template)
    return template.format(**params)


# A record's number with its kind, wherever a number stands alone (lists, digests): tickets,
# contracts and sessions are numbered apart, so "#7" alone could be any of them.
RECORD_NUMBERS = {
    "ticket": N_("Ticket #{number}"),
    "contract": N_("Contract #{number}"),
    "session": N_("Session #{number}"),
    "request": N_("Coaching request #{number}"),
}


def numbered(tr: Translator, kind: str, number: int) -> str:
    """``Ticket #7`` (``Договор #7``…): a record's kind and number in ``tr``'s language."""
    return tr.gettext(RECORD_NUMBERS[kind], number=number)
