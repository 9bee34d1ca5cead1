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


# What a translator offers: ``gettext(message)`` and ``ngettext(singular, plural, n)``.
Translator = gettext.NullTranslations
# English is the source language: its messages are their own translation.
_SOURCE = gettext.NullTranslations()


@cache
def shipped_catalogs() -> dict[str, gettext.GNUTranslations]:
    """The shipped catalogs, compiled once per process (they do not change while it runs)."""
    return load_catalogs()


def translator(language: str | None) -> Translator:
    """The translations into ``language``; English (the source) for any language not shipped."""
    return shipped_catalogs().get(language or "", _SOURCE)


def pick_language(preferred: str | None, default: str) -> str:
    """The shipped language closest to ``preferred`` (``ru-RU`` → ``ru``), else ``default``."""
    if preferred:
        base = preferred.replace("_", "-").split("-")[0].lower()
        if base in SHIPPED_LANGUAGES:
            return base
    return default
