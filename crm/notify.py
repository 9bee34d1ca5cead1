"""What each change tells whom. Messages are rendered in the recipient's language and written
to the outbox in the same transaction as the change; the sender in ``notifications/`` delivers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import N_, Catalogs
from crm.telegram_html import escape, split_html
from crm.ticket_rules import CLIENT_STATUS_NAMES, STATUS_NAMES
from db.base import utcnow
from db.enums import OutboxStatus, TicketStatus
from db.models import Client, Employee, OutboxMessage, Ticket
from db.outbox import note_written
from db.upsert import insert_all_absent, insert_if_absent

# Callback data of ticket buttons: "tk:<action>:<ticket id>", as handlers.keyboards.TicketAction
# packs it. Actions are "view", "take", "files", or a status to move to.
TICKET_CALLBACK_PREFIX = "tk"
PREVIEW_LENGTH = 600


def ticket_button(text: str, action: str, ticket_id: int) -> dict[str, str]:
    """An inline button acting on a ticket."""
    return {"text": text, "callback_data": f"{TICKET_CALLBACK_PREFIX}:{action}:{ticket_id}"}


def preview(text: str, length: int = PREVIEW_LENGTH) -> str:
    """The start of a long user text, for a notification (the full text is in the card)."""
    return text if len(text) <= length else text[: length - 1] + "…"


async def queue_raw(
    session: AsyncSession, messages: Sequence[tuple[int, str, dict[str, Any], int | None]]
) -> None:
    """Queue Bot API calls as they are: ``(chat_id, method, parameters, ticket id)`` each.

    For answers the bot could not send at once: the sender delivers them with its retries.
    """
    now = utcnow()
    for chat_id, method, payload, ticket_id in messages:
        session.add(
            OutboxMessage(
                chat_id=chat_id,
                method=method,
                payload=payload,
                ticket_id=ticket_id,
                status=OutboxStatus.PENDING,
                attempts=0,
                next_attempt_at=now,
                created_at=now,
            )
        )
    await session.flush()
    note_written(session)


@dataclass(frozen=True, slots=True)
class DigestLine:
    """One ticket in a digest: plain values, so a digest for thousands loads no ORM objects."""

    ticket_id: int
    status: TicketStatus
    client_name: str
    title: str

    @classmethod
    def of(cls, ticket: Ticket) -> DigestLine:
        return cls(ticket.id, ticket.status, ticket.client.full_name, ticket.title)


class Notifier:
    """Renders notifications in each recipient's language and enqueues them."""

    def __init__(self, default_language: str) -> None:
        self.default_language = default_language
        self.catalogs = Catalogs()

    def language_of(self, person: Client | Employee) -> str:
        return person.language or self.default_language

    def translate(self, language: str, message: str) -> str:
        return self.catalogs.translator(language).gettext(message)

    def status_name(self, language: str, status: TicketStatus, *, for_client: bool = False) -> str:
        names = CLIENT_STATUS_NAMES if for_client else STATUS_NAMES
        return self.translate(language, names[status])

    def _rows(
        self,
        chat_id: int,
        text: str,
        *,
        buttons: Sequence[Sequence[dict[str, str]]] = (),
        ticket_id: int | None = None,
        dedupe_key: str | None = None,
    ) -> list[dict[str, Any]]:
        """The outbox rows for one notification: ``text`` split to fit, buttons on the last."""
        parts = split_html(text)
        now = utcnow()
        rows = []
        for number, part in enumerate(parts):
            payload: dict[str, Any] = {"text": part, "parse_mode": "HTML"}
            if buttons and number == len(parts) - 1:
                payload["reply_markup"] = {"inline_keyboard": [list(row) for row in buttons]}
            rows.append(
                {
                    "chat_id": chat_id,
                    "method": "sendMessage",
                    "payload": payload,
                    "ticket_id": ticket_id,
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                    "dedupe_key": None if dedupe_key is None else f"{dedupe_key}#{number}",
                }
            )
        return rows

    async def enqueue(
        self,
        session: AsyncSession,
        chat_id: int,
        text: str,
        *,
        buttons: Sequence[Sequence[dict[str, str]]] = (),
        ticket_id: int | None = None,
        dedupe_key: str | None = None,
    ) -> bool:
        """Queue ``text`` (split if too long) for ``chat_id``; False if ``dedupe_key`` was seen."""
        rows = self._rows(
            chat_id, text, buttons=buttons, ticket_id=ticket_id, dedupe_key=dedupe_key
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
        self, session: AsyncSession, messages: Sequence[tuple[int, str, str]]
    ) -> int:
        """Queue many ``(chat_id, text, dedupe_key)`` at once, skipping keys already queued.

        For a fan-out (the digest to every employee): one query and one bulk insert rather than
        a round trip each. Returns how many were queued now.
        """
        rows = [
            row
            for chat_id, text, key in messages
            for row in self._rows(chat_id, text, dedupe_key=key)
        ]
        fresh = await insert_all_absent(session, OutboxMessage, rows, "dedupe_key")
        if fresh:
            note_written(session)
        return len({str(key).rsplit("#", 1)[0] for key in fresh})

    async def _to_client(self, session: AsyncSession, ticket: Ticket, text: str) -> None:
        client = ticket.client
        if client.telegram_id is None or client.unreachable:
            return  # nothing waits on a client we cannot reach
        await self.enqueue(session, client.telegram_id, text, ticket_id=ticket.id)

    async def ticket_assigned(self, session: AsyncSession, ticket: Ticket) -> None:
        """The new assignee gets the ticket with buttons; the client hears who handles it."""
        assignee = ticket.assignee
        assert assignee is not None
        if assignee.telegram_id is not None:
            lang = self.language_of(assignee)
            _ = partial(self.translate, lang)
            lines = [
                _("📌 Ticket #{ticket_id} is assigned to you.").format(ticket_id=ticket.id),
                _("Client: {name}").format(name=escape(ticket.client.full_name)),
            ]
            if ticket.client.phone:
                lines.append(_("Phone: {phone}").format(phone=escape(ticket.client.phone)))
            lines += ["", escape(preview(ticket.description))]
            if ticket.attachments:
                lines.append(_("📎 Files: {count}").format(count=len(ticket.attachments)))
            buttons = [
                [
                    ticket_button(_("Open the card"), "view", ticket.id),
                    ticket_button(_("Start work"), TicketStatus.IN_PROGRESS.value, ticket.id),
                ]
            ]
            await self.enqueue(
                session,
                assignee.telegram_id,
                "\n".join(lines),
                buttons=buttons,
                ticket_id=ticket.id,
            )
        lang = self.language_of(ticket.client)
        text = self.translate(lang, N_("👤 {name} is now handling your request #{ticket_id}."))
        await self._to_client(
            session, ticket, text.format(name=escape(assignee.full_name), ticket_id=ticket.id)
        )

    async def status_changed(self, session: AsyncSession, ticket: Ticket) -> None:
        """The client hears of every status change, with what it asks of them."""
        lang = self.language_of(ticket.client)
        text = self.translate(lang, N_("🔔 Request #{ticket_id}: {status}.")).format(
            ticket_id=ticket.id, status=self.status_name(lang, ticket.status, for_client=True)
        )
        hint = {
            TicketStatus.WAITING: N_("We need an answer from you: reply to this message."),
            TicketStatus.RESOLVED: N_("Is everything fine? If not, reply to this message."),
        }.get(ticket.status)
        if hint:
            text += "\n" + self.translate(lang, hint)
        await self._to_client(session, ticket, text)

    async def staff_replied(
        self, session: AsyncSession, ticket: Ticket, author: Employee, reply: str
    ) -> None:
        """The client gets the answer in full."""
        lang = self.language_of(ticket.client)
        head = self.translate(lang, N_("💬 {name} on request #{ticket_id}:")).format(
            name=escape(author.full_name), ticket_id=ticket.id
        )
        tail = self.translate(lang, N_("Reply to this message to answer."))
        await self._to_client(session, ticket, f"{head}\n{escape(reply)}\n\n{tail}")

    async def client_wrote(self, session: AsyncSession, ticket: Ticket, message: str) -> None:
        """The assignee hears what the client added."""
        assignee = ticket.assignee
        if assignee is None or assignee.telegram_id is None:
            return  # an unassigned ticket waits in the queue
        lang = self.language_of(assignee)
        head = self.translate(lang, N_("✉️ {name} wrote on ticket #{ticket_id}:")).format(
            name=escape(ticket.client.full_name), ticket_id=ticket.id
        )
        buttons = [[ticket_button(self.translate(lang, N_("Open the card")), "view", ticket.id)]]
        await self.enqueue(
            session,
            assignee.telegram_id,
            f"{head}\n{escape(message)}",
            buttons=buttons,
            ticket_id=ticket.id,
        )

    def digest_text(
        self, language: str | None, lines: Sequence[DigestLine], queue_size: int | None
    ) -> str:
        """Open tickets, one line each, and the queue for managers, in ``language``."""
        lang = language or self.default_language
        _ = partial(self.translate, lang)
        text = [_("☀️ Your open tickets: {count}").format(count=len(lines))]
        for line in lines:
            text.append(
                f"#{line.ticket_id} · {self.status_name(lang, line.status)} · "
                f"{escape(line.client_name)}: {escape(preview(line.title, 60))}"
            )
        if queue_size:
            text += ["", _("Unassigned in the queue: {count} (/queue)").format(count=queue_size)]
        return "\n".join(text)
