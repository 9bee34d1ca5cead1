"""My contacts in the chat: ``/contacts`` lists them (``/contacts anna`` searches), and a
contact card shared outside a dialog (someone else's: one's own makes the client card,
handlers/start.py) is offered to be saved there."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject, StateFilter, or_f
from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State, StatesGroup
from aiogram.types import CallbackQuery, Message
from aiogram.utils.i18n import gettext as _
from sqlalchemy.ext.asyncio import AsyncSession

from crm.permissions import Actor
from crm.settings import Settings
from crm.telegram_html import escape
from crm.workspace.contacts import ContactDraft, card_draft, list_contacts, save_contact
from crm.workspace.owners import person_of
from db.models import PersonalContact
from handlers.dialogs import end_dialog
from handlers.filters import IsClient, IsStaff, Matches
from handlers.workspace.keyboards import KeepChoice, button, markup

CARD_KEY = "card"


class SharedCard(StatesGroup):
    choose = State()


def contact_line(contact: PersonalContact) -> str:
    """``<b>Name</b> · phone · e-mail · company · <i>note</i>``, escaped."""
    parts = [f"<b>{escape(contact.name)}</b>"]
    parts += [escape(value) for value in (contact.phone, contact.email, contact.company) if value]
    if contact.note:
        parts.append(f"<i>{escape(contact.note[:200])}</i>")
    return " · ".join(parts)


async def show_contacts(
    message: Message, command: CommandObject, actor: Actor, session: AsyncSession
) -> None:
    """``/contacts [words]``: my contacts by name, those matching the words."""
    search = (command.args or "").strip()
    contacts, total = await list_contacts(session, actor=actor, search=search)
    if not contacts:
        await message.answer(
            _("No contact matches “{search}”.").format(search=escape(search))
            if search
            else _("You have no contacts yet. Share a contact card with me to save one.")
        )
        return
    head = (
        _("Your contacts matching “{search}”:").format(search=escape(search))
        if search
        else _("Your contacts:")
    )
    lines = [head, *(contact_line(contact) for contact in contacts)]
    if total > len(contacts):
        lines.append(
            _("… and {count} more: /contacts with a name narrows it.").format(
                count=total - len(contacts)
            )
        )
    await message.answer("\n".join(lines))


async def card_shared(message: Message, actor: Actor, state: FSMContext) -> None:
    """Someone's contact card, outside a dialog: shall it go to my contacts?"""
    person_of(actor)
    assert message.contact is not None
    card = message.contact
    draft = card_draft(card.first_name, card.last_name, card.phone_number, card.user_id)
    await state.set_state(SharedCard.choose)
    await state.update_data(
        {CARD_KEY: {"name": draft.name, "phone": draft.phone, "user_id": draft.telegram_user_id}}
    )
    rows = [
        [button(_("💾 Save to my contacts"), KeepChoice(what="card"))],
        [button(_("✖️ Leave it"), KeepChoice(what="drop"))],
    ]
    await message.answer(
        _("A contact card of {name}. What shall I do with it?").format(name=escape(draft.name)),
        reply_markup=markup(rows),
    )


async def card_choice(
    query: CallbackQuery,
    callback_data: KeepChoice,
    actor: Actor,
    session: AsyncSession,
    state: FSMContext,
    settings: Settings,
) -> None:
    """*Save to my contacts* (or *leave it*) pressed for the card the bot asked about."""
    card = await state.get_value(CARD_KEY)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    if not card or await state.get_state() != SharedCard.choose.state:
        await query.message.answer(_("There is no contact card waiting; share it again."))
        return
    await query.message.edit_reply_markup(reply_markup=None)
    await end_dialog(state)
    if callback_data.what != "card":
        await query.message.answer(_("Left as it was."))
        return
    draft = ContactDraft(
        name=str(card["name"]), phone=str(card["phone"] or ""), telegram_user_id=card["user_id"]
    )
    contact = await save_contact(session, actor=actor, draft=draft, region=settings.default_region)
    await query.message.answer(
        _("Saved to your contacts: {contact}").format(contact=contact_line(contact))
    )


def create_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(or_f(IsClient(), IsStaff()))
    router.message.register(show_contacts, Command("contacts"))
    router.message.register(card_shared, StateFilter(None), Matches(F.contact))
    router.callback_query.register(
        card_choice, StateFilter(SharedCard.choose), KeepChoice.filter(F.what.in_({"card", "drop"}))
    )
    return router
