"""Answers to the person who wrote leave after the update's transaction has committed.

A handler answers the usual aiogram way (``message.answer(...)``, ``callback.answer(...)``).
While its update's transaction is open, :class:`AnswersAfterCommit` keeps those calls instead
of sending them, so the business change never waits on Telegram and never depends on it: a
refused, throttled or failed answer cannot roll back what the person asked for, and a change
that rolls back sends no answer describing it. Once committed, :func:`deliver` sends them in
order; an answer Telegram cannot take now (429, 5xx, the network) goes to the outbox with the
rest, where the sender's retry rules apply; an answer Telegram refuses (400) is logged and
dropped, or replaced by what the handler said goes instead (``handlers.replies.unless_refused``:
a card edited in place, else sent anew); a callback answer is never retried (Telegram forgets
the query within seconds).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

from crm.notify import queue_raw
from crm.subjects import Subject, remember_message
from db.base import utcnow
from db.engine import Database
from handlers.replies import answered_about, answered_instead
from notifications.sender import OUTBOX_METHODS
from notifications.sent import sent_message_ids

log = logging.getLogger(__name__)


def _kept_back(method: TelegramMethod[Any]) -> bool:
    """Whether a handler's call waits for the commit: everything it does (send, edit, answer a
    button, set a menu), not a question whose answer it needs at once (getFile, getMe...)."""
    return not method.__api_method__.startswith("get")


@dataclass(frozen=True)
class Answer:
    """A call a handler made, kept until its update commits, and what goes if it is refused."""

    method: TelegramMethod[Any]
    subject: Subject | None
    instead: tuple[TelegramMethod[Any], ...] = ()


_kept: ContextVar[list[Answer] | None] = ContextVar("answers_kept", default=None)


def keep_answers() -> tuple[list[Answer], Token[list[Answer] | None]]:
    """From now on in this context, answers are kept; returns them and the token to stop."""
    answers: list[Answer] = []
    return answers, _kept.set(answers)


def stop_keeping(token: Token[list[Answer] | None]) -> None:
    _kept.reset(token)


class AnswersAfterCommit(BaseRequestMiddleware):
    """Keeps the answers of a handler whose update is being applied (see the module)."""

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        kept = _kept.get()
        if kept is None or not _kept_back(method):
            return await make_request(bot, method)
        kept.append(Answer(method, answered_about(), answered_instead()))
        # The handler gets None for the sent message: what it needed from it (the message id,
        # to link a ticket) is said with ``handlers.replies.about`` instead.
        return None  # type: ignore[return-value]


def _payload(method: TelegramMethod[Any]) -> dict[str, Any]:
    # The bot's defaults (parse_mode) are left out and applied again when the row is sent.
    return method.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


async def deliver(
    bot: Bot,
    database: Database,
    answers: list[Answer],
    *,
    wake_sender: Callable[[], None] | None = None,
) -> None:
    """Send a committed update's answers in order; what cannot go now goes to the outbox."""
    links: list[tuple[int, int, Subject]] = []
    waiting = list(answers)
    while waiting:
        answer = waiting.pop(0)
        try:
            result = await bot(answer.method)
        except TelegramBadRequest as error:
            log.warning(
                "answer %s refused by Telegram, %s: %s",
                answer.method.__api_method__,
                "replaced" if answer.instead else "dropped",
                error.message,
            )
            waiting[:0] = [Answer(method, answer.subject) for method in answer.instead]
            continue
        except Exception as error:
            # 429, 5xx, 403, the network: the rest goes through the outbox, in order, where
            # the sender waits, retries, or marks a chat that blocked the bot.
            log.info("answers not sent now (%s); handed to the outbox", error)
            await _to_outbox(database, [answer, *waiting])
            if wake_sender is not None:
                wake_sender()
            break
        if answer.subject is not None and (ids := sent_message_ids(result)) is not None:
            links.append((*ids, answer.subject))
    if links:
        try:
            async with database.writer() as session, session.begin():
                now = utcnow()
                for chat_id, message_id, subject in links:
                    await remember_message(
                        session, chat_id=chat_id, message_id=message_id, subject=subject, now=now
                    )
        except Exception:
            log.exception("could not link sent answers to their subjects")


async def _to_outbox(database: Database, answers: list[Answer]) -> None:
    rows = []
    for answer in answers:
        chat_id = getattr(answer.method, "chat_id", None)
        # Worth sending late: what lands in a chat. A late callback answer or command menu is
        # worth nothing (Telegram has forgotten the query; menus are set again).
        name = answer.method.__api_method__
        if name in OUTBOX_METHODS and isinstance(chat_id, int):
            payload = _payload(answer.method)
            payload.pop("chat_id", None)
            rows.append((chat_id, name, payload, answer.subject))
    dropped = len(answers) - len(rows)
    if dropped:
        log.info("%s answers that are worthless late were dropped", dropped)
    if not rows:
        return
    try:
        async with database.writer() as session, session.begin():
            await queue_raw(session, rows, now=utcnow())
    except Exception:
        log.exception("could not hand %s answers to the outbox; they are lost", len(rows))
