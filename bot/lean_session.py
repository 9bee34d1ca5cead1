"""The HTTP session to the Bot API, made cheaper per update where the product does not read
what Telegram answers.

aiogram reads every answer of the Bot API into the method's result type: a sent message
becomes a validated ``Message`` (its chat, sender, entities, markup…), about a third of the
CPU an update costs, for an object the product then drops. Here an answer to a call that
changes something (send, edit, answer a button, set the menu) that Telegram accepted is kept
as its plain JSON instead; the few readers of a sent message want two numbers from it
(``notifications.sent.sent_message_ids``). Answers to questions (``getUpdates``, ``getFile``,
``getMe``) and every refusal still go through aiogram's full reading, so its errors
(``TelegramRetryAfter`` with its ``retry_after``, ``TelegramForbiddenError``…) are raised
exactly as before.

JSON is read and written with orjson when it is installed (an optional extra).

Builds on ``BaseSession.check_response``'s signature and on ``make_request`` returning its
``result``: aiogram is pinned to a minor version in pyproject.toml, and
``tests/test_lean_session.py`` fails when either changes.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

try:
    import orjson
except ImportError:  # pragma: no cover - the optional extra is not installed
    orjson = None  # type: ignore[assignment]


def _dumps(value: Any) -> str:
    assert orjson is not None
    return orjson.dumps(value).decode()


def _reads_answer(method: TelegramMethod[Any]) -> bool:
    """Whether the caller reads what Telegram answers: a question, not a change."""
    return method.__api_method__.startswith("get")


class LeanAnswers(BaseSession):
    """A session whose accepted changes answer their JSON, unread (see the module); mixed into
    the HTTP session here and into the tests' in-process one, so both read alike."""

    def check_response(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        status_code: int,
        content: str,
    ) -> Response[TelegramType]:
        if not _reads_answer(method) and HTTPStatus.OK <= status_code <= HTTPStatus.IM_USED:
            try:
                answer = self.json_loads(content)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and answer.get("ok") is True:
                # Unvalidated: the result stays the JSON Telegram sent (a dict, or True).
                lean = Response[Any].model_construct(ok=True, result=answer.get("result"))
                return cast(Response[TelegramType], lean)
        return super().check_response(bot, method, status_code, content)


class LeanSession(LeanAnswers, AiohttpSession):
    """aiogram's aiohttp session that does not build what nobody reads, speaking orjson."""

    def __init__(self, **kwargs: Any) -> None:
        if orjson is not None:
            kwargs.setdefault("json_loads", orjson.loads)
            kwargs.setdefault("json_dumps", _dumps)
        super().__init__(**kwargs)
