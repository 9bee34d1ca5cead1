"""The composition root: ``crm`` commands, the runner, the sandbox.

Imported before anything else of the bot, so aiogram's types are built lazily (see
``bot.lazy_types``).
"""

from bot.lazy_types import defer_telegram_types

defer_telegram_types()
