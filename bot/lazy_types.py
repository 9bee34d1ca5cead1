"""aiogram's Telegram types, each built the first time it is used instead of all at import.

``import aiogram.types`` rebuilds the validators of all ~440 Telegram types, and each one
inlines the whole tree of types it can contain: some 100 MB that stay in memory, while the bot
meets a few dozen of them. The types are declared ``defer_build`` already; only that closing
loop builds them. Here it is skipped, and the names each type module imports for type
checkers only (its forward references) are given to the module, so pydantic resolves them
itself when a type is first validated or serialised.

It has to run before anything imports ``aiogram``: the ``crm`` entry point (``bot.cli.main``)
calls it first thing, and ``bot.cli`` imports nothing of aiogram at module level. If aiogram
was imported first, the types are already built and nothing changes. This relies on how
aiogram 3.31 closes ``aiogram/types/__init__.py`` (a ``model_rebuild`` loop with
``_types_namespace``); pyproject.toml caps aiogram at that minor version and
``tests/test_lazy_types.py`` fails if a release changes it.
"""

from __future__ import annotations

import sys
from typing import Any

from pydantic import BaseModel

_TYPES_PACKAGE = "aiogram.types"


def defer_telegram_types() -> bool:
    """Import ``aiogram.types`` without building its types; False if it was imported already."""
    if _TYPES_PACKAGE in sys.modules:
        return False
    rebuild = BaseModel.__dict__["model_rebuild"]
    namespace: dict[str, Any] = {}

    def skip_types_rebuild(cls: type[BaseModel], /, **kwargs: Any) -> bool | None:
        types_namespace = kwargs.get("_types_namespace")
        if types_namespace is not None and cls.__module__.startswith(_TYPES_PACKAGE + "."):
            if not namespace:
                namespace.update(types_namespace)
            return None
        return rebuild.__func__(cls, **kwargs)  # type: ignore[no-any-return]

    BaseModel.model_rebuild = classmethod(skip_types_rebuild)  # type: ignore[assignment,method-assign]
    try:
        import aiogram.types  # noqa: F401  (the import is the point)
    finally:
        BaseModel.model_rebuild = rebuild  # type: ignore[method-assign]
    for name, module in list(sys.modules.items()):
        if name.startswith(_TYPES_PACKAGE + ".") and module is not None:
            for key, value in namespace.items():
                module.__dict__.setdefault(key, value)
    return True
