"""aiogram's Telegram types are built on first use (``bot.lazy_types``), and every one can be.

Run in a fresh interpreter: in the test process aiogram is imported already.
"""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import contextlib, io, json, sys
import bot.cli
aiogram_before_main = "aiogram" in sys.modules
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    bot.cli.main(["--help"])  # the entry point defers the types first thing, as `crm run` does
import aiogram.methods as methods
import aiogram.types as types
from pydantic import BaseModel

built_at_import = [n for n in types.__all__
                   if getattr(getattr(types, n), "__pydantic_complete__", False)]
update = types.Update.model_validate({
    "update_id": 1,
    "message": {
        "message_id": 5, "date": 1700000000, "text": "/new Ça fuit <b>",
        "chat": {"id": 7, "type": "private"},
        "from": {"id": 7, "is_bot": False, "first_name": "Nina", "language_code": "fr"},
        "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
        "reply_to_message": {"message_id": 4, "date": 1700000000, "text": "#12",
                             "chat": {"id": 7, "type": "private"}},
    },
})
unbuildable = []
for module in (types, methods):
    for name in module.__all__:
        model = getattr(module, name)
        if isinstance(model, type) and issubclass(model, BaseModel):
            try:
                model.model_rebuild(raise_errors=True)
            except Exception as error:
                unbuildable.append(f"{name}: {error}")
json.dump({
    "aiogram_before_main": aiogram_before_main,
    "built_at_import": built_at_import,
    "text": update.message.text,
    "reply_to": update.message.reply_to_message.text,
    "entity": update.message.entities[0].type,
    "language": update.message.from_user.language_code,
    "unbuildable": unbuildable,
}, sys.stdout)
"""


def test_types_are_built_on_first_use_and_all_of_them_can_be() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["aiogram_before_main"] is False  # nothing defeats the deferral by importing first
    assert seen["built_at_import"] == []
    assert seen["text"] == "/new Ça fuit <b>"
    assert seen["reply_to"] == "#12"
    assert seen["entity"] == "bot_command"
    assert seen["language"] == "fr"
    assert seen["unbuildable"] == []
