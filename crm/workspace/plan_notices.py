"""What a planned item says in Telegram: its line (in /agenda and the reminder) and the
reminder itself, in the reader's language and the business's time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from crm.i18n import N_, Translator
from crm.moments import written_moment
from crm.notify import Button, button_data
from crm.telegram_html import escape
from db.models import PlannedItem

# Callback data of planned-item buttons: "pln:<action>:<item id>", read by the bot's
# handlers.workspace.plans.
PLAN_CALLBACK_PREFIX = "pln"
DELETE_BUTTON = N_("🗑 Delete #{number}")


def plan_button(tr: Translator, action: str, item_id: int) -> Button:
    """A planned item's *delete* button, as a notification carries it."""
    return {
        "text": tr.gettext(DELETE_BUTTON, number=item_id),
        "callback_data": button_data(PLAN_CALLBACK_PREFIX, action, item_id),
    }


def reminder_words(tr: Translator, before: int | None) -> str:
    """When the reminder comes, in words: *at its time*, *15 minutes before*, *no reminder*."""
    if before is None:
        return tr.gettext("no reminder")
    if before == 0:
        return tr.gettext("reminder at its time")
    if before % (24 * 60) == 0:
        days = before // (24 * 60)
        return tr.ngettext("reminder {count} day before", "reminder {count} days before", days)
    if before % 60 == 0:
        hours = before // 60
        return tr.ngettext("reminder {count} hour before", "reminder {count} hours before", hours)
    return tr.ngettext("reminder {count} minute before", "reminder {count} minutes before", before)


def plan_line(tr: Translator, zone: ZoneInfo, item: PlannedItem) -> str:
    """``📝 #3 · 24 Dec, 10:00 · Call the bank · 30 min · reminder at its time``."""
    parts = [
        tr.gettext("📝 #{number}", number=item.id),
        written_moment(item.starts_at, tr.language, zone),
        f"<b>{escape(item.title)}</b>",
    ]
    if item.minutes:
        parts.append(tr.gettext("{count} min", count=item.minutes))
    parts.append(reminder_words(tr, item.remind_before))
    return " · ".join(parts)


def reminder_text(tr: Translator, zone: ZoneInfo, item: PlannedItem) -> str:
    """The reminder of a planned item."""
    lines = [
        tr.gettext("⏰ Reminder: <b>{title}</b>", title=escape(item.title)),
        tr.gettext("When: {moment}", moment=written_moment(item.starts_at, tr.language, zone)),
    ]
    if item.description:
        lines.append(escape(item.description))
    return "\n".join(lines)
