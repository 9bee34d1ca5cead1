"""A stand-in for the Telegram Bot API, spoken over real HTTP (``bot.sandbox.server``).

It serves the unchanged bot in sandbox mode and is the fake server of the end-to-end tests:
it keeps every chat, queues the updates simulated users make, answers ``getUpdates`` by long
polling, checks markup the way Telegram does, and can be told to fail (429, 5xx, 403).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.sandbox import objects
from bot.sandbox.chat import (
    MAX_CALLBACK_DATA_BYTES,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    BotAPIError,
    ChatMessage,
    Fault,
    JSONDict,
    SandboxUser,
    Upload,
)
from bot.sandbox.markup import EntityParseError, html_to_plain, utf16_length

# What the Bot API lets a bot download (larger files need a local Bot API server).
MAX_KEPT_FILE_BYTES = 20 * 1024 * 1024


@dataclass
class _QueuedUpdate:
    update: JSONDict
    delivered: bool = False


@dataclass
class _KeptFile:
    """A file Telegram holds: its bytes and the path ``getFile`` gives for downloading it."""

    content: bytes
    file_path: str


@dataclass
class _Chat:
    user: SandboxUser
    messages: list[ChatMessage] = field(default_factory=list)
    reply_keyboard: JSONDict | None = None
    version: int = 0


class FakeTelegram:
    """The fake Bot API's state and behaviour; ``bot.sandbox.server.create_app`` serves it."""

    def __init__(
        self,
        token: str,
        *,
        bot_username: str = "frontdoor_sandbox_bot",
        after_update_id: int = 0,
    ) -> None:
        """``after_update_id``: the last update the bot has applied; the next one follows it, as
        Telegram's numbering goes on across the bot's restarts."""
        self.token = token
        self.bot_user: JSONDict = objects.bot_user(int(token.split(":", 1)[0]), bot_username)
        self.users: dict[int, SandboxUser] = {}
        # Documents users sent, by file_id, so the bot can send one again as Telegram does.
        self.documents: dict[str, JSONDict] = {}
        # The bytes of the files users sent, by file_id; getFile and the download serve them.
        self.files: dict[str, _KeptFile] = {}
        self._file_paths: dict[str, str] = {}
        self._chats: dict[int, _Chat] = {}
        self._queue: list[_QueuedUpdate] = []
        self._update_ids = itertools.count(after_update_id + 1)
        self._message_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self.commands: dict[str, list[JSONDict]] = {}
        self.faults: list[Fault] = []
        self.blocked_chats: set[int] = set()
        self.calls: list[tuple[str, JSONDict]] = []
        self.answered_callbacks: dict[str, JSONDict] = {}
        self.webhook: JSONDict | None = None
        self._wakeups: set[asyncio.Future[None]] = set()
        self.closed = False
        self._methods = self._answers()

    # --- people ---------------------------------------------------------------------------

    def add_user(self, user: SandboxUser) -> SandboxUser:
        """Make ``user`` known (or update what is known of them)."""
        self.users[user.id] = user
        if user.id in self._chats:
            self._chats[user.id].user = user
        return user

    def _chat(self, chat_id: int) -> _Chat:
        if chat_id not in self._chats:
            user = self.users.get(chat_id)
            if user is None:
                raise BotAPIError(400, "Bad Request: chat not found")
            self._chats[chat_id] = _Chat(user=user)
        return self._chats[chat_id]

    def messages(self, chat_id: int) -> list[ChatMessage]:
        """Every message of the private chat with ``chat_id``, oldest first."""
        return list(self._chats[chat_id].messages) if chat_id in self._chats else []

    def bot_messages(self, chat_id: int) -> list[ChatMessage]:
        """What the bot has said in the chat with ``chat_id``."""
        return [message for message in self.messages(chat_id) if message.from_bot]

    def reply_keyboard(self, chat_id: int) -> JSONDict | None:
        """The reply keyboard the user currently sees, if any."""
        return self._chats[chat_id].reply_keyboard if chat_id in self._chats else None

    def chat_version(self, chat_id: int) -> int:
        """Grows whenever something in the chat changes."""
        return self._chats[chat_id].version if chat_id in self._chats else 0

    # --- what users do ----------------------------------------------------------------------

    def _message_from(self, user_id: int, **content: Any) -> tuple[ChatMessage, JSONDict]:
        chat = self._chat(user_id)
        reply_to = content.get("reply_to")
        if reply_to is not None:
            self._find(user_id, reply_to)
        message = ChatMessage(
            message_id=next(self._message_ids),
            chat_id=user_id,
            from_bot=False,
            text=content.get("text", content.get("caption") or ""),
            date=int(time.time()),
            contact=content.get("contact"),
            reply_to=reply_to,
            photo=content.get("photo"),
            document=content.get("document"),
        )
        chat.messages.append(message)
        chat.version += 1
        return message, self._message_api(message)

    def send_text(self, user_id: int, text: str, *, reply_to: int | None = None) -> JSONDict:
        """The user writes ``text`` (optionally as a reply to a message of the chat)."""
        _, payload = self._message_from(user_id, text=text, reply_to=reply_to)
        return self.push({"message": payload})

    def send_photo(
        self, user_id: int, caption: str | None = None, *, reply_to: int | None = None
    ) -> JSONDict:
        """The user sends a photo, with a caption if given; Telegram keeps it in sizes, each a
        JPEG (stand-in bytes of the size it reports)."""
        file_id = f"photo-{user_id}-{next(self._message_ids)}"
        for size in objects.photo_sizes(file_id):
            self._keep_file(size["file_id"], "jpg", None, size["file_size"], "image/jpeg")
        _, payload = self._message_from(user_id, photo=file_id, caption=caption, reply_to=reply_to)
        return self.push({"message": payload})

    def send_document(
        self,
        user_id: int,
        file_name: str,
        caption: str | None = None,
        *,
        mime_type: str = "application/pdf",
        file_size: int = 48_213,
        content: bytes | None = None,
        reply_to: int | None = None,
    ) -> JSONDict:
        """The user sends a file, with a caption if given (optionally as a reply to a message of
        the chat); ``content`` is the file (stand-in bytes of ``file_size`` when not given)."""
        file_id = f"doc-{user_id}-{next(self._message_ids)}"
        kept = self._keep_file(file_id, file_name, content, file_size, mime_type)
        document = objects.document(
            file_id, file_name=file_name, mime_type=mime_type, file_size=len(kept.content)
        )
        self.documents[file_id] = document
        _, payload = self._message_from(
            user_id, document=document, caption=caption, reply_to=reply_to
        )
        return self.push({"message": payload})

    def _keep_file(
        self,
        file_id: str,
        name: str,
        content: bytes | None,
        size: int,
        mime_type: str | None,
    ) -> _KeptFile:
        if content is None:
            content = objects.stand_in_bytes(min(size, MAX_KEPT_FILE_BYTES), mime_type)
        if len(content) > MAX_KEPT_FILE_BYTES:
            raise ValueError(f"the sandbox keeps files up to {MAX_KEPT_FILE_BYTES} bytes")
        extension = name.rsplit(".", 1)[-1] if "." in name else name
        folder = "photos" if mime_type == "image/jpeg" and extension == "jpg" else "documents"
        kept = _KeptFile(content, f"{folder}/file_{len(self.files)}.{extension[:8]}")
        self.files[file_id] = kept
        self._file_paths[kept.file_path] = file_id
        return kept

    def forget_file(self, file_id: str) -> None:
        """Telegram no longer has the file (deleted, or its file_id is from elsewhere)."""
        kept = self.files.pop(file_id, None)
        if kept is not None:
            self._file_paths.pop(kept.file_path, None)

    def _get_file(self, params: JSONDict) -> JSONDict:
        file_id = str(params.get("file_id") or "")
        kept = self.files.get(file_id)
        if kept is None:
            raise BotAPIError(
                400, "Bad Request: wrong file_id or the file is temporarily unavailable"
            )
        return objects.telegram_file(file_id, kept.file_path, len(kept.content))

    def file_content(self, file_path: str) -> bytes | None:
        """The bytes served at ``/file/bot<token>/<file_path>``; None when there are none."""
        file_id = self._file_paths.get(file_path)
        return self.files[file_id].content if file_id is not None else None

    def share_contact(
        self, user_id: int, phone: str | None = None, *, owner: SandboxUser | None = None
    ) -> JSONDict:
        """The user shares a contact: their own by default, or ``owner``'s."""
        sender = self.users[user_id]
        person = owner or sender
        contact: JSONDict = {
            "phone_number": phone or person.phone or "",
            "first_name": person.first_name,
            "user_id": person.id,
        }
        if person.last_name:
            contact["last_name"] = person.last_name
        _, payload = self._message_from(user_id, contact=contact)
        return self.push({"message": payload})

    def share_card(self, user_id: int, name: str, phone: str) -> JSONDict:
        """The user shares a card from their phone book: a name and a phone, of someone Telegram
        may not know (no user id)."""
        first, _, last = name.strip().partition(" ")
        contact: JSONDict = {"phone_number": phone.strip(), "first_name": first or name}
        if last:
            contact["last_name"] = last
        _, payload = self._message_from(user_id, contact=contact)
        return self.push({"message": payload})

    def press(self, user_id: int, button_text: str) -> JSONDict:
        """The user presses a button by its text: the newest inline one, else the reply keyboard."""
        for message in reversed(self.bot_messages(user_id)):
            for row in (message.reply_markup or {}).get("inline_keyboard", []):
                for button in row:
                    if button["text"] == button_text and "callback_data" in button:
                        return self._press_inline(user_id, message, button["callback_data"])
        keyboard = self.reply_keyboard(user_id) or {}
        for row in keyboard.get("keyboard", []):
            for button in row:
                if button["text"] == button_text:
                    if keyboard.get("one_time_keyboard"):
                        self._chats[user_id].reply_keyboard = None
                    if button.get("request_contact"):
                        return self.share_contact(user_id)
                    return self.send_text(user_id, button_text)
        raise LookupError(f"no button {button_text!r} in the chat with {user_id}")

    def press_callback(self, user_id: int, message_id: int, data: str) -> JSONDict:
        """The user's client sends a callback query with arbitrary ``data`` (forgery included)."""
        return self._press_inline(user_id, self._find(user_id, message_id), data)

    def _press_inline(self, user_id: int, message: ChatMessage, data: str) -> JSONDict:
        user = self.users[user_id]
        return self.push(
            {
                "callback_query": {
                    "id": str(next(self._callback_ids)),
                    "from": user.as_api(),
                    "message": self._message_api(message),
                    "chat_instance": str(user_id),
                    "data": data,
                }
            }
        )

    def push(self, content: JSONDict) -> JSONDict:
        """Queue an update with the next update_id; returns it."""
        update = {"update_id": next(self._update_ids), **content}
        self._queue.append(_QueuedUpdate(update))
        self._notify()
        return update

    def redeliver(self, update: JSONDict) -> None:
        """Deliver ``update`` again, as Telegram does when it did not see it acknowledged."""
        self._queue.append(_QueuedUpdate(dict(update)))
        self._notify()

    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot."""
        return len(self._queue)

    # --- what the bot does ----------------------------------------------------------------

    def _find(self, chat_id: int, message_id: int) -> ChatMessage:
        for message in self.messages(chat_id):
            if message.message_id == message_id:
                return message
        raise BotAPIError(400, "Bad Request: message to be replied not found")

    def _message_api(self, message: ChatMessage) -> JSONDict:
        """``message`` as the Bot API writes it: in answers, updates and callback queries."""
        chat = self._chat(message.chat_id)
        reply_to = None
        if message.reply_to is not None:
            # A reply to a message deleted since is shown without it, as Telegram does.
            replied = (m for m in chat.messages if m.message_id == message.reply_to)
            reply_to = next(replied, None)
        return objects.message(
            message,
            person=chat.user,
            bot=self.bot_user,
            reply_to=reply_to,
            edit_date=int(time.time()) if message.edited else None,
        )

    def check_fault(self, method: str, params: JSONDict) -> None:
        chat_id = params.get("chat_id")
        for fault in list(self.faults):
            if fault.method not in (method, "*"):
                continue
            if fault.chat_id is not None and str(fault.chat_id) != str(chat_id):
                continue
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
            raise BotAPIError(fault.status, fault.description, fault.retry_after)
        blockable = method.startswith(("send", "edit"))
        if blockable and chat_id is not None and int(chat_id) in self.blocked_chats:
            raise BotAPIError(403, "Forbidden: bot was blocked by the user")

    @staticmethod
    def _rendered_text(params: JSONDict, key: str = "text") -> tuple[str, str]:
        raw = str(params.get(key) or "")
        try:
            plain = html_to_plain(raw) if params.get("parse_mode") == "HTML" else raw
        except EntityParseError as error:
            raise BotAPIError(400, str(error)) from error
        if key == "caption":
            if utf16_length(plain) > MAX_CAPTION_LENGTH:
                raise BotAPIError(400, "Bad Request: message caption is too long")
            return raw, plain
        if not plain.strip():
            raise BotAPIError(400, "Bad Request: message text is empty")
        if utf16_length(plain) > MAX_TEXT_LENGTH:
            raise BotAPIError(400, "Bad Request: message is too long")
        return raw, plain

    @staticmethod
    def _check_markup(markup: JSONDict | None) -> None:
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                data = button.get("callback_data")
                if data is not None and len(data.encode()) > MAX_CALLBACK_DATA_BYTES:
                    raise BotAPIError(400, "Bad Request: BUTTON_DATA_INVALID")

    def _bot_says(self, params: JSONDict, media: str | None = None) -> JSONDict:
        chat = self._chat(int(params["chat_id"]))
        raw, plain = self._rendered_text(params, "caption" if media else "text")
        markup = params.get("reply_markup")
        self._check_markup(markup)
        reply_to = (params.get("reply_parameters") or {}).get("message_id")
        if reply_to is not None:
            self._find(chat.user.id, int(reply_to))
        file_id = self._sent_file_id(params, media) if media else None
        message = ChatMessage(
            message_id=next(self._message_ids),
            chat_id=chat.user.id,
            from_bot=True,
            text=plain,
            html=raw,
            date=int(time.time()),
            reply_markup=markup,
            reply_to=reply_to,
            photo=file_id if media == "photo" else None,
            document=self._document(file_id) if media == "document" and file_id else None,
        )
        if markup and "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup and markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        chat.messages.append(message)
        chat.version += 1
        self._notify()
        return self._message_api(message)

    def _sent_file_id(self, params: JSONDict, media: str) -> str:
        """The file_id the bot sends: one Telegram knows, or a new one for an upload."""
        sent = params.get(media)
        if isinstance(sent, str) and sent.startswith("attach://"):
            sent = params.get(sent.removeprefix("attach://"))  # how aiogram uploads
        if isinstance(sent, Upload):
            file_id = f"{media}-{params['chat_id']}-{next(self._message_ids)}"
            if media == "document":
                self.documents[file_id] = objects.document(
                    file_id,
                    file_name=sent.file_name,
                    mime_type=sent.mime_type,
                    file_size=sent.file_size,
                )
            return file_id
        if not isinstance(sent, str) or not sent:
            raise BotAPIError(400, f"Bad Request: there is no {media} in the request")
        return sent

    def _document(self, file_id: str) -> JSONDict:
        # A file_id from before a restart is not remembered (the database outlives the
        # sandbox): it comes back with what Telegram always says of a file.
        return self.documents.get(file_id) or objects.document(file_id)

    def _bot_edits(self, params: JSONDict, *, text: bool) -> JSONDict:
        chat = self._chat(int(params["chat_id"]))
        message = self._find(chat.user.id, int(params["message_id"]))
        if text:
            message.html, message.text = self._rendered_text(params)
        markup = params.get("reply_markup")
        self._check_markup(markup)
        message.reply_markup = markup
        message.edited = True
        chat.version += 1
        self._notify()
        return self._message_api(message)

    def _answers(self) -> dict[str, Callable[[JSONDict], Any]]:
        """Each method the fake answers, by its lower-case name (Telegram ignores the case)."""
        return {
            "getme": lambda _: objects.me(self.bot_user),
            "getfile": self._get_file,
            "sendmessage": self._bot_says,
            "sendphoto": lambda p: self._bot_says(p, media="photo"),
            "senddocument": lambda p: self._bot_says(p, media="document"),
            "editmessagetext": lambda p: self._bot_edits(p, text=True),
            "editmessagereplymarkup": lambda p: self._bot_edits(p, text=False),
            "answercallbackquery": self._answer_callback,
            "setmycommands": self._set_commands,
            "deletemycommands": self._delete_commands,
            "getmycommands": lambda p: self.commands.get(self._scope_key(p), []),
            "deletewebhook": self._delete_webhook,
            "setwebhook": self._set_webhook,
            "sendchataction": lambda _: True,
            "deletemessage": self._delete_message,
            "close": lambda _: True,
            "logout": lambda _: True,
        }

    def methods(self) -> set[str]:
        """Every Bot API method the fake answers, lower case; the server answers getUpdates."""
        return {*self._methods, "getupdates"}

    def call(self, method: str, params: JSONDict) -> Any:
        """Apply one Bot API call; raises BotAPIError for an error answer."""
        self.calls.append((method, params))
        self.check_fault(method, params)
        handler = self._methods.get(method.lower())
        if handler is None:
            raise BotAPIError(404, "Not Found: method not found")
        return handler(params)

    def _answer_callback(self, params: JSONDict) -> bool:
        self.answered_callbacks[str(params["callback_query_id"])] = params
        self._notify()
        return True

    @staticmethod
    def _scope_key(params: JSONDict) -> str:
        scope = params.get("scope") or {"type": "default"}
        return f"{json.dumps(scope, sort_keys=True)}|{params.get('language_code') or ''}"

    def _set_commands(self, params: JSONDict) -> bool:
        self.commands[self._scope_key(params)] = list(params["commands"])
        return True

    def _delete_commands(self, params: JSONDict) -> bool:
        self.commands.pop(self._scope_key(params), None)
        return True

    def commands_for(self, chat_id: int | None = None, language: str | None = None) -> list[str]:
        """The command menu a user would see: their chat scope first, then the default."""
        scopes = []
        if chat_id is not None:
            scopes.append({"type": "chat", "chat_id": chat_id})
        scopes.append({"type": "default"})
        for scope in scopes:
            for code in (language, None):
                key = self._scope_key({"scope": scope, "language_code": code})
                if key in self.commands:
                    return [command["command"] for command in self.commands[key]]
        return []

    def _delete_webhook(self, params: JSONDict) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    def _set_webhook(self, params: JSONDict) -> bool:
        self.webhook = params
        return True

    def _delete_message(self, params: JSONDict) -> bool:
        chat = self._chat(int(params["chat_id"]))
        chat.messages = [m for m in chat.messages if m.message_id != int(params["message_id"])]
        chat.version += 1
        self._notify()
        return True

    async def get_updates(self, params: JSONDict) -> list[JSONDict]:
        """Long polling: confirm up to ``offset``, then wait up to ``timeout`` for updates."""
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        waiting = len(self._queue)
        self._queue = [
            queued
            for queued in self._queue
            if not (queued.delivered and queued.update["update_id"] < offset)
        ]
        if len(self._queue) < waiting:
            self._notify()  # whoever waits for the updates to be handled
        deadline = asyncio.get_running_loop().time() + timeout
        async with self._changed:
            while not self._queue:
                if self.closed:
                    return []
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    return []
                # asyncio.timeout, not wait_for: wait_for (before Python 3.12) swallows the
                # caller's cancellation when a notification lands at the same moment, and the
                # poll then waits out its whole timeout after its client has gone.
                try:
                    async with asyncio.timeout(remaining):
                        await self._changed.wait()
                except TimeoutError:
                    return []
        batch = self._queue[:limit]
        for queued in batch:
            queued.delivered = True
        return [queued.update for queued in batch]

    def _notify(self) -> None:
        async def wake() -> None:
            async with self._changed:
                self._changed.notify_all()

        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        # Keep a reference so the wake-up task is not collected before it runs.
        task = asyncio.ensure_future(wake())
        self._wakeups.add(task)
        task.add_done_callback(self._wakeups.discard)

    def close(self) -> None:
        """Answer every waiting long poll now; the server is going away."""
        self.closed = True
        self._notify()

    async def wait_changed(self, timeout: float) -> None:
        """Wait until anything changes, at most ``timeout`` seconds."""
        if self.closed:
            return
        async with self._changed:
            try:
                async with asyncio.timeout(timeout):  # not wait_for: see get_updates
                    await self._changed.wait()
            except TimeoutError:
                return
