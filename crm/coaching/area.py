"""The coaching practice: coaches, requests, sessions and their reports, tracks, programmes
and products."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from crm.areas import Area, Job, NoticeKind
from crm.coaching.agenda import agenda_items
from crm.coaching.client_staff import session_coaches
from crm.coaching.demo import PEOPLE, seed_coaching
from crm.coaching.digest import coaching_digest
from crm.coaching.hooks import SESSION_DONE
from crm.coaching.reminders import KEY_PREFIX as SESSION_KEYS
from crm.coaching.reminders import enqueue_session_reminders
from crm.coaching.timeline import (
    client_report_events,
    meeting_report_events,
    purchase_events,
    session_events,
    stage_move_events,
    track_events,
)
from crm.coaching.track_reports import KEY_PREFIX as TRACK_KEYS
from crm.coaching.track_reports import ask_for_track_reports
from crm.i18n import N_
from crm.notify import Notifier
from db.enums import SubjectKind


async def _reminders(session: AsyncSession, notifier: Notifier, now: datetime) -> int:
    return await enqueue_session_reminders(session, notifier, now=now)


async def _track_reports(session: AsyncSession, notifier: Notifier, now: datetime) -> int:
    return await ask_for_track_reports(session, notifier, now=now)


AREA = Area(
    name="coaching",
    client_staff=session_coaches,
    position=30,
    # A session may be given under a school contract: its lessons are counted there.
    needs=("school",),
    jobs=(
        Job("reminders", timedelta(minutes=1), _reminders),
        Job("track_reports", timedelta(minutes=5), _track_reports, grace=timedelta(minutes=5)),
    ),
    digest=coaching_digest,
    agenda=agenda_items,
    timeline=(
        purchase_events,
        session_events,
        meeting_report_events,
        track_events,
        client_report_events,
        stage_move_events,
    ),
    demo=seed_coaching,
    demo_people=PEOPLE,
    notices=(
        NoticeKind("session", N_("Sessions"), (SubjectKind.SESSION,), (SESSION_KEYS,)),
        NoticeKind("request", N_("Coaching requests"), (SubjectKind.REQUEST,)),
        NoticeKind("track", N_("Goals"), (SubjectKind.TRACK,), (TRACK_KEYS,)),
    ),
    webhooks=(SESSION_DONE,),
)
