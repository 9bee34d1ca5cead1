"""``/sandbox``: a browser page to chat with the bot as any demo person or a newcomer.

Mounted by the runner only when no bot token is configured, so with a real token the path
does not exist and nobody can speak for a Telegram user.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from bot.sandbox import server
from bot.sandbox.chat import BotAPIError, ChatMessage, SandboxUser
from bot.sandbox.telegram import FakeTelegram
from crm.demo.seed import demo_telegram_language
from crm.errors import InvalidInput
from crm.people.identity import identify, people_on_telegram
from crm.people.phones import normalize_phone
from crm.permissions import Stranger
from db.engine import Database
from db.models import Client, Employee

STATIC = Path(__file__).parent / "static"
FAKE = web.AppKey("fake_telegram", FakeTelegram)
SANDBOX_DATABASE = web.AppKey("sandbox_database", Database)
# Newcomers get ids far from the demo people's.
_NEWCOMER_IDS = itertools.count(9_300_000_001)
LONG_POLL_SECONDS = 20.0


def sandbox_user(person: Employee | Client) -> SandboxUser:
    """The Telegram account of a person of the business, as the sandbox plays it."""
    first, _, last = person.full_name.partition(" ")
    assert person.telegram_id is not None
    return SandboxUser(
        id=person.telegram_id,
        first_name=first or person.full_name,
        last_name=last or None,
        username=person.username,
        # The demo's people have chosen no language: their Telegram app's speaks for them.
        language_code=person.language or demo_telegram_language(person.telegram_id),
        phone=getattr(person, "phone", None),
    )


def _message_json(message: ChatMessage) -> dict[str, Any]:
    return {
        "id": message.message_id,
        "from_bot": message.from_bot,
        "text": message.text,
        "html": message.html,
        "buttons": [
            [button["text"] for button in row]
            for row in (message.reply_markup or {}).get("inline_keyboard", [])
        ],
        "contact": message.contact,
        "photo": message.photo is not None,
        "document": (message.document or {}).get("file_name"),
        "reply_to": message.reply_to,
        "edited": message.edited,
    }


async def page(request: web.Request) -> web.FileResponse:
    return web.FileResponse(STATIC / "sandbox.html")


async def register_people(fake: FakeTelegram, database: Database) -> list[dict[str, Any]]:
    """Make every person of the business known to the sandbox; returns them for the picker."""
    async with database.reader() as session:
        staff, clients = await people_on_telegram(session)
    listed: list[dict[str, Any]] = []
    for employee in staff:
        user = fake.add_user(sandbox_user(employee))
        listed.append({"id": user.id, "name": employee.full_name, "kind": employee.role.value})
    for client in clients:
        user = fake.add_user(sandbox_user(client))
        listed.append({"id": user.id, "name": client.full_name, "kind": "client"})
    return listed


async def people(request: web.Request) -> web.Response:
    """Everyone the sandbox can act as: staff, clients, and newcomers made here."""
    fake = request.app[FAKE]
    listed = await register_people(fake, request.app[SANDBOX_DATABASE])
    known = {person["id"] for person in listed}
    for user in fake.users.values():
        if user.id not in known:
            listed.append({"id": user.id, "name": user.full_name, "kind": "newcomer"})
    return web.json_response({"people": listed})


async def new_person(request: web.Request) -> web.Response:
    """A Telegram user the business has never seen, with a phone number of their own.

    The same name and phone again is the same person: a second press of the button does not
    make a twin the bot would take for someone else.
    """
    form = await request.post()
    name = str(form.get("name") or "").strip()[:64] or "New User"
    language = str(form.get("language") or "en")
    if language not in {"en", "ru", "fr"}:
        raise web.HTTPBadRequest(text="language must be en, ru or fr")
    raw_phone = str(form.get("phone") or "").strip()
    if not raw_phone:
        raise web.HTTPBadRequest(
            text="Enter a phone number with its country code, such as +447700900123."
        )
    try:
        phone = normalize_phone(raw_phone)
    except InvalidInput as error:
        raise web.HTTPBadRequest(
            text=f"{raw_phone} is not a phone number: write it with its country code, "
            "such as +447700900123."
        ) from error
    fake = request.app[FAKE]
    first, _, last = name.partition(" ")
    wanted = SandboxUser(id=0, first_name=first, last_name=last or None, phone=phone)
    for user in fake.users.values():
        if user.full_name == wanted.full_name and user.phone == phone:
            return web.json_response(await _person(request, user))
    user = fake.add_user(
        SandboxUser(
            id=next(_NEWCOMER_IDS),
            first_name=first,
            last_name=last or None,
            language_code=language,
            phone=phone,
        )
    )
    return web.json_response(await _person(request, user))


async def _person(request: web.Request, user: SandboxUser) -> dict[str, Any]:
    """Who ``user`` is for the business now: a name and a role, or a newcomer."""
    async with request.app[SANDBOX_DATABASE].reader() as session:
        actor = await identify(session, user.id)
    if isinstance(actor, Stranger):
        return {"id": user.id, "name": user.full_name, "kind": "newcomer"}
    if isinstance(actor, Employee):
        return {"id": user.id, "name": actor.full_name, "kind": actor.role.value}
    return {"id": user.id, "name": actor.full_name, "kind": "client"}


def _user_id(request: web.Request) -> int:
    try:
        user_id = int(request.match_info["user_id"])
    except ValueError as error:
        raise web.HTTPNotFound(text="no such person") from error
    if user_id not in request.app[FAKE].users:
        raise web.HTTPNotFound(text="no such person; reload the people list")
    return user_id


async def chat(request: web.Request) -> web.Response:
    """The chat with one person; waits (long poll) until it differs from ``?version=``."""
    fake = request.app[FAKE]
    user_id = _user_id(request)
    try:
        seen = int(request.query.get("version", "-1"))
    except ValueError:
        seen = -1
    deadline = LONG_POLL_SECONDS
    while fake.chat_version(user_id) == seen and deadline > 0:
        await fake.wait_changed(min(deadline, 5.0))
        deadline -= 5.0
    keyboard = fake.reply_keyboard(user_id) or {}
    return web.json_response(
        {
            "version": fake.chat_version(user_id),
            # Re-read each time: after registering, a newcomer is a client with a name.
            "person": await _person(request, fake.users[user_id]),
            "messages": [_message_json(message) for message in fake.messages(user_id)],
            "keyboard": [
                [
                    {"text": button["text"], "contact": bool(button.get("request_contact"))}
                    for button in row
                ]
                for row in keyboard.get("keyboard", [])
            ],
        }
    )


def _reply_to(form: MultiDictProxy[str | bytes | bytearray | web.FileField]) -> int | None:
    """The message the person answers (Telegram's "reply"), if they answer one."""
    typed = str(form.get("reply_to") or "")
    if not typed:
        return None
    if not typed.isdigit() or len(typed) > 12:
        raise web.HTTPBadRequest(text="reply_to is a message id")
    return int(typed)


async def send(request: web.Request) -> web.Response:
    """The person writes a message (or answers one with ``reply_to``)."""
    user_id = _user_id(request)
    form = await request.post()
    text = str(form.get("text") or "")
    if not text.strip():
        raise web.HTTPBadRequest(text="write something first")
    try:
        request.app[FAKE].send_text(user_id, text, reply_to=_reply_to(form))
    except (BotAPIError, ValueError) as error:
        raise web.HTTPBadRequest(text=str(error)) from error
    return web.json_response({"ok": True})


async def send_file(request: web.Request) -> web.Response:
    """The person sends a photo or a document, with the message text as its caption (or answers
    a message with it, with ``reply_to``). A document's bytes are kept (the page's upload limit
    bounds them), so the admin site opens it; a photo comes back as a stand-in JPEG (Telegram
    re-encodes photos too)."""
    user_id = _user_id(request)
    form = await request.post()
    upload = form.get("file")
    caption = str(form.get("text") or "") or None
    if not isinstance(upload, web.FileField) or not upload.filename:
        raise web.HTTPBadRequest(text="choose a file first")
    fake = request.app[FAKE]
    reply_to = _reply_to(form)
    try:
        if (upload.content_type or "").startswith("image/"):
            fake.send_photo(user_id, caption, reply_to=reply_to)
        else:
            fake.send_document(
                user_id,
                upload.filename[:200],
                caption,
                mime_type=upload.content_type or "application/octet-stream",
                content=upload.file.read(),
                reply_to=reply_to,
            )
    except (BotAPIError, ValueError) as error:
        raise web.HTTPBadRequest(text=str(error)) from error
    return web.json_response({"ok": True})


async def share_card(request: web.Request) -> web.Response:
    """The person shares a contact card from their phone book (a name and a phone)."""
    user_id = _user_id(request)
    form = await request.post()
    name, phone = str(form.get("name") or "").strip(), str(form.get("phone") or "").strip()
    if not name or not phone:
        raise web.HTTPBadRequest(text="give the card a name and a phone number")
    if len(name) > 128 or len(phone) > 32:
        raise web.HTTPBadRequest(text="the name or the phone number is too long")
    request.app[FAKE].share_card(user_id, name, phone)
    return web.json_response({"ok": True})


async def press(request: web.Request) -> web.Response:
    """The person presses a button, found by its text (inline or reply keyboard)."""
    user_id = _user_id(request)
    form = await request.post()
    try:
        request.app[FAKE].press(user_id, str(form.get("text") or ""))
    except LookupError as error:
        raise web.HTTPBadRequest(text="that button is gone") from error
    return web.json_response({"ok": True})


def mount(app: web.Application, fake: FakeTelegram, database: Database) -> None:
    """Serve the page at ``/sandbox/`` and the fake Bot API at ``/sandbox/telegram``."""
    sandbox = web.Application()
    sandbox[FAKE] = fake
    sandbox[SANDBOX_DATABASE] = database
    sandbox.router.add_get("", to_page)
    sandbox.router.add_get("/", page)
    sandbox.router.add_static("/static", STATIC)
    sandbox.router.add_get("/people", people)
    sandbox.router.add_post("/people", new_person)
    sandbox.router.add_get("/chats/{user_id}", chat)
    sandbox.router.add_post("/chats/{user_id}/messages", send)
    sandbox.router.add_post("/chats/{user_id}/press", press)
    sandbox.router.add_post("/chats/{user_id}/files", send_file)
    sandbox.router.add_post("/chats/{user_id}/cards", share_card)
    sandbox.add_subapp("/telegram", server.create_app(fake))

    app.add_subapp("/sandbox", sandbox)


async def to_page(request: web.Request) -> web.StreamResponse:
    """``/sandbox`` leads to the page at ``/sandbox/``."""
    raise web.HTTPFound("/sandbox/")
