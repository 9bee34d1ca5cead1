"""What the bot says about tickets. Pure functions; every piece of user text is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from aiogram import html
from aiogram.utils.i18n import gettext as _

from crm.tickets.notices import TICKET_OPENED
from crm.tickets.rules import CLIENT_STATUS_NAMES, STATUS_NAMES
from db.enums import AttachmentKind, TicketEventKind, TicketStatus
from db.models import Ticket, TicketAttachment, TicketEvent
from handlers import written

LABEL_LENGTH = 40


def status_name(status: TicketStatus, *, for_client: bool = False) -> str:
    return _((CLIENT_STATUS_NAMES if for_client else STATUS_NAMES)[status])


def short(text: str, length: int = LABEL_LENGTH) -> str:
    return text if len(text) <= length else text[: length - 1] + "…"


def label(ticket: Ticket) -> str:
    """A client's button label: ``#12 · in progress · Laptop fan``."""
    return short(
        f"{written.number('ticket', ticket.id)} · "
        f"{status_name(ticket.status, for_client=True)} · {ticket.title}",
        60,
    )


def staff_label(ticket: Ticket) -> str:
    """A staff button label: ``#12 · Maria Lopez · Laptop fan``."""
    return short(
        f"{written.number('ticket', ticket.id)} · {ticket.client.full_name} · {ticket.title}", 60
    )


def line(ticket: Ticket, *, for_staff: bool) -> str:
    """One line of a listing; staff also see whose ticket it is."""
    who = f"{html.quote(ticket.client.full_name)}: " if for_staff else ""
    status = status_name(ticket.status, for_client=not for_staff)
    return (
        f"{written.number('ticket', ticket.id)} · {status} · {who}{html.quote(short(ticket.title))}"
    )


def ask_description() -> str:
    return _(
        "Describe your request in one message: text, a photo with a caption, or a document. "
        "/cancel to stop."
    )


def need_description() -> str:
    return _("Please send text, a photo or a document, or /cancel.")


def choose_department() -> str:
    return _("Which department is it for?")


def unknown_department() -> str:
    return _("I don't know")


def ticket_opened(ticket: Ticket) -> str:
    """The confirmation, naming the department the client chose (if any)."""
    opened = _(TICKET_OPENED).format(ticket_id=ticket.id)
    if ticket.department is None:
        return opened
    department = _("Department: {name}").format(name=html.quote(ticket.department.name))
    return f"{opened}\n{department}"


def filed(ticket: Ticket, reopened: bool) -> str:
    if reopened:
        return _("Added to request #{ticket_id}, and we reopened it.").format(ticket_id=ticket.id)
    return _("Added to request #{ticket_id}.").format(ticket_id=ticket.id)


def new_or_existing(has_open: bool) -> str:
    if has_open:
        return _("Is this a new request, or about one of your open requests?")
    return _("Shall I open a new request with this message?")


def new_request_button() -> str:
    return _("🆕 New request")


def drop_button() -> str:
    return _("Never mind")


def dropped() -> str:
    return _("All right, I have not filed it.")


def nothing_pending() -> str:
    return _("That message is already taken care of.")


def client_tickets(tickets: Sequence[Ticket]) -> str:
    if not tickets:
        return _("You have no requests yet. /new opens one.")
    return _("Your requests (press one to see its history):")


def client_status(open_tickets: Sequence[Ticket]) -> str:
    if not open_tickets:
        return _("You have no open requests. /new opens one.")
    lines = [_("Open requests:")]
    lines += [line(ticket, for_staff=False) for ticket in open_tickets]
    return "\n".join(lines)


def queue(tickets: Sequence[Ticket]) -> str:
    if not tickets:
        return _("The queue is empty: every open ticket has someone on it.")
    return "\n".join(
        [_("Waiting for someone ({count}):").format(count=len(tickets))]
        + [line(ticket, for_staff=True) for ticket in tickets]
    )


def my_tickets(tickets: Sequence[Ticket]) -> str:
    if not tickets:
        return _("You have no open tickets.")
    return "\n".join(
        [_("Your open tickets ({count}):").format(count=len(tickets))]
        + [line(ticket, for_staff=True) for ticket in tickets]
    )


def _when(moment: datetime, zone: ZoneInfo) -> str:
    return written.moment(moment, zone)


def _author(event: TicketEvent) -> str:
    if event.author_employee is not None:
        return html.quote(event.author_employee.full_name)
    if event.author_client is not None:
        return html.quote(event.author_client.full_name)
    return _("someone")


def _files_line(files: Sequence[TicketAttachment]) -> str:
    """What a message with no text but a file shows in the history."""
    if all(file.kind is AttachmentKind.PHOTO for file in files):
        return _("sent a photo")
    names = ", ".join(html.quote(file.file_name or _("a file")) for file in files)
    return _("sent a file: {name}").format(name=names)


def _event_line(
    event: TicketEvent, for_client: bool, files: Sequence[TicketAttachment] = (), *, zone: ZoneInfo
) -> str:
    who = _author(event)
    text = html.quote(event.text or "")
    kind = event.kind
    if kind is TicketEventKind.CREATED:
        what = _("opened the request")
    elif kind is TicketEventKind.ASSIGNED:
        what = _("assigned it to {name}").format(name=html.quote(event.to_value or ""))
    elif kind is TicketEventKind.STATUS:
        old, new = (
            status_name(TicketStatus(value), for_client=for_client) if value else ""
            for value in (event.from_value, event.to_value)
        )
        what = f"{old} → {new}"
    elif kind is TicketEventKind.REPLY:
        what = _("answered: {text}").format(text=text)
    elif kind is TicketEventKind.NOTE:
        what = _("🔒 note: {text}").format(text=text)
    elif not text and files:
        what = _files_line(files)
    else:
        what = _("wrote: {text}").format(text=text)
    return f"{_when(event.created_at, zone)} · {who}: {what}"


def card(ticket: Ticket, history: Sequence[TicketEvent], *, for_staff: bool, zone: ZoneInfo) -> str:
    """The ticket's card, with the ``history`` its reader may read
    (``crm.visibility.ticket_history``)."""
    lines = [html.bold(f"#{ticket.id} · {status_name(ticket.status, for_client=not for_staff)}")]
    client = html.quote(ticket.client.full_name)
    if for_staff:
        phone = f" ({html.quote(ticket.client.phone)})" if ticket.client.phone else ""
        lines.append(_("Client: {name}").format(name=client) + phone)
        if ticket.client.unreachable:
            lines.append(_("⚠️ The client blocked the bot: they cannot be reached here."))
    assignee = html.quote(ticket.assignee.full_name) if ticket.assignee else _("nobody yet")
    lines.append(_("Assignee: {name}").format(name=assignee))
    if ticket.department is not None:
        lines.append(_("Department: {name}").format(name=html.quote(ticket.department.name)))
    lines.append(_("Opened: {when}").format(when=_when(ticket.created_at, zone)))
    if ticket.attachments:
        lines.append(_("📎 Files: {count}").format(count=len(ticket.attachments)))
    lines += ["", html.quote(ticket.description) if ticket.description else "—", ""]
    lines.append(html.bold(_("History")))
    lines += [
        _event_line(
            event,
            for_client=not for_staff,
            files=[file for file in ticket.attachments if file.event_id == event.id],
            zone=zone,
        )
        for event in history
    ]
    return "\n".join(lines)


def action_label(action: str) -> str:
    if action == "take":
        return _("✋ Take it")
    if action == "files":
        return _("📎 Files")
    return "→ " + status_name(TicketStatus(action))


def assigned(ticket: Ticket) -> str:
    name = html.quote(ticket.assignee.full_name) if ticket.assignee else ""
    return _("#{ticket_id} is assigned to {name}; they and the client are told.").format(
        ticket_id=ticket.id, name=name
    )


def taken(ticket: Ticket) -> str:
    return _("#{ticket_id} is yours now.").format(ticket_id=ticket.id)


def moved(ticket: Ticket) -> str:
    return _("#{ticket_id} is now {status}; the client is told.").format(
        ticket_id=ticket.id, status=status_name(ticket.status)
    )


def replied(ticket: Ticket) -> str:
    return _("Your answer on #{ticket_id} goes to {name}.").format(
        ticket_id=ticket.id, name=html.quote(ticket.client.full_name)
    )


def noted(ticket: Ticket) -> str:
    return _("Note added to #{ticket_id} (the client does not see it).").format(ticket_id=ticket.id)


def usage(command: str) -> str:
    forms = {
        "ticket": _("/ticket <ticket id>"),
        "assign": _("/assign <ticket id> <@username or employee id>"),
        "take": _("/take <ticket id>"),
        "status": _("/status <ticket id> <status>"),
        "reply": _("/reply <ticket id> <text>"),
        "note": _("/note <ticket id> <text>"),
    }
    return _("Usage: {form}").format(form=html.quote(forms[command]))


def no_files() -> str:
    return _("This ticket has no files.")
