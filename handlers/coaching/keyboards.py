"""The coaching practice's buttons: a session's card and list, stage moves, request answers,
booking steps, ratings and the calendar link."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
)

from crm.coaching.notices import RATING_PREFIX
from crm.coaching.track_reports import TRACK_CALLBACK_PREFIX


class SessionAction(CallbackData, prefix="ss"):
    """A button on a coaching session: "view" (its card), "done" / "noshow" / "cancel", or
    "report" / "coachreport" (start that dialog), "stage" (move the client's programme stage)."""

    action: str
    session_id: int


class TrackAction(CallbackData, prefix=TRACK_CALLBACK_PREFIX):
    """A button on a track: "report" (the client writes their progress report).

    Its data is built by ``crm.coaching.track_reports.track_button_data`` for the notification."""

    action: str
    track_id: int


class StageChoice(CallbackData, prefix="stg"):
    """The programme a session's client moves on in (from the session card's "Next stage")."""

    session_id: int
    enrolment_id: int


class RequestAnswer(CallbackData, prefix="rq"):
    """A coach's answer to a coaching request: "accept" or "refuse"."""

    action: str
    request_id: int


def session_button(text: str, action: str, session_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=text, callback_data=SessionAction(action=action, session_id=session_id).pack()
    )


def session_list(sessions: list[tuple[int, str]]) -> InlineKeyboardMarkup | None:
    """A button per session (id, label) that opens its card."""
    if not sessions:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [session_button(label, "view", session_id)] for session_id, label in sessions
        ]
    )


def session_actions(buttons: list[tuple[str, str]], session_id: int) -> InlineKeyboardMarkup | None:
    """Action buttons (label, action) under a session card, in one row."""
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[session_button(label, action, session_id) for label, action in buttons]]
    )


def session_action_rows(
    rows: list[list[tuple[str, str]]], session_id: int
) -> InlineKeyboardMarkup | None:
    """Action buttons (label, action) under a session card, a row per group; empty rows left out."""
    kept = [[session_button(label, action, session_id) for label, action in row] for row in rows]
    kept = [row for row in kept if row]
    return InlineKeyboardMarkup(inline_keyboard=kept) if kept else None


def stage_choices(session_id: int, choices: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A button per programme (enrolment id, label) the session's client may move on in."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label[:60],
                    callback_data=StageChoice(
                        session_id=session_id, enrolment_id=enrolment_id
                    ).pack(),
                )
            ]
            for enrolment_id, label in choices
        ]
    )


def request_answers(
    requests: list[tuple[int, list[tuple[str, str]]]],
) -> InlineKeyboardMarkup | None:
    """A row of answer buttons (label, action: "accept", "refuse") per request (its id)."""
    rows = [
        [
            InlineKeyboardButton(
                text=label,
                callback_data=RequestAnswer(action=action, request_id=request_id).pack(),
            )
            for label, action in buttons
        ]
        for request_id, buttons in requests
    ]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(inline_keyboard=rows) if rows else None


class BookingStep(CallbackData, prefix="bk"):
    """A choice in the /book dialog: "domain" (an id) or "coach" (an employee id, 0 for any
    coach of the domain)."""

    step: str
    value: int


def booking_choices(step: str, choices: list[tuple[int, str]]) -> InlineKeyboardMarkup:
    """A step of the /book dialog: a button per (value, label), one per row."""
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(
                    text=label, callback_data=BookingStep(step=step, value=value).pack()
                )
            ]
            for value, label in choices
        ]
    )


def booking_grid(
    step: str, choices: list[tuple[int, str]], per_row: int = 4
) -> InlineKeyboardMarkup:
    """Days or times of the /book dialog: ``per_row`` buttons a row."""
    buttons = [
        InlineKeyboardButton(text=label, callback_data=BookingStep(step=step, value=value).pack())
        for value, label in choices
    ]
    return InlineKeyboardMarkup(
        inline_keyboard=[
            buttons[start : start + per_row] for start in range(0, len(buttons), per_row)
        ]
    )


class SessionRating(CallbackData, prefix=RATING_PREFIX):
    """A client's rating (1-5) of a session held, under the question the outbox sent; its data
    is built by ``crm.coaching.notices.rating_buttons``."""

    rating: int
    session_id: int


class CalendarLink(CallbackData, prefix="cal"):
    """Under /sessions: "issue" a fresh private calendar URL (the old one stops working)."""

    action: str


def with_calendar_link(markup: InlineKeyboardMarkup | None, label: str) -> InlineKeyboardMarkup:
    """``markup`` (perhaps none) with a last row: the calendar link button."""
    rows = list(markup.inline_keyboard) if markup is not None else []
    button = InlineKeyboardButton(text=label, callback_data=CalendarLink(action="issue").pack())
    return InlineKeyboardMarkup(inline_keyboard=[*rows, [button]])
