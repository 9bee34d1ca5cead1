"""Answers about a record, and Telegram replies to them filed on that record.

A handler's answers leave only after its update's transaction commits, so the message id
Telegram gives an answer is not known inside the handler; the handler says what the answers it
sends are about (``with about(ticket_subject(ticket.id)):``), and the link is recorded once
they are sent. A person's reply to such a message (or to a notification) is handed to the area
that owns the subject's kind: each area registers the function that files a reply on its records.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiogram.methods import TelegramMethod
from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

from crm.notify import Notifier
from crm.permissions import Actor
from crm.subjects import Subject, subject_of_message
from db.enums import SubjectKind

_about: ContextVar[Subject | None] = ContextVar("answers_about", default=None)


@contextmanager
def about(subject: Subject) -> Iterator[None]:
    """The answers sent inside this block are about ``subject``."""
    token = _about.set(subject)
    try:
        yield
    finally:
        _about.reset(token)


def answered_about() -> Subject | None:
    """What the answer being sent now is about, if anything."""
    return _about.get()


_instead: ContextVar[tuple[TelegramMethod[Any], ...]] = ContextVar("answers_instead", default=())


@contextmanager
def unless_refused(*instead: TelegramMethod[Any]) -> Iterator[None]:
    """An answer sent inside this block that Telegram refuses (an edit of a message too old or
    gone) is replaced by ``instead``: the card edited in place, else sent anew."""
    token = _instead.set(instead)
    try:
        yield
    finally:
        _instead.reset(token)


def answered_instead() -> tuple[TelegramMethod[Any], ...]:
    """What goes instead of the answer being sent now if Telegram refuses it."""
    return _instead.get()


@dataclass(frozen=True)
class ReplyContext:
    """What a reply filer works with: who replied, the update's transaction and moment, the
    notifier."""

    actor: Actor
    session: AsyncSession
    notifier: Notifier
    now: datetime


# Files ``message`` on the record with that id; False if it cannot (closed or gone since).
ReplyFiler = Callable[[Message, int, ReplyContext], Awaitable[bool]]
ReplyFilers = Mapping[SubjectKind, ReplyFiler]


async def file_reply(message: Message, filers: ReplyFilers, context: ReplyContext) -> bool:
    """File a Telegram reply on the subject of the message it answers; False if it has none."""
    replied_to = message.reply_to_message
    if replied_to is None:
        return False
    subject = await subject_of_message(
        context.session, chat_id=message.chat.id, message_id=replied_to.message_id
    )
    filer = None if subject is None else filers.get(subject.kind)
    if subject is None or filer is None:
        return False
    return await filer(message, subject.id, context)
