"""The outbox's front: notifications are rendered in the recipient's language and written to the
outbox in the same transaction as the change; the sender in ``notifications/`` delivers.

What each area's messages say (texts, buttons) lives with the area (``crm/tickets/notices.py``);
this module only translates, splits and enqueues.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import Translator, translator
from crm.moments import written_day, written_moment
from crm.money import format_money
from crm.subjects import Subject
from crm.telegram_html import split_html
from db.enums import OutboxStatus
from db.models import Client, Employee, OutboxMessage
from db.outbox import note_written
from db.upsert import insert_all_absent, insert_if_absent

# An inline button as the Bot API takes it: {"text": ..., "callback_data": ...}.
Button = dict[str, str]


def button_data(prefix: str, action: str, record_id: int) -> str:
    """A button's callback data, ``<prefix>:<action>:<record id>``, as the bot's handlers read
    it (``prefix`` names the area: ``tk`` tickets, ``ct`` contracts)."""
    if ":" in action:
        raise ValueError(f"an action has no ':' in it: {action!r}")
    return f"{prefix}:{action}:{record_id}"


def outbox_row(
    chat_id: int,
    method: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    subject: Subject | None = None,
    dedupe_key: str | None = None,
) -> dict[str, Any]:
    """One outbox row's values: a Bot API call for ``chat_id``, due ``now``."""
    return {
        "chat_id": chat_id,
        "method": method,
        "payload": payload,
        "subject_kind": None if subject is None else subject.kind,
        "subject_id": None if subject is None else subject.id,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "dedupe_key": dedupe_key,
    }


async def queue_raw(
    session: AsyncSession,
    messages: Sequence[tuple[int, str, dict[str, Any], Subject | None]],
    *,
    now: datetime,
) -> None:
    """Queue Bot API calls as they are: ``(chat_id, method, parameters, subject)`` each.

    For answers the bot could not send at once: the sender delivers them with its retries.
    """
    for chat_id, method, payload, subject in messages:
        session.add(OutboxMessage(**outbox_row(chat_id, method, payload, now=now, subject=subject)))
    await session.flush()
    note_written(session)


async def already_queued(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    """Which of the dedupe ``keys`` (a message's first part: ``<key>#0``) are queued already:
    a job that is due again asks before it renders what it would only drop."""
    wanted = [first_part(key) for key in keys]
    found = await session.scalars(
        select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(wanted))
    )
    return {key.removesuffix("#0") for key in found if key is not None}


async def drop_pending(session: AsyncSession, key_prefix: str) -> None:
    """Take back the messages queued under dedupe keys starting with ``key_prefix`` that have
    not been tried yet (a reminder of something deleted or moved since)."""
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.dedupe_key.startswith(key_prefix, autoescape=True),
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts == 0,
            OutboxMessage.lease_until.is_(None),
        )
    )


def first_part(key: str) -> str:
    """The dedupe key of the first part of a message queued under ``key`` (``<key>#0``): the
    part that is there whatever the length of the text."""
    return f"{key}#0"


UTC_ZONE = ZoneInfo("UTC")


class Notifier:
    """Translates notifications into each recipient's language and enqueues them."""

    def __init__(
        self, default_language: str, currency: str = "EUR", zone: ZoneInfo = UTC_ZONE
    ) -> None:
        self.default_language = default_language
        self.currency = currency
        # The business time zone moments are written in.
        self.zone = zone

    def language_of(self, person: Client | Employee) -> str:
        """The language ``person`` chose; else (staff) the one their Telegram app was last seen
        in; else the business's default."""
        seen = person.telegram_language if isinstance(person, Employee) else None
        return person.language or seen or self.default_language

    def translator(self, language: str | None) -> Translator:
        """The translations into ``language`` (the default language when it is unknown)."""
        return translator(language or self.default_language)

    def translate(self, language: str | None, message: str) -> str:
        return self.translator(language).gettext(message)

    def money(self, language: str | None, amount: Decimal) -> str:
        """``amount`` in the business currency, as ``language`` writes it."""
        return format_money(amount, self.currency, language or self.default_language)

    def moment(self, language: str | None, value: datetime) -> str:
        """A date and time in the business time zone, as ``language`` writes them."""
        return written_moment(value, language or self.default_language, self.zone)

    def day(self, language: str | None, value: datetime) -> str:
        """A moment's day in the business time zone, as ``language`` writes it."""
        return written_day(value, language or self.default_language, self.zone)

    def _rows(
        self,
        chat_id: int,
        text: str,
        *,
        now: datetime,
        buttons: Sequence[Sequence[Button]] = (),
        subject: Subject | None = None,
        dedupe_key: str | None = None,
    ) -> list[dict[str, Any]]:
        """The outbox rows for one notification: ``text`` split to fit, buttons on the last."""
        parts = split_html(text)
        rows = []
        for number, part in enumerate(parts):
            payload: dict[str, Any] = {"text": part, "parse_mode": "HTML"}
            if buttons and number == len(parts) - 1:
                payload["reply_markup"] = {"inline_keyboard": [list(row) for row in buttons]}
            key = None if dedupe_key is None else f"{dedupe_key}#{number}"
            rows.append(
                outbox_row(
                    chat_id, "sendMessage", payload, now=now, subject=subject, dedupe_key=key
                )
            )
        return rows

    async def enqueue(
        self,
        session: AsyncSession,
        chat_id: int,
        text: str,
        *,
        now: datetime,
        buttons: Sequence[Sequence[Button]] = (),
        subject: Subject | None = None,
        dedupe_key: str | None = None,
    ) -> bool:
        """Queue ``text`` (split if too long) for ``chat_id``; False if ``dedupe_key`` was seen.

        A reply to the sent message is filed on ``subject``.
        """
        rows = self._rows(
            chat_id, text, now=now, buttons=buttons, subject=subject, dedupe_key=dedupe_key
        )
        for values in rows:
            if dedupe_key is None:
                session.add(OutboxMessage(**values))
            elif not await insert_if_absent(session, OutboxMessage, values, ["dedupe_key"]):
                return False
        await session.flush()
        note_written(session)
        return True

    async def enqueue_once(
        self,
        session: AsyncSession,
        messages: Sequence[tuple[int, str, str]],
        *,
        now: datetime,
        subjects: Mapping[str, Subject] | None = None,
    ) -> int:
        """Queue many ``(chat_id, text, dedupe_key)`` at once, skipping keys already queued.

        For a fan-out (the digest to every employee): one query and one bulk insert rather than
        a round trip each. ``subjects`` says, by dedupe key, what a message is about (a reply to
        it is filed there). Returns how many were queued now.
        """
        about = subjects or {}
        rows = [
            row
            for chat_id, text, key in messages
            for row in self._rows(chat_id, text, now=now, dedupe_key=key, subject=about.get(key))
        ]
        fresh = await insert_all_absent(session, OutboxMessage, rows, "dedupe_key")
        if fresh:
            note_written(session)
        return len({str(key).rsplit("#", 1)[0] for key in fresh})
