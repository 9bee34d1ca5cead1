"""Recordings of coaching sessions: an audio, voice or video file kept by Telegram (its file id),
or a link to a recording kept elsewhere.

Who attaches one: whoever may run the session (its coach, managers) — the same people who mark
it done. When: once the session has started, whether or not it is marked done yet. A coach
records during the meeting and often sends the file straight after it, before pressing "Done";
refusing it then would only make them send it twice. A session still to come has nothing to
record, and one cancelled or missed never took place: both are refused with a clear message."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.rules import SESSION_STATUS_NAMES, may_run, require
from crm.coaching.sessions import session_for
from crm.errors import InvalidInput
from crm.i18n import N_
from crm.permissions import Actor
from crm.text_limits import require_fits
from db.enums import RecordingKind, SessionStatus
from db.models import CoachingSession, Employee, Recording

# How a recording's kind is named where it is shown (the session's card in the bot and the site).
RECORDING_KIND_NAMES = {
    RecordingKind.AUDIO: N_("audio"),
    RecordingKind.VIDEO: N_("video"),
    RecordingKind.VOICE: N_("voice message"),
    RecordingKind.LINK: N_("link"),
}


@dataclass(frozen=True)
class RecordingDraft:
    """What is attached: a Telegram file (audio, video, voice) or a link."""

    kind: RecordingKind
    telegram_file_id: str | None = None
    url: str | None = None


def as_link(text: str | None) -> str | None:
    """``text`` if it is one http(s) link and nothing else; otherwise None."""
    candidate = (text or "").strip()
    if not candidate or any(char.isspace() for char in candidate):
        return None
    parts = urlsplit(candidate)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return candidate


def check_recordable(meeting: CoachingSession, now: datetime) -> None:
    """A session that has started (planned or done) takes recordings; others do not."""
    if meeting.status in (SessionStatus.CANCELLED, SessionStatus.NO_SHOW):
        raise InvalidInput(
            N_("session #{session_id} is {status}: it has nothing to record"),
            session_id=meeting.id,
            status=SESSION_STATUS_NAMES[meeting.status],
        )
    if meeting.status is SessionStatus.PLANNED and meeting.starts_at > now:
        raise InvalidInput(
            N_("session #{session_id} has not started yet: attach its recording afterwards"),
            session_id=meeting.id,
        )


async def attach_recording(
    session: AsyncSession,
    *,
    actor: Actor,
    session_id: int,
    draft: RecordingDraft,
    now: datetime,
) -> Recording:
    """A recording of a session that has started, by whoever may run it."""
    meeting = await session_for(session, actor=actor, session_id=session_id)
    require(may_run(actor, meeting))
    check_recordable(meeting, now)
    if draft.kind is RecordingKind.LINK:
        url = as_link(draft.url)
        if url is None:
            raise InvalidInput(
                N_("a recording's link starts with http:// or https://"), field="url"
            )
        file_id = None
    else:
        url, file_id = None, draft.telegram_file_id
        if not file_id:
            raise InvalidInput(N_("the recording has no file"), field="telegram_file_id")
    recording = Recording(
        session_id=meeting.id,
        kind=draft.kind,
        telegram_file_id=file_id,
        url=url,
        added_by_id=actor.id if isinstance(actor, Employee) else None,
        created_at=now,
    )
    require_fits(recording)
    session.add(recording)
    await session.flush()
    return recording


async def listed_recordings(
    session: AsyncSession, *, actor: Actor, meeting: CoachingSession
) -> list[tuple[Recording, str | None]]:
    """The recordings of a session ``actor`` sees, oldest first, each with who attached it: for
    staff (a coach's working material, and other participants' voices); clients get none."""
    if not isinstance(actor, Employee):
        return []
    ids = {r.added_by_id for r in meeting.recordings if r.added_by_id is not None}
    names: dict[int, str] = {}
    if ids:
        rows = await session.execute(
            select(Employee.id, Employee.full_name).where(Employee.id.in_(ids))
        )
        names = {employee_id: name for employee_id, name in rows}
    return [
        (r, None if r.added_by_id is None else names.get(r.added_by_id)) for r in meeting.recordings
    ]
