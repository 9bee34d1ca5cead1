"""The yardstick for ``bench/updates.py``: a bare aiogram bot that echoes every message.

``python -m bench.echo_bot --api URL --token T``: aiogram's own long polling, no database, no
middlewares; one ``sendMessage`` per message, as our bot sends one answer per message.
"""

from __future__ import annotations

import argparse
import asyncio

from aiogram import Bot, Dispatcher
from aiogram.types import Message

from bot.factory import create_bot


async def echo(message: Message) -> None:
    await message.answer(message.text or "…", parse_mode=None)


async def run(api: str, token: str) -> None:
    bot: Bot = create_bot(token, api)
    dispatcher = Dispatcher()
    dispatcher.message.register(echo)
    await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=True)


def main() -> None:
    parser = argparse.ArgumentParser(description="a bare aiogram echo bot")
    parser.add_argument("--api", required=True)
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    asyncio.run(run(args.api, args.token))


if __name__ == "__main__":
    main()
