"""What ticket changes tell whom: the texts and buttons of ticket notifications and the digest.

Rendered in each recipient's language inside the business transaction, and queued through the
notifier with the ticket as their subject, so that a reply to one is filed on the ticket.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from crm.i18n import N_, numbered
from crm.notify import Button, Notifier, button_data
from crm.subjects import Subject
from crm.telegram_html import escape
from crm.tickets.rules import CLIENT_STATUS_NAMES, STATUS_NAMES
from db.enums import SubjectKind, TicketStatus
from db.models import Employee, Ticket

# Callback data of ticket buttons: "tk:<action>:<ticket id>", read by the bot's
# handlers.keyboards.TicketAction. Actions are "view", "take", "files", or a status to move to.
TICKET_CALLBACK_PREFIX = "tk"
PREVIEW_LENGTH = 600


# What a client hears when their ticket is open: in the bot's answer, or told when staff open it.
TICKET_OPENED = N_(
    "✅ Request #{ticket_id} is open. We will write to you here; reply to this message "
    "to add something."
)


def ticket_button_data(action: str, ticket_id: int) -> str:
    """The callback data of a button acting on a ticket, for the bot's keyboards and notices."""
    return button_data(TICKET_CALLBACK_PREFIX, action, ticket_id)


def ticket_button(text: str, action: str, ticket_id: int) -> Button:
    """An inline button acting on a ticket, as a notification carries it."""
    return {"text": text, "callback_data": ticket_button_data(action, ticket_id)}


def preview(text: str, length: int = PREVIEW_LENGTH) -> str:
    """The start of a long user text, for a notification (the full text is in the card)."""
    return text if len(text) <= length else text[: length - 1] + "…"


def status_name(
    notifier: Notifier, language: str | None, status: TicketStatus, *, for_client: bool = False
) -> str:
    names = CLIENT_STATUS_NAMES if for_client else STATUS_NAMES
    return notifier.translate(language, names[status])


def ticket_subject(ticket_id: int) -> Subject:
    """A ticket as what a message is about: a reply to that message is filed on it."""
    return Subject(SubjectKind.TICKET, ticket_id)


async def _to_client(
    session: AsyncSession, notifier: Notifier, ticket: Ticket, text: str, now: datetime
) -> None:
    client = ticket.client
    if client.telegram_id is None or client.unreachable:
        return  # nothing waits on a client we cannot reach
    await notifier.enqueue(
        session, client.telegram_id, text, now=now, subject=ticket_subject(ticket.id)
    )


async def opened_for_client(
    session: AsyncSession, notifier: Notifier, ticket: Ticket, *, now: datetime
) -> None:
    """A ticket staff opened for the client: they hear it is open, and a reply to that message
    is filed on it."""
    text = notifier.translate(notifier.language_of(ticket.client), TICKET_OPENED)
    await _to_client(session, notifier, ticket, text.format(ticket_id=ticket.id), now)


async def ticket_assigned(
    session: AsyncSession, notifier: Notifier, ticket: Ticket, *, now: datetime
) -> None:
    """The new assignee gets the ticket with buttons; the client hears who handles it."""
    assignee = ticket.assignee
    assert assignee is not None
    if assignee.telegram_id is not None:
        _ = notifier.translator(notifier.language_of(assignee)).gettext
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
        await notifier.enqueue(
            session,
            assignee.telegram_id,
            "\n".join(lines),
            now=now,
            buttons=buttons,
            subject=ticket_subject(ticket.id),
        )
    lang = notifier.language_of(ticket.client)
    text = notifier.translate(lang, N_("👤 {name} is now handling your request #{ticket_id}."))
    await _to_client(
        session,
        notifier,
        ticket,
        text.format(name=escape(assignee.full_name), ticket_id=ticket.id),
        now,
    )


async def status_changed(
    session: AsyncSession, notifier: Notifier, ticket: Ticket, *, now: datetime
) -> None:
    """The client hears of every status change, with what it asks of them."""
    lang = notifier.language_of(ticket.client)
    text = notifier.translate(lang, N_("🔔 Request #{ticket_id}: {status}.")).format(
        ticket_id=ticket.id, status=status_name(notifier, lang, ticket.status, for_client=True)
    )
    hint = {
        TicketStatus.WAITING: N_("We need an answer from you: reply to this message."),
        TicketStatus.RESOLVED: N_("Is everything fine? If not, reply to this message."),
    }.get(ticket.status)
    if hint:
        text += "\n" + notifier.translate(lang, hint)
    await _to_client(session, notifier, ticket, text, now)


async def staff_replied(
    session: AsyncSession,
    notifier: Notifier,
    ticket: Ticket,
    author: Employee,
    reply: str,
    *,
    now: datetime,
) -> None:
    """The client gets the answer in full."""
    lang = notifier.language_of(ticket.client)
    head = notifier.translate(lang, N_("💬 {name} on request #{ticket_id}:")).format(
        name=escape(author.full_name), ticket_id=ticket.id
    )
    tail = notifier.translate(lang, N_("Reply to this message to answer."))
    await _to_client(session, notifier, ticket, f"{head}\n{escape(reply)}\n\n{tail}", now)


async def client_wrote(
    session: AsyncSession, notifier: Notifier, ticket: Ticket, message: str, *, now: datetime
) -> None:
    """The assignee hears what the client added."""
    assignee = ticket.assignee
    if assignee is None or assignee.telegram_id is None:
        return  # an unassigned ticket waits in the queue
    lang = notifier.language_of(assignee)
    head = notifier.translate(lang, N_("✉️ {name} wrote on ticket #{ticket_id}:")).format(
        name=escape(ticket.client.full_name), ticket_id=ticket.id
    )
    buttons = [[ticket_button(notifier.translate(lang, N_("Open the card")), "view", ticket.id)]]
    await notifier.enqueue(
        session,
        assignee.telegram_id,
        f"{head}\n{escape(message)}",
        now=now,
        buttons=buttons,
        subject=ticket_subject(ticket.id),
    )


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


def digest_text(
    notifier: Notifier, language: str | None, lines: Sequence[DigestLine], queue_size: int | None
) -> str:
    """Open tickets, one line each, and the queue for managers, in ``language``."""
    tr = notifier.translator(language)
    _ = tr.gettext
    text = [_("☀️ Your open tickets: {count}").format(count=len(lines))]
    for line in lines:
        text.append(
            f"{numbered(tr, 'ticket', line.ticket_id)} · "
            f"{status_name(notifier, language, line.status)} · "
            f"{escape(line.client_name)}: {escape(preview(line.title, 60))}"
        )
    if queue_size:
        text += ["", _("Unassigned in the queue: {count} (/queue)").format(count=queue_size)]
    return "\n".join(text)
