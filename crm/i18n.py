"""Translations: gettext catalogs (``locales/*/LC_MESSAGES/messages.po``) compiled in memory.

Nothing here depends on the bot: the web site and notifications use the same catalogs.
"""

from __future__ import annotations

import gettext
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


class Catalogs:
    """Every shipped language's catalog, compiled once; hands out a ``Translator`` per language."""

    def __init__(self, path: Path = LOCALES_DIR) -> None:
        self.compiled = load_catalogs(path)

    def translator(self, language: str) -> Translator:
        catalog = self.compiled.get(language)
        return Translator(language, catalog if catalog is not None else gettext.NullTranslations())
