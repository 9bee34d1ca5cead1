"""Every string the bot says reads in the person's language: French in French, Russian in Russian.

The texts checked are the ones people get: each message id of ``messages.pot`` looked up through
the bot's own translator (``CatalogI18n``, fed by ``crm.i18n.load_catalogs``, which compiles the
``.po`` files in memory; the notifier uses the same function). A fuzzy or empty ``msgstr`` is left
out of that compilation, so it shows up here as English. The raw ``msgstr`` of every entry is
checked as well, so a fuzzy or obsolete one cannot hide a wrong script.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TypeVar

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from crm.i18n import DOMAIN, LOCALES_DIR, SHIPPED_LANGUAGES, pick_language
from handlers.i18n import CatalogI18n

ROOT = Path(__file__).resolve().parent.parent
SOURCE_LANGUAGE = "en"  # the message ids are English; an ``en`` catalog may only override them
# Message ids French spells the same, so their msgstr may equal the msgid: keep this short.
SAME_IN_FRENCH = frozenset(
    {
        "client",
        "Client",
        "Clients",
        "Coach",
        "Conversations",
        "Date",
        "Documents",
        "Menu",
        "Messages",
        "Notification",
        "Notifications",
        "Note",
        "Total",
        "Type",
        "document",
        "photo",
        "programme",
        "Programme",
        "Programmes",
    }
)

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
LETTER = re.compile(r"[^\W\d_]")
# What must come through a translation unchanged, each kind as it is written in the message ids.
PLACEHOLDER = re.compile(r"#?\{[A-Za-z_]\w*(?:![rsa])?(?::[^{}]*)?\}|#?%\(\w+\)[sdifr]|%[sdif]")
HTML_TAG = re.compile(
    r"</?(?:b|strong|i|em|u|ins|s|strike|del|a|code|pre|blockquote|tg-spoiler|span|br)\b[^<>]*>"
)
COMMAND = re.compile(r"(?<![\w/])/[a-z][a-z_]*")
URL = re.compile(r"https?://\S+")
MENTION = re.compile(r"@\w+")
TECHNICAL = (PLACEHOLDER, HTML_TAG, URL, COMMAND, MENTION)

MessageId = str | tuple[str, ...]
Found = TypeVar("Found", bound=tuple[str, ...])


def template() -> Catalog:
    with (LOCALES_DIR / f"{DOMAIN}.pot").open("rb") as pot_file:
        return read_po(pot_file)


def template_ids() -> list[MessageId]:
    return [
        message.id if isinstance(message.id, str) else tuple(message.id)
        for message in template()
        if message.id
    ]


def po_catalogs() -> dict[str, Catalog]:
    catalogs: dict[str, Catalog] = {}
    for po_path in sorted(LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        language = po_path.parent.parent.name
        with po_path.open("rb") as po_file:
            catalogs[language] = read_po(po_file, locale=language)
    return catalogs


@cache
def bot_i18n() -> CatalogI18n:
    return CatalogI18n(default_locale=SOURCE_LANGUAGE)


def said(language: str, message_id: MessageId) -> list[tuple[str, str]]:
    """(English, what the bot says in ``language``) for each form of a message (plural: several)."""
    i18n = bot_i18n()
    if isinstance(message_id, str):
        return [(message_id, i18n.gettext(message_id, locale=language))]
    singular, plural = message_id[0], message_id[1]
    return [
        (singular if n == 1 else plural, i18n.gettext(singular, plural, n, locale=language))
        for n in (1, 2, 5)
    ]


def raw_translations(catalog: Catalog) -> Iterator[tuple[str, str]]:
    """(English, msgstr) for every msgstr written in a .po file, fuzzy and obsolete included."""
    for message in [*catalog, *catalog.obsolete.values()]:
        if not message.id:
            continue  # the header
        english = message.id if isinstance(message.id, str) else message.id[0]
        strings = (message.string,) if isinstance(message.string, str) else message.string
        for string in strings:
            if string:
                yield english, string


def words(text: str) -> str:
    """The text without what is the same in every language: placeholders, tags, commands, links."""
    for pattern in TECHNICAL:
        text = pattern.sub(" ", text)
    return text


def has_words(text: str) -> bool:
    return LETTER.search(words(text)) is not None


def kept_unchanged(text: str) -> Counter[str]:
    """Placeholders, HTML tags, commands and emoji: what a translation must carry over as is."""
    kept: Counter[str] = Counter()
    for pattern in (PLACEHOLDER, HTML_TAG, COMMAND):
        kept.update(pattern.findall(text))
    # Emoji and pictographs; not typography such as ° in "n°" or № (U+2116), which are below.
    kept.update(ch for ch in text if unicodedata.category(ch) == "So" and ord(ch) >= 0x2190)
    return kept


def unique(found: list[Found]) -> list[Found]:
    """What a test found, each once: the bot's text and the .po entry may be the same string."""
    return list(dict.fromkeys(found))


def translating_languages() -> list[str]:
    return [language for language in po_catalogs() if language != SOURCE_LANGUAGE]


def source_messages() -> set[str]:
    found: set[str] = set()
    for package in ("bot", "handlers", "crm", "notifications", "web"):
        for _filename, _line, message, _comments, _context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords={"_": None, "__": None, "N_": None, "NP_": (1, 2)},
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def test_the_template_holds_every_message_of_the_code() -> None:
    in_template = {m if isinstance(m, str) else m[0] for m in template_ids()}
    in_code = source_messages()
    assert len(in_code) > 20
    missing = sorted(in_code - in_template)
    assert missing == [], f"not in messages.pot (run `make messages`): {missing}"


def test_every_shipped_language_speaks_from_a_catalog_the_bot_loads() -> None:
    catalogs = po_catalogs()
    assert set(catalogs) <= set(SHIPPED_LANGUAGES), "a catalog for a language that is not shipped"
    assert set(SHIPPED_LANGUAGES) - {SOURCE_LANGUAGE} <= set(catalogs)
    assert set(bot_i18n().locales) == set(catalogs)
    for language, catalog in catalogs.items():
        missing = sorted(str(m) for m in template_ids() if m not in catalog)
        assert missing == [], f"{language} catalog lacks (run `make messages`): {missing}"


def test_every_message_is_translated_in_every_catalog() -> None:
    untranslated = [
        (language, english)
        for language in translating_languages()
        for message_id in template_ids()
        for english, text in said(language, message_id)
        if has_words(english)
        and text == english
        and not (language == "fr" and english in SAME_IN_FRENCH)
    ]
    assert untranslated == [], f"shown in English: {untranslated}"


def test_french_and_english_texts_contain_no_cyrillic() -> None:
    catalogs = po_catalogs()
    cyrillic = [
        (language, english, text)
        for language in ("fr", SOURCE_LANGUAGE)
        for message_id in template_ids()
        for english, text in said(language, message_id)
        if CYRILLIC.search(text)
    ]
    cyrillic += [
        (language, english, text)
        for language in ("fr", SOURCE_LANGUAGE)
        if language in catalogs
        for english, text in raw_translations(catalogs[language])
        if CYRILLIC.search(text)
    ]
    assert cyrillic == [], f"Cyrillic outside the Russian catalog: {unique(cyrillic)}"


def test_every_russian_text_with_words_is_in_cyrillic() -> None:
    said_in_latin = [
        (english, text)
        for message_id in template_ids()
        for english, text in said("ru", message_id)
        if has_words(english) and not CYRILLIC.search(text)
    ]
    said_in_latin += [
        (english, text)
        for english, text in raw_translations(po_catalogs()["ru"])
        if has_words(text) and not CYRILLIC.search(text)
    ]
    assert said_in_latin == [], f"Russian texts without Cyrillic: {unique(said_in_latin)}"


def test_translations_keep_placeholders_tags_commands_and_emoji() -> None:
    changed = [
        (language, english, text)
        for language in po_catalogs()
        for message_id in template_ids()
        for english, text in said(language, message_id)
        if kept_unchanged(english) != kept_unchanged(text)
    ]
    assert changed == [], f"placeholders, tags, commands or emoji changed: {changed}"


def test_the_closest_shipped_language_is_picked() -> None:
    assert pick_language("ru-RU", "en") == "ru"
    assert pick_language("fr", "en") == "fr"
    assert pick_language("de", "en") == "en"
    assert pick_language(None, "ru") == "ru"


# Placeholders that hold a number, a date or an amount: French writes "de 8", "de 400 €" alike.
NUMBERS = re.compile(
    r"\{(amount|count|lessons|least|most|percent|price|total|minutes|days|number|length|hours|"
    r"size|first|last|from|to|start|end|rate|rating|when|moment|day|time|date|at|\w*id|value)\}"
)
# A French word that is elided before a vowel ("d'Alex", "l'Atelier"), then a placeholder.
ELIDED_BEFORE = re.compile(r"\b(de|que|le|la|ne|se|je|me|te|si)\s+(\{\w+\})", re.IGNORECASE)


def test_french_never_puts_an_elided_word_before_a_name() -> None:
    """ "Demande de coaching #3 de Alex Newman": a name may start with a vowel, so a French text
    writes around the elision ("envoyée par {name}", "pour {name}", "« {name} »")."""
    catalog = po_catalogs()["fr"]
    found = [
        (english, text)
        for english, text in raw_translations(catalog)
        for _, placeholder in ELIDED_BEFORE.findall(text)
        if not NUMBERS.fullmatch(placeholder)
    ]
    assert found == []


def test_russian_track_statuses_agree_with_the_masculine_track() -> None:
    """ "Трек #1 · открыта": трек is masculine, so are its statuses beside it."""
    from crm.coaching.track_rules import TRACK_STATUS_NAMES

    i18n = bot_i18n()
    track = i18n.gettext("Track #{id}", locale="ru")
    assert track.startswith("Трек")
    statuses = [i18n.gettext(name, locale="ru") for name in TRACK_STATUS_NAMES.values()]
    assert statuses == ["открыт", "достигнут", "прекращён"]
