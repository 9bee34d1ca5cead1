"""What the bot says about events. Pure functions of their arguments; user text is escaped."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from aiogram import html
from aiogram.utils.i18n import gettext as _

from crm.sales.event_participants import Participant
from db.enums import ParticipantStatus
from db.models import Event
from handlers.areas import AgendaShown

When = Callable[[datetime], str]
# The longest title a button shows before it is cut.
BUTTON_TITLE = 40


def _line(event: Event, when: When) -> str:
    parts = [f"#{event.id}", f"<b>{html.quote(event.title)}</b>", when(event.starts_at)]
    if event.place:
        parts.append(html.quote(event.place))
    if event.company is not None:
        parts.append(html.quote(event.company.name))
    return " · ".join(parts)


def upcoming(events: list[Event], going: set[int], when: When) -> str:
    """A client's /events: what is coming, and which they go to."""
    if not events:
        return _("No events are planned for now.")
    lines = [_("📅 Upcoming events (a button joins or leaves):")]
    for event in events:
        line = _line(event, when)
        if event.id in going:
            line += "\n" + _("✅ You are going.")
        lines.append(line)
    return "\n\n".join(lines)


def button(event: Event, going: bool) -> str:
    """What a press on the event's button will do."""
    title = event.title if len(event.title) <= BUTTON_TITLE else event.title[:BUTTON_TITLE] + "…"
    if going:
        return _("🚪 Leave: {title}").format(title=title)
    return _("✅ Join: {title}").format(title=title)


def joined(event: Event, changed: bool) -> str:
    if not changed:
        return _("You are already going to event #{event_id}.").format(event_id=event.id)
    return _(
        "You are going to event #{event_id} “{title}”. We will remind you the day before."
    ).format(event_id=event.id, title=html.quote(event.title))


def left(event: Event, changed: bool) -> str:
    if not changed:
        return _("You are not going to event #{event_id}.").format(event_id=event.id)
    return _("You left event #{event_id} “{title}”.").format(
        event_id=event.id, title=html.quote(event.title)
    )


def staff_upcoming(events: list[Event], going: dict[int, int], when: When) -> str:
    """Staff's /events: what is coming, with how many go to each."""
    if not events:
        return _("No events are planned for now.")
    lines = [_("📅 Upcoming events (who takes part: /events 3):")]
    for event in events:
        count = going.get(event.id, 0)
        lines.append(_line(event, when) + " · " + _("{count} going").format(count=count))
    return "\n".join(lines)


def event_card(event: Event, people: list[Participant], when: When) -> str:
    """An event with who takes part (for its organiser and the managers)."""
    lines = [_line(event, when)]
    if event.description:
        lines.append(html.quote(event.description))
    coming = [p for p in people if p.status is ParticipantStatus.GOING]
    gone = [p for p in people if p.status is ParticipantStatus.LEFT]
    lines.append("")
    lines.append(_("Going ({count}):").format(count=len(coming)))
    lines += [f"• {html.quote(p.client.full_name)}" for p in coming] or [_("nobody yet")]
    if gone:
        lines.append(_("Left ({count}):").format(count=len(gone)))
        lines += [f"• {html.quote(p.client.full_name)}" for p in gone]
    return "\n".join(lines)


def usage() -> str:
    return _("Write /events for the upcoming events, or /events 3 for who takes part in one.")


def agenda_event(shown: AgendaShown, event: Event) -> str:
    """An event the client joined, as a line of /agenda (handlers/overview/agenda.py)."""
    return _line(event, shown.when)
