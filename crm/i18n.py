"""Translations: gettext catalogs (``locales/*/LC_MESSAGES/messages.po``) compiled in memory.

One translator for everyone: the bot (``handlers.i18n``), the notifications and the web site
call :func:`translator` and use its ``gettext`` / ``ngettext``. Nothing here depends on the bot.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"
SHIPPED_LANGUAGES = ("en", "ru", "fr")


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark a string for extraction without translating it now."""
    return message


def NP_(singular: str, plural: str) -> tuple[str, str]:  # noqa: N802 - N_ for a plural message
    """Mark a message with a plural for extraction; a ``DomainError`` takes the pair as is."""
    return singular, plural


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
