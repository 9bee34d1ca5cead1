"""What the bot says about the private calendar link. Pure functions."""

from __future__ import annotations

from aiogram import html
from aiogram.utils.i18n import gettext as _


def button() -> str:
    return _("📆 Calendar link")


def feed_issued(url: str) -> str:
    return "\n\n".join(
        [
            _("📆 Your private calendar link:"),
            html.quote(url),
            _(
                "Subscribe to it in your phone's calendar, Google Calendar or Outlook "
                "(add a calendar from a URL) to see your sessions there."
            ),
            _(
                "Keep it to yourself: anyone with the link sees your sessions. Asking again "
                "gives a new link, and this one stops working."
            ),
        ]
    )
