"""Leaving a dialog, finished or cancelled: its step and everything typed in it go from the
dialog storage, so nothing half-typed outlives it (``/cancel`` keeps nothing)."""

from aiogram.fsm.context import FSMContext

from handlers.i18n import STRANGER_LANGUAGE_KEY


async def end_dialog(state: FSMContext) -> None:
    """Clear the dialog's state and data; a stranger's chosen language, which is no dialog's,
    stays until they register."""
    language = await state.get_value(STRANGER_LANGUAGE_KEY)
    await state.set_state(None)
    await state.set_data({STRANGER_LANGUAGE_KEY: language} if language else {})
