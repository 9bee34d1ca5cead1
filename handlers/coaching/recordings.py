"""Recordings from Telegram: the coach replies to any bot message about a session (its card, a
reminder, the report nudge) with an audio, voice, video, video note, an audio or video file, or a
link; it is kept on that session (crm/coaching/recordings.py decides who and when).

A client's reply to a session message is never taken for a recording: a file or a link is
refused with a clear answer, plain words go the way any client message goes."""

from __future__ import annotations

from datetime import datetime

from aiogram import F, Router
from aiogram.dispatcher.event.bases import SkipHandler
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.coaching.notices import session_subject
from crm.coaching.recordings import RecordingDraft, as_link, attach_recording
from crm.notify import Notifier
from crm.permissions import Actor
from crm.subjects import subject_of_message
from db.enums import RecordingKind, SubjectKind
from db.models import Client
from handlers.filters import Matches
from handlers.replies import ReplyContext, ReplyFilers, about, file_reply

# What may be a recording: media, a file, or words (a link). Commands are never replies here.
RECORDING_CONTENT = Matches(
    F.reply_to_message
    & (F.audio | F.voice | F.video | F.video_note | F.document | (F.text & ~F.text.startswith("/")))
)


def recording_of(message: Message) -> RecordingDraft | None:
    """The recording ``message`` carries, if it carries one."""
    if message.audio:
        return RecordingDraft(RecordingKind.AUDIO, message.audio.file_id)
    if message.voice:
        return RecordingDraft(RecordingKind.VOICE, message.voice.file_id)
    if message.video:
        return RecordingDraft(RecordingKind.VIDEO, message.video.file_id)
    if message.video_note:
        return RecordingDraft(RecordingKind.VIDEO, message.video_note.file_id)
    if message.document:
        mime = (message.document.mime_type or "").lower()
        if mime.startswith("audio/"):
            return RecordingDraft(RecordingKind.AUDIO, message.document.file_id)
        if mime.startswith("video/"):
            return RecordingDraft(RecordingKind.VIDEO, message.document.file_id)
        return None
    link = as_link(message.text)
    return None if link is None else RecordingDraft(RecordingKind.LINK, url=link)


async def file_reply_on_session(message: Message, session_id: int, context: ReplyContext) -> bool:
    """A reply to a message about a session: a recording, from whoever may run the session. A
    client's file or link is refused; a client's words are not this filer's (False)."""
    draft = recording_of(message)
    if isinstance(context.actor, Client):
        if draft is None and not (message.audio or message.voice or message.video):
            return False
        await message.answer(
            _(
                "Only the coach attaches recordings to session #{session_id}: nothing was kept."
            ).format(session_id=session_id)
        )
        return True
    if draft is None:
        await message.answer(
            _(
                "To attach a recording to session #{session_id}, reply with an audio, a voice "
                "message, a video or a link (http:// or https://)."
            ).format(session_id=session_id)
        )
        return True
    recording = await attach_recording(
        context.session, actor=context.actor, session_id=session_id, draft=draft, now=context.now
    )
    with about(session_subject(session_id)):
        await message.answer(
            _("🎙 The recording is attached to session #{session_id}.").format(
                session_id=recording.session_id
            )
        )
    return True


async def reply_given(
    message: Message,
    actor: Actor,
    session: AsyncSession,
    notifier: Notifier,
    now: datetime,
    reply_filers: ReplyFilers,
) -> None:
    """A reply to a message about a session; any other reply goes on down the routers (a
    client's reply to a ticket message is filed there, as it always was)."""
    assert message.reply_to_message is not None  # the filter asks for one
    subject = await subject_of_message(
        session, chat_id=message.chat.id, message_id=message.reply_to_message.message_id
    )
    if subject is None or subject.kind is not SubjectKind.SESSION:
        raise SkipHandler
    context = ReplyContext(actor=actor, session=session, notifier=notifier, now=now)
    only_sessions = {SubjectKind.SESSION: reply_filers[SubjectKind.SESSION]}
    if not await file_reply(message, only_sessions, context):
        raise SkipHandler


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.register(reply_given, RECORDING_CONTENT)
    return router
