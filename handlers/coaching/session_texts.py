"""What the bot says about coaching sessions and requests: cards, listings, the staff's answers.
Pure functions; every piece of user text is escaped; moments are shown in the business time
zone by the ``when`` function the handler passes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from aiogram import html
from aiogram.utils.i18n import gettext as _

from crm.coaching.recordings import RECORDING_KIND_NAMES
from crm.coaching.rules import SESSION_STATUS_NAMES
from crm.coaching.sessions import rating_and_comment_of
from crm.permissions import Actor
from db.enums import RecordingKind, SessionFormat, SessionStatus
from db.models import Client, CoachingRequest, CoachingSession, Recording
from handlers import written

# A moment as the business writes it (its time zone): ``2026-12-04 18:30``.
When = Callable[[datetime], str]

RECORDING_ICONS = {
    RecordingKind.AUDIO: "🎧",
    RecordingKind.VOICE: "🎤",
    RecordingKind.VIDEO: "🎬",
    RecordingKind.LINK: "🔗",
}


def status_name(status: SessionStatus) -> str:
    return _(SESSION_STATUS_NAMES[status])


def usage(command: str) -> str:
    forms = {
        "plan": _(
            "/plan <client id or @username>[,more clients] <YYYY-MM-DD HH:MM> [minutes] [online]"
        ),
        "session": _("/session <session id>"),
        "report": _("/report <session id>"),
    }
    return _("Usage: {form}").format(form=html.quote(forms[command]))


def planned(meeting: CoachingSession, when: When) -> str:
    """The coach's answer to /plan (or to an accepted request)."""
    lines = [
        _("📅 Session #{session_id} with {name} is planned: {when}, {minutes} min.").format(
            session_id=meeting.id,
            name=html.quote(meeting.client.full_name),
            when=when(meeting.starts_at),
            minutes=meeting.minutes,
        )
    ]
    if meeting.format is SessionFormat.ONLINE and meeting.video_link:
        lines.append(_("Online: {link}").format(link=html.quote(meeting.video_link)))
    lines.append(_("The client is told."))
    return "\n".join(lines)


def recorded(meeting: CoachingSession, when: When) -> str:
    """The coach's answer to /plan with a start already past: a session that happened."""
    return _(
        "📅 Session #{session_id} with {name} on {when}, {minutes} min., is recorded; it has "
        "already begun, so nobody is reminded of it. Say how it went:"
    ).format(
        session_id=meeting.id,
        name=html.quote(meeting.client.full_name),
        when=when(meeting.starts_at),
        minutes=meeting.minutes,
    )


def recording_line(recording: Recording, by: str | None, when: When) -> str:
    """``🎧 audio · 2026-12-04 19:40 · Ivan Kuznetsov`` (a link shows its address)."""
    parts = [f"{RECORDING_ICONS[recording.kind]} {_(RECORDING_KIND_NAMES[recording.kind])}"]
    parts.append(when(recording.created_at))
    if by:
        parts.append(html.quote(by))
    line = " · ".join(parts)
    return f"{line}: {html.quote(recording.url)}" if recording.url else line


def card(
    meeting: CoachingSession,
    when: When,
    recordings: Sequence[tuple[Recording, str | None]] = (),
    *,
    viewer: Actor | None = None,
) -> str:
    """The session's card: who, when, where, its status, how it went, and (for staff) its
    recordings with who attached them. A client reading it sees their own rating and comment
    and no other client's, nor another client's name (a group session)."""
    lines = [html.bold(f"#{meeting.id} · {status_name(meeting.status)}")]
    if not isinstance(viewer, Client):
        lines.append(_("Client: {name}").format(name=html.quote(meeting.client.full_name)))
        for participant in meeting.participants:
            lines.append(_("Also: {name}").format(name=html.quote(participant.client.full_name)))
    coach = html.quote(meeting.coach.full_name) if meeting.coach else _("nobody yet")
    lines.append(_("Coach: {name}").format(name=coach))
    lines.append(
        _("When: {when}, {minutes} min.").format(
            when=when(meeting.starts_at), minutes=meeting.minutes
        )
    )
    if meeting.format is SessionFormat.ONLINE:
        link = html.quote(meeting.video_link or "")
        lines.append(_("Online: {link}").format(link=link))
    else:
        lines.append(_("In person"))
    if meeting.contract_id is not None:
        lines.append(_("Contract: #{contract_id}").format(contract_id=meeting.contract_id))
    rating, comment = (
        rating_and_comment_of(meeting, viewer.id)
        if isinstance(viewer, Client)
        else (meeting.rating, meeting.comment)
    )
    if rating is not None:
        lines.append(_("Rating: {rating}/5").format(rating=rating))
    if comment:
        lines.append(_("Comment: {comment}").format(comment=html.quote(comment)))
    if recordings:
        lines.append(_("Recordings ({count}):").format(count=len(recordings)))
        lines += [recording_line(recording, by, when) for recording, by in recordings]
    return "\n".join(lines)


def action_label(action: str) -> str:
    labels = {
        "done": _("✅ Done"),
        "noshow": _("🚷 No-show"),
        "cancel": _("❌ Cancel"),
        "report": _("📝 Meeting report"),
        "coachreport": _("🧭 My coach report"),
        "stage": _("🪜 Next stage"),
    }
    return labels[action]


def ended(meeting: CoachingSession) -> str:
    if meeting.status is SessionStatus.CANCELLED:
        return _("Session #{session_id} is cancelled; the client is told.").format(
            session_id=meeting.id
        )
    return _("Session #{session_id} is marked {status}.").format(
        session_id=meeting.id, status=status_name(meeting.status)
    )


def session_label(meeting: CoachingSession, when: When, *, for_client: bool) -> str:
    """A button label: ``#5 · 2026-12-04 18:30 · Maria Lopez``."""
    other = meeting.coach.full_name if for_client and meeting.coach else meeting.client.full_name
    return f"{written.number('session', meeting.id)} · {when(meeting.starts_at)} · {other}"[:60]


def upcoming(meetings: Sequence[CoachingSession], *, for_client: bool) -> str:
    if not meetings:
        return _("No sessions are planned.")
    if for_client:
        return _("Your upcoming sessions (press one to see it):")
    return _("Upcoming sessions ({count}), press one to see it:").format(count=len(meetings))


# Requests -----------------------------------------------------------------------------------


def request_line(request: CoachingRequest, when: When) -> str:
    """``#3 · Maria Lopez · Career · preferred 2026-12-04 18:30: text``."""
    parts = [written.number("request", request.id), html.quote(request.client.full_name)]
    if request.domain is not None:
        parts.append(html.quote(request.domain.name))
    if request.preferred_at is not None:
        parts.append(_("preferred {when}").format(when=when(request.preferred_at)))
    else:
        parts.append(_("no preferred time"))
    line = " · ".join(parts)
    return f"{line}: {html.quote(request.message)}" if request.message else line


def pending(requests: Sequence[CoachingRequest], when: When) -> str:
    if not requests:
        return _("No coaching request is waiting for you.")
    lines = [_("Coaching requests waiting for your answer ({count}):").format(count=len(requests))]
    lines += [request_line(request, when) for request in requests]
    return "\n".join(lines)


def accept_button(request_id: int) -> str:
    return _("✅ Accept #{request_id}").format(request_id=request_id)


def refuse_button(request_id: int) -> str:
    return _("✖️ Refuse #{request_id}").format(request_id=request_id)


def answer_button(action: str, request_id: int) -> str:
    """The button of an answer (``accept``, ``refuse``) to a request."""
    return {"accept": accept_button, "refuse": refuse_button}[action](request_id)


def accepted(request: CoachingRequest, when: When) -> str:
    meeting = request.session
    assert meeting is not None
    return _(
        "Request #{request_id} accepted: session #{session_id} on {when}; the client is told."
    ).format(request_id=request.id, session_id=meeting.id, when=when(meeting.starts_at))


def no_preferred_time(request: CoachingRequest) -> str:
    return _(
        "Request #{request_id} names no time: plan the session with "
        "/plan {client_id} YYYY-MM-DD HH:MM"
    ).format(request_id=request.id, client_id=request.client_id)


def ask_reason(request: CoachingRequest) -> str:
    return _(
        "Why do you refuse request #{request_id} from {name}? Your words go to the client. "
        "/cancel keeps the request waiting."
    ).format(request_id=request.id, name=html.quote(request.client.full_name))


def refused(request: CoachingRequest) -> str:
    return _("Request #{request_id} refused; the client is told.").format(request_id=request.id)
