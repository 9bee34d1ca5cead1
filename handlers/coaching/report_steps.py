"""The step-through of a report dialog (the meeting report, the coach report): one question per
part, each answered in words or skipped with /skip; the answers are kept in the dialog's data and
handed back only after the last part, so /cancel on the way keeps nothing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.fsm.state import State
from aiogram.types import Message
from aiogram.utils.i18n import gettext as _

from handlers.dialogs import end_dialog


@dataclass(frozen=True)
class ReportSteps:
    """A report's parts in the order they are asked, and their questions (translated when
    asked, in the asker's language)."""

    parts: tuple[str, ...]
    questions: Callable[[], Mapping[str, str]]

    def question(self, step: int) -> str:
        asked = self.questions()[self.parts[step]]
        hint = _("(/skip to leave it empty, /cancel to stop without saving)")
        return f"{step + 1}/{len(self.parts)} {asked}\n{hint}"


async def begin(
    message: Message, state: FSMContext, steps: ReportSteps, at: State, **about: Any
) -> None:
    """Enter the dialog in state ``at``, keeping ``about`` (what the report is on), and ask the
    first part."""
    await state.set_state(at)
    await state.set_data({**about, "step": 0, "parts": {}})
    await message.answer(steps.question(0))


async def advance(
    message: Message, state: FSMContext, steps: ReportSteps, answer: str | None
) -> tuple[dict[str, Any], dict[str, str]] | None:
    """Keep ``answer`` (None: skipped) and ask the next part; after the last one, leave the
    dialog and return what it was about and the parts answered."""
    data: dict[str, Any] = await state.get_data()
    step, parts = int(data["step"]), dict(data["parts"])
    if answer is not None:
        parts[steps.parts[step]] = answer
    if step + 1 < len(steps.parts):
        await state.update_data(step=step + 1, parts=parts)
        await message.answer(steps.question(step + 1))
        return None
    await end_dialog(state)
    return data, parts
