"""What coaching tells whom: a client hears of a session planned or cancelled and of the answer
to their request; a coach hears of a request addressed to them. Rendered in each reader's
language and time zone inside the business transaction, with the session or the request as the
subject."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.rules import has_started
from crm.notify import Button, Notifier, button_data
from crm.subjects import Subject
from crm.telegram_html import escape
from db.enums import SessionFormat, SessionStatus, SubjectKind
from db.models import Client, CoachingRequest, CoachingSession, Employee

# The callback data of the rating buttons: ``sr:<rating>:<session id>``.
RATING_PREFIX = "sr"


def session_subject(session_id: int) -> Subject:
    return Subject(SubjectKind.SESSION, session_id)


def request_subject(request_id: int) -> Subject:
    return Subject(SubjectKind.REQUEST, request_id)


def when(notifier: Notifier, moment: datetime, language: str) -> str:
    """A moment in the business time zone, as ``language`` writes it (as the site does)."""
    return notifier.moment(language, moment)


async def _tell(
    session: AsyncSession,
    notifier: Notifier,
    person: Client | Employee | None,
    text: str,
    subject: Subject,
    now: datetime,
) -> None:
    if person is None or person.telegram_id is None:
        return
    if isinstance(person, Client) and person.unreachable:
        return
    await notifier.enqueue(session, person.telegram_id, text, now=now, subject=subject)


def _clients(meeting: CoachingSession) -> list[Client]:
    return [meeting.client, *(participant.client for participant in meeting.participants)]


async def session_planned(
    session: AsyncSession, notifier: Notifier, meeting: CoachingSession, *, now: datetime
) -> None:
    """Each client of the session hears when, with whom, and where (or the video link); of a
    session that already began (one recorded after it happened), nobody is told."""
    if has_started(meeting, now):
        return
    coach = meeting.coach.full_name if meeting.coach else ""
    for client in _clients(meeting):
        tr = notifier.translator(notifier.language_of(client))
        lines = [
            tr.gettext(
                "📅 Session #{session_id} with {coach}: {when}, {minutes} min.",
                session_id=meeting.id,
                coach=escape(coach),
                when=when(notifier, meeting.starts_at, tr.language),
                minutes=meeting.minutes,
            )
        ]
        if meeting.format is SessionFormat.ONLINE and meeting.video_link:
            lines.append(tr.gettext("Online: {link}", link=escape(meeting.video_link)))
        await _tell(session, notifier, client, "\n".join(lines), session_subject(meeting.id), now)


def rating_buttons(session_id: int) -> list[list[Button]]:
    """The buttons 1 to 5 under the rating question, as the bot's handlers read them."""
    return [
        [
            {
                "text": str(rating),
                "callback_data": button_data(RATING_PREFIX, str(rating), session_id),
            }
            for rating in range(1, 6)
        ]
    ]


async def _ask_rating(
    session: AsyncSession, notifier: Notifier, meeting: CoachingSession, *, now: datetime
) -> None:
    coach = meeting.coach.full_name if meeting.coach else ""
    for client in _clients(meeting):
        if client.telegram_id is None or client.unreachable:
            continue
        tr = notifier.translator(notifier.language_of(client))
        text = tr.gettext(
            "⭐ How was session #{session_id} with {coach} on {when}? "
            "Rate it from 1 (poor) to 5 (excellent):",
            session_id=meeting.id,
            coach=escape(coach),
            when=when(notifier, meeting.starts_at, tr.language),
        )
        await notifier.enqueue(
            session,
            client.telegram_id,
            text,
            now=now,
            buttons=rating_buttons(meeting.id),
            subject=session_subject(meeting.id),
        )


async def session_ended(
    session: AsyncSession, notifier: Notifier, meeting: CoachingSession, *, now: datetime
) -> None:
    """Each client of a session held is asked for a rating; of a cancelled one, told."""
    if meeting.status is SessionStatus.DONE:
        await _ask_rating(session, notifier, meeting, now=now)
        return
    if meeting.status is not SessionStatus.CANCELLED:
        return
    for client in _clients(meeting):
        tr = notifier.translator(notifier.language_of(client))
        text = tr.gettext(
            "❌ Session #{session_id} on {when} is cancelled.",
            session_id=meeting.id,
            when=when(notifier, meeting.starts_at, tr.language),
        )
        await _tell(session, notifier, client, text, session_subject(meeting.id), now)


async def request_sent(
    session: AsyncSession,
    notifier: Notifier,
    request: CoachingRequest,
    coaches: list[Employee],
    *,
    now: datetime,
) -> None:
    """The coach asked (or every coach of the domain) hears of the request."""
    for coach in coaches:
        tr = notifier.translator(notifier.language_of(coach))
        lines = [
            tr.gettext(
                "🙋 Coaching request #{request_id} from {name}.",
                request_id=request.id,
                name=escape(request.client.full_name),
            )
        ]
        if request.preferred_at is not None:
            lines.append(
                tr.gettext(
                    "Preferred: {when}", when=when(notifier, request.preferred_at, tr.language)
                )
            )
        if request.message:
            lines.append(escape(request.message))
        lines.append(tr.gettext("Answer it with /requests."))
        await _tell(session, notifier, coach, "\n".join(lines), request_subject(request.id), now)


async def request_answered(
    session: AsyncSession, notifier: Notifier, request: CoachingRequest, *, now: datetime
) -> None:
    """The client hears the coach's answer: the session planned, or the refusal and why."""
    tr = notifier.translator(notifier.language_of(request.client))
    coach = escape(request.coach.full_name) if request.coach else ""
    if request.session is not None:
        text = tr.gettext(
            "✅ {coach} accepted your request #{request_id}: session #{session_id} on {when}.",
            coach=coach,
            request_id=request.id,
            session_id=request.session.id,
            when=when(notifier, request.session.starts_at, tr.language),
        )
    else:
        text = tr.gettext(
            "{coach} cannot take your request #{request_id}: {comment}",
            coach=coach,
            request_id=request.id,
            comment=escape(request.comment or ""),
        )
    await _tell(session, notifier, request.client, text, request_subject(request.id), now)


def reminder_text(notifier: Notifier, person: Client | Employee, meeting: CoachingSession) -> str:
    """A session coming soon, to one of its clients or its coach."""
    tr = notifier.translator(notifier.language_of(person))
    lines = [
        tr.gettext(
            "⏰ Reminder: session #{session_id} at {when}, {minutes} min.",
            session_id=meeting.id,
            when=when(notifier, meeting.starts_at, tr.language),
            minutes=meeting.minutes,
        )
    ]
    if isinstance(person, Employee):
        lines.append(tr.gettext("Client: {name}", name=escape(meeting.client.full_name)))
    elif meeting.coach is not None:
        lines.append(tr.gettext("Coach: {name}", name=escape(meeting.coach.full_name)))
    if meeting.format is SessionFormat.ONLINE and meeting.video_link:
        lines.append(tr.gettext("Online: {link}", link=escape(meeting.video_link)))
    return "\n".join(lines)


def report_overdue_text(notifier: Notifier, coach: Employee, meeting: CoachingSession) -> str:
    """The coach has not filed the report of a session held yesterday or before."""
    tr = notifier.translator(notifier.language_of(coach))
    return tr.gettext(
        "📝 Session #{session_id} with {name} on {when} has no report yet: /report {session_id}",
        session_id=meeting.id,
        name=escape(meeting.client.full_name),
        when=when(notifier, meeting.starts_at, tr.language),
    )
