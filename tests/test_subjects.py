"""Messages about a subject: the reply routing by kind, the ticket buttons, the one translator."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram.types import Chat, Message, User

from crm.errors import InvalidInput
from crm.i18n import translator
from crm.notify import Notifier
from crm.subjects import Subject, remember_message, subject_of_message
from crm.tickets.notices import ticket_button_data, ticket_subject
from crm.tickets.tickets import delete_ticket, open_ticket
from db.engine import Database
from db.enums import Role, SubjectKind, TicketStatus
from db.models import Client, Employee
from handlers.i18n import CatalogI18n
from handlers.replies import ReplyContext, file_reply
from handlers.tickets.keyboards import TicketAction
from web.i18n import Words

CHAT = 7001
SENT_AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _reply_to(message_id: int) -> Message:
    """Maria's Telegram reply to the bot's message ``message_id`` in her chat."""
    chat = Chat(id=CHAT, type="private")
    maria = User(id=CHAT, is_bot=False, first_name="Maria")
    return Message(
        message_id=message_id + 1,
        date=SENT_AT,
        chat=chat,
        from_user=maria,
        text="Still broken",
        reply_to_message=Message(message_id=message_id, date=SENT_AT, chat=chat, text="Ticket"),
    )


async def test_a_reply_is_handed_to_the_area_that_owns_its_subjects_kind(
    database: Database,
) -> None:
    filed: list[tuple[str, int]] = []

    async def file_on_ticket(message: Message, ticket_id: int, _: ReplyContext) -> bool:
        filed.append((message.text or "", ticket_id))
        return True

    filers = {SubjectKind.TICKET: file_on_ticket}
    async with database.writer() as session, session.begin():
        await remember_message(
            session,
            chat_id=CHAT,
            message_id=55,
            subject=Subject(SubjectKind.TICKET, 12),
            now=SENT_AT,
        )
        context = ReplyContext(
            actor=None,  # type: ignore[arg-type]  # the filer above does not look
            session=session,
            notifier=Notifier("en"),
            now=SENT_AT,
        )
        assert await file_reply(_reply_to(55), filers, context)
        assert not await file_reply(_reply_to(77), filers, context)  # about nothing we know
        assert not await file_reply(_reply_to(55), {}, context)  # no area files that kind
    assert filed == [("Still broken", 12)]


async def test_a_deleted_ticket_takes_its_reply_links_with_it(database: Database) -> None:
    async with database.writer() as session, session.begin():
        anna = Employee(telegram_id=8101, full_name="Anna Petrova", role=Role.ADMIN)
        maria = Client(full_name="Maria Lopez", telegram_id=CHAT)
        session.add_all([anna, maria])
        ticket = await open_ticket(
            session, actor=maria, client=maria, description="Printer", now=SENT_AT
        )
        kept = await open_ticket(
            session, actor=maria, client=maria, description="Kettle", now=SENT_AT
        )
        for message_id, about in ((55, ticket), (56, kept)):
            await remember_message(
                session,
                chat_id=CHAT,
                message_id=message_id,
                subject=ticket_subject(about.id),
                now=SENT_AT,
            )
    async with database.writer() as session, session.begin():
        await delete_ticket(session, actor=anna, ticket_id=ticket.id)
    async with database.reader() as session:
        assert await subject_of_message(session, chat_id=CHAT, message_id=55) is None
        assert await subject_of_message(session, chat_id=CHAT, message_id=56) == ticket_subject(
            kept.id
        )


@pytest.mark.parametrize("action", ["view", "take", "files", *TicketStatus])
def test_the_bot_reads_the_ticket_buttons_the_notifications_carry(action: str) -> None:
    data = ticket_button_data(action, 12)
    assert TicketAction.unpack(data) == TicketAction(action=action, ticket_id=12)
    assert TicketAction(action=action, ticket_id=12).pack() == data


def test_the_bot_the_notifications_and_the_site_translate_alike() -> None:
    message = "ticket #{ticket_id} does not exist"
    bot = CatalogI18n(default_locale="en")
    for language in ("ru", "fr"):
        translated = translator(language).gettext(message)
        assert translated != message
        assert bot.gettext(message, locale=language) == translated
        assert Notifier("en").translate(language, message) == translated
        error = InvalidInput(message, ticket_id=4)
        site = Words(translator(language), ZoneInfo("UTC"))
        expected = translated.format(ticket_id=4)  # a refusal reads as a sentence
        assert site.error(error) == expected[:1].upper() + expected[1:]
    assert translator("de").gettext(message) == message  # not shipped: the English source
