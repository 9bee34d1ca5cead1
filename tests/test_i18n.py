"""Every string the bot can say is translated into every shipped language."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

from crm.i18n import SHIPPED_LANGUAGES, load_catalogs, pick_language

ROOT = Path(__file__).resolve().parent.parent


def source_messages() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "handlers", "crm", "notifications", "web"):
        for _filename, _line, message, _comments, _context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords={"_": None, "__": None, "N_": None},
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_is_translated() -> None:
    messages = source_messages()
    assert len(messages) > 20
    catalogs = load_catalogs()
    for language in SHIPPED_LANGUAGES:
        if language == "en":
            continue  # the source language
        catalog = catalogs[language]
        missing = sorted(m for m in messages if catalog.gettext(m) == m and m != "client")
        assert missing == [], f"untranslated into {language}: {missing}"


def test_translations_keep_their_placeholders() -> None:
    catalogs = load_catalogs()
    for message in source_messages():
        for language, catalog in catalogs.items():
            translated = catalog.gettext(message)
            for placeholder in ("{name}", "{role}", "{button}", "{language}", "{length}"):
                assert (placeholder in message) == (placeholder in translated), (
                    language,
                    message,
                )


def test_the_closest_shipped_language_is_picked() -> None:
    assert pick_language("ru-RU", "en") == "ru"
    assert pick_language("fr", "en") == "fr"
    assert pick_language("de", "en") == "en"
    assert pick_language(None, "ru") == "ru"
