"""Telegram's HTML parse mode, as strict as the real server: a bad tag or bare ``<`` is refused."""

from __future__ import annotations

import html
import re

ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a"}
    | {"code", "pre", "blockquote", "tg-emoji", "tg-time"}
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"]*\"|='[^']*')?)*)\s*>")
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class EntityParseError(ValueError):
    """The text is not valid for parse_mode HTML."""


def html_to_plain(text: str) -> str:
    """The text a Telegram user would see for ``text`` sent with parse_mode HTML."""
    plain: list[str] = []
    open_tags: list[str] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char == "<":
            match = _TAG.match(text, position)
            if match is None:
                raise EntityParseError(
                    f"Bad Request: can't parse entities: Unexpected '<' at byte offset {position}"
                )
            closing, name = match.group(1) == "/", match.group(2).lower()
            if name not in ALLOWED_TAGS:
                raise EntityParseError(
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}"'
                )
            if closing:
                if not open_tags or open_tags[-1] != name:
                    raise EntityParseError(
                        f'Bad Request: can\'t parse entities: Unmatched end tag "{name}"'
                    )
                open_tags.pop()
            else:
                open_tags.append(name)
            position = match.end()
        elif char == "&":
            match = _ENTITY.match(text, position)
            if match is None:
                raise EntityParseError(
                    f"Bad Request: can't parse entities: Unexpected '&' at byte offset {position}"
                )
            plain.append(html.unescape(match.group(0)))
            position = match.end()
        else:
            plain.append(char)
            position += 1
    if open_tags:
        raise EntityParseError(
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag "
            f'"{open_tags[-1]}"'
        )
    return "".join(plain)


def utf16_length(text: str) -> int:
    """Length as Telegram counts it: in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2
