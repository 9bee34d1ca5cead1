"""The notification centre: every notification a person got in Telegram (seed 003's
``Notifications``), listed for them on the site, unseen until they open it there or press a
button on it in Telegram.

The outbox already holds each one, written with the change that caused it; the centre reads a
person's rows there (by their Telegram chat) and marks them seen (``seen_at``). Only messages
count, not the bot's edits of earlier ones.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, bindparam, false, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import Area, NoticeKind, notice_kinds
from crm.errors import InvalidInput, NotFound
from crm.i18n import N_
from crm.overview.digest import DIGESTS
from crm.permissions import Actor, is_staff
from crm.telegram_html import plain_text
from db.enums import SubjectKind
from db.models import OutboxMessage

# The Bot API calls that are notifications (the rest edit messages already sent).
NOTIFYING_METHODS = ("sendMessage", "sendPhoto", "sendDocument")
PAGE = 50
# The header's count stops here ("99+").
COUNT_CAP = 100


def centre_kinds(areas: Iterable[Area]) -> list[NoticeKind]:
    """The kinds the centre files notifications by: those of the areas that are on, and the
    digests every business has."""
    return [*notice_kinds(areas), DIGESTS]


def _of_kind(kind: NoticeKind) -> ColumnElement[bool]:
    """The rows of one kind: about one of its records, or queued under one of its keys."""
    about = [OutboxMessage.subject_kind.in_(kind.subjects)] if kind.subjects else []
    keyed = [OutboxMessage.dedupe_key.startswith(f"{key}:", autoescape=True) for key in kind.keys]
    return or_(*about, *keyed) if about or keyed else false()


@dataclass(frozen=True)
class NotificationFilter:
    """The centre's filters: a kind (by name), the first and last day, unseen only."""

    kind: NoticeKind | None = None
    since: date | None = None
    until: date | None = None
    unseen: bool = False


def _kind_of(row: OutboxMessage, kinds: Sequence[NoticeKind]) -> NoticeKind | None:
    key = (row.dedupe_key or "").split(":", 1)[0]
    for kind in kinds:
        if row.subject_kind in kind.subjects or (row.dedupe_key and key in kind.keys):
            return kind
    return None


@dataclass(frozen=True)
class Notification:
    """One notification as the centre shows it."""

    id: int
    # What its kind is called (a msgid), None for what is of none (a late answer, say).
    kind: str | None
    text: str
    created_at: datetime
    seen_at: datetime | None
    subject_kind: SubjectKind | None
    subject_id: int | None


def _shown(row: OutboxMessage, kinds: Sequence[NoticeKind]) -> Notification:
    payload = row.payload or {}
    text = str(payload.get("text") or payload.get("caption") or "")
    kind = _kind_of(row, kinds)
    return Notification(
        row.id,
        None if kind is None else kind.label,
        plain_text(text) if payload.get("parse_mode") == "HTML" else text,
        row.created_at,
        row.seen_at,
        row.subject_kind,
        row.subject_id,
    )


def _mine(actor: Actor) -> ColumnElement[bool]:
    """The notifications ``actor`` (staff with a chat) got."""
    if not is_staff(actor) or actor.telegram_id is None:
        return false()
    return (OutboxMessage.chat_id == actor.telegram_id) & OutboxMessage.method.in_(
        NOTIFYING_METHODS
    )


async def list_notifications(
    session: AsyncSession,
    *,
    actor: Actor,
    wanted: NotificationFilter,
    kinds: Sequence[NoticeKind],
    zone: ZoneInfo,
    before: int | None = None,
) -> tuple[list[Notification], int | None]:
    """A page of ``actor``'s notifications, the newest first, and the id to continue before
    (None on the last page)."""
    where = [_mine(actor)]
    if wanted.kind is not None:
        where.append(_of_kind(wanted.kind))
    if wanted.since is not None:
        where.append(OutboxMessage.created_at >= datetime.combine(wanted.since, time(), zone))
    if wanted.until is not None:
        end = datetime.combine(wanted.until + timedelta(days=1), time(), zone)
        where.append(OutboxMessage.created_at < end)
    if wanted.unseen:
        where.append(OutboxMessage.seen_at.is_(None))
    if before is not None:
        where.append(OutboxMessage.id < before)
    rows = list(
        await session.scalars(
            select(OutboxMessage).where(*where).order_by(OutboxMessage.id.desc()).limit(PAGE + 1)
        )
    )
    more = len(rows) > PAGE
    rows = rows[:PAGE]
    return [_shown(row, kinds) for row in rows], rows[-1].id if more and rows else None


async def unseen_count(session: AsyncSession, *, actor: Actor) -> int:
    """How many of ``actor``'s notifications are unseen, up to ``COUNT_CAP``."""
    if not is_staff(actor) or actor.telegram_id is None:
        return 0
    unseen = (
        select(OutboxMessage.id)
        .where(_mine(actor), OutboxMessage.seen_at.is_(None))
        .limit(COUNT_CAP)
        .subquery()
    )
    return int(await session.scalar(select(func.count()).select_from(unseen)) or 0)


async def get_notification(
    session: AsyncSession, *, actor: Actor, notification_id: int, kinds: Sequence[NoticeKind]
) -> Notification:
    """One of ``actor``'s notifications."""
    row = await session.scalar(
        select(OutboxMessage).where(OutboxMessage.id == notification_id, _mine(actor))
    )
    if row is None:
        raise NotFound(N_("notification #{number} does not exist"), number=notification_id)
    return _shown(row, kinds)


async def mark_seen(
    session: AsyncSession, *, actor: Actor, notification_id: int, now: datetime
) -> None:
    """``actor`` opened one of their notifications: it is seen (from its first opening)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == notification_id, _mine(actor), OutboxMessage.seen_at.is_(None))
        .values(seen_at=now)
        .execution_options(synchronize_session=False)
    )


async def mark_all_seen(session: AsyncSession, *, actor: Actor, now: datetime) -> int:
    """Every notification of ``actor``'s is seen; how many were not."""
    if not is_staff(actor) or actor.telegram_id is None:
        raise InvalidInput(N_("you have no notifications"))
    done = await session.execute(
        update(OutboxMessage)
        .where(_mine(actor), OutboxMessage.seen_at.is_(None))
        .values(seen_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(done, "rowcount", 0) or 0)


# Built once: it runs on every button press.
_SEEN = (
    update(OutboxMessage)
    .where(
        OutboxMessage.chat_id == bindparam("chat"),
        OutboxMessage.seen_at.is_(None),
        OutboxMessage.message_id == bindparam("message"),
    )
    .values(seen_at=bindparam("now"))
    .execution_options(synchronize_session=False)
)


async def seen_in_chat(
    session: AsyncSession, *, actor: Actor, chat_id: int, message_id: int, now: datetime
) -> None:
    """``actor`` pressed a button on a chat message: the notification it was is seen. Only
    staff have a notification centre; a client's press writes nothing."""
    if not is_staff(actor):
        return
    await session.execute(_SEEN, {"chat": chat_id, "message": message_id, "now": now})
