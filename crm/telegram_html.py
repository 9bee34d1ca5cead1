"""Telegram HTML: escaping, and splitting long texts into messages Telegram accepts."""

from __future__ import annotations

import html
import re

MAX_MESSAGE_LENGTH = 4096
_TOKEN = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>|&[#a-zA-Z0-9]+;|.", re.DOTALL)


def escape(text: str) -> str:
    """User text made safe for parse_mode HTML."""
    return html.escape(text, quote=False)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_html(text: str, limit: int = MAX_MESSAGE_LENGTH) -> list[str]:
    """``text`` cut into parts whose visible length fits ``limit`` (UTF-16 units).

    Cuts prefer a line break, never fall inside a tag or an entity, and tags open at a cut
    are closed before it and opened again after it, so each part is valid on its own.
    """
    if _units(text) <= limit:
        return [text]  # markup and entities only add to the length: it fits as it is
    parts: list[str] = []
    current: list[str] = []
    visible = 0
    open_tags: list[tuple[str, str]] = []  # (name, opening tag as written)
    last_break: int | None = None  # index in `current` just after the last newline

    def flush(upto: int, still_open: list[tuple[str, str]]) -> None:
        nonlocal current, visible, last_break
        head, tail = current[:upto], current[upto:]
        closing = "".join(f"</{name}>" for name, _ in reversed(still_open))
        parts.append("".join(head) + closing)
        current = [opening for _, opening in still_open] + tail
        visible = sum(_units(html.unescape(piece)) for piece in tail if not piece.startswith("<"))
        last_break = None

    for match in _TOKEN.finditer(text):
        piece = match.group(0)
        if match.group(2):  # a tag: no visible length
            name = match.group(2).lower()
            if match.group(1):
                if open_tags and open_tags[-1][0] == name:
                    open_tags.pop()
            else:
                open_tags.append((name, piece))
            current.append(piece)
            continue
        size = _units(html.unescape(piece))
        if visible + size > limit:
            # Cut at the last line break when it keeps tags balanced the same way; else here.
            cut = last_break if last_break is not None and not open_tags else len(current)
            flush(cut, list(open_tags))
        current.append(piece)
        visible += size
        if piece == "\n":
            last_break = len(current)
    if any(not piece.startswith("<") for piece in current) or not parts:
        parts.append("".join(current))
    return [part for part in parts if part.strip()]


_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*[^>]*>")


def plain_text(text: str) -> str:
    """What a reader sees of a Telegram HTML text (the bot's own): tags dropped, entities read."""
    return html.unescape(_TAG.sub("", text))
