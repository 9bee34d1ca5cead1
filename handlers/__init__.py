"""aiogram Routers, one per feature, listed in the order they are tried."""

from aiogram import Router

from db.enums import SubjectKind
from handlers import cancel, errors, fallback, help_menu, language, start
from handlers.coaching import (
    agenda,
    booking,
    calendar_link,
    coach_reports,
    meeting_reports,
    recordings,
    session_ratings,
    sessions,
    stage_moves,
    track_reports,
)
from handlers.coaching import requests as coaching_requests
from handlers.filters import InPrivateChat
from handlers.overview import digest, status
from handlers.replies import ReplyFilers
from handlers.school import cards as contract_cards
from handlers.school import contracts, staff_contracts
from handlers.tickets import client_tickets, staff_tickets


def create_routers() -> list[Router]:
    """Fresh routers for one dispatcher: /cancel first, catch-alls last."""
    routers = [
        errors.create_router(),
        cancel.create_router(),
        start.create_router(),
        help_menu.create_router(),
        language.create_router(),
        staff_tickets.create_router(),
        digest.create_router(),
        staff_contracts.create_router(),
        sessions.create_staff_router(),
        sessions.create_router(),
        coaching_requests.create_router(),
        meeting_reports.create_router(),
        booking.create_router(),
        agenda.create_router(),
        calendar_link.create_router(),
        session_ratings.create_router(),
        coach_reports.create_router(),
        stage_moves.create_router(),
        track_reports.create_router(),
        recordings.create_router(),
        contract_cards.create_router(),
        contracts.create_router(),
        status.create_router(),
        client_tickets.create_router(),
        fallback.create_router(),
    ]
    for router in routers:
        router.message.filter(InPrivateChat())
    return routers


def reply_filers() -> ReplyFilers:
    """Who files a Telegram reply to a message about each kind of subject."""
    return {
        SubjectKind.TICKET: client_tickets.file_reply_on_ticket,
        SubjectKind.CONTRACT: contract_cards.file_reply_on_contract,
        SubjectKind.SESSION: recordings.file_reply_on_session,
        SubjectKind.TRACK: track_reports.file_reply_on_track,
    }
