"""Dates and times as people read and type them: written the way the reader's locale writes them
(Babel), in the business's time zone (``CRM_TIMEZONE``); read from the forms people type in
every shipped language (``2026-12-15 18:30``, ``15.12.2026 18:30``, ``15/12/2026 18:30``,
``tomorrow 18:30``, ``завтра 18:30``, ``demain 18h30``).

One module for the bot, the notifications and the site, so they write and read dates alike.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime, format_time

from crm.errors import InvalidInput
from crm.i18n import N_

# Today and tomorrow as people write them, in every shipped language: a reader may type in
# another language than the one they read in.
RELATIVE_DAYS = {
    "today": 0,
    "tomorrow": 1,
    "сегодня": 0,
    "завтра": 1,
    "aujourd'hui": 0,
    "demain": 1,
}
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DOTTED_DAY = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED_DAY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
# 18:30, 18.30 (Russian), 18h30 / 18h (French), optionally 6:30 pm.
_CLOCK = re.compile(r"(\d{1,2})(?:[:.hH](\d{2})?(?::\d{2})?)?\s*([aApP]\.?[mM]\.?)?")
# How each language's reader is shown a date to copy: their own usual form.
_TYPED_DAY = {"en": "%Y-%m-%d", "ru": "%d.%m.%Y", "fr": "%d/%m/%Y"}


def local(moment: datetime, zone: ZoneInfo) -> datetime:
    """``moment`` in ``zone`` (a moment without a zone is taken as UTC, as the database keeps)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def written_moment(moment: datetime, language: str, zone: ZoneInfo) -> str:
    """A date and time as ``language`` writes them: ``12/15/26, 6:30 PM``, ``15.12.2026, 18:30``."""
    return str(format_datetime(local(moment, zone), "short", locale=language))


def written_day(day: date, language: str, zone: ZoneInfo | None = None) -> str:
    """A day as ``language`` writes it (``Dec 15, 2026``; ``15 déc. 2026``); a moment's day is
    its day in ``zone``."""
    if isinstance(day, datetime):
        day = local(day, zone or ZoneInfo("UTC")).date()
    return str(format_date(day, "medium", locale=language))


def written_clock(moment: datetime | time, language: str, zone: ZoneInfo | None = None) -> str:
    """The time of day as ``language`` writes it (``6:30 PM``; ``18:30``)."""
    if isinstance(moment, datetime):
        moment = local(moment, zone or ZoneInfo("UTC")).time()
    return str(format_time(moment, "short", locale=language))


def button_day(day: date, language: str) -> str:
    """A day on a button: weekday and date, short (``Tue, Dec 15``; ``mar. 15 déc.``)."""
    return str(format_date(day, "EEE d MMM", locale=language))


def parse_day(typed: str, today: date | None, field: str | None = None) -> date:
    """A day as people type it: ``2026-12-15``, ``15.12.2026``, ``15/12/2026``, *today* or
    *tomorrow* (in en, ru, fr; only when ``today`` is given); InvalidInput otherwise."""
    text = typed.strip().lower().replace("’", "'")
    if text in RELATIVE_DAYS and today is not None:
        return today + timedelta(days=RELATIVE_DAYS[text])
    if found := _ISO_DAY.fullmatch(text):
        year, month, day = (int(part) for part in found.groups())
    elif found := _DOTTED_DAY.fullmatch(text) or _SLASHED_DAY.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
        if month > 12 >= day and "/" in text:
            day, month = month, day  # 12/15/2026: only the American order makes it a date
    else:
        raise InvalidInput(N_("{typed} is not a date"), field=field, typed=typed)
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidInput(N_("{typed} is not a date"), field=field, typed=typed) from None


def parse_clock(typed: str, field: str | None = None) -> time:
    """A time of day as people type it: ``18:30``, ``18.30``, ``18h30``, ``6:30 pm``."""
    found = _CLOCK.fullmatch(typed.strip())
    if found is None:
        raise InvalidInput(N_("{typed} is not a time of day"), field=field, typed=typed)
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    half = (found.group(3) or "").lower().replace(".", "")
    if half and not 1 <= hour <= 12:
        raise InvalidInput(N_("{typed} is not a time of day"), field=field, typed=typed)
    if half:
        hour = hour % 12 + (12 if half == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise InvalidInput(N_("{typed} is not a time of day"), field=field, typed=typed)
    return time(hour, minute)


def parse_moment(typed: str, zone: ZoneInfo, now: datetime, field: str | None = None) -> datetime:
    """A date and time typed in ``zone`` (``15.12.2026 18:30``, ``tomorrow 18:30``,
    ``2026-12-15T18:30``), as UTC; InvalidInput says how to write one (with an example in the
    future)."""
    # The site's date-and-time fields send ``2026-12-15T18:30``.
    text = " ".join(re.sub(r"(?<=\d)T(?=\d)", " ", typed).split())
    day_part, _, clock_part = text.rpartition(" ")
    if not day_part:
        raise bad_moment(typed, zone, now, field)
    # "6:30 pm": the clock's half of the day is its own word.
    if clock_part.lower().replace(".", "") in ("am", "pm") and " " in day_part:
        day_part, _, hour_part = day_part.rpartition(" ")
        clock_part = f"{hour_part} {clock_part}"
    today = local(now, zone).date()
    try:
        day = parse_day(day_part, today)
        clock = parse_clock(clock_part)
    except InvalidInput:
        raise bad_moment(typed, zone, now, field) from None
    try:
        return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)
    except OverflowError:  # the calendar's first or last day: no UTC moment beyond it
        raise bad_moment(typed, zone, now, field) from None


def example_moment(now: datetime, zone: ZoneInfo, language: str) -> str:
    """A moment to copy, in the future (tomorrow at 18:30), in ``language``'s usual typed form."""
    tomorrow = local(now, zone).date() + timedelta(days=1)
    return f"{tomorrow.strftime(_TYPED_DAY.get(language, _TYPED_DAY['en']))} 18:30"


def bad_moment(typed: str, zone: ZoneInfo, now: datetime, field: str | None = None) -> InvalidInput:
    """The refusal of a moment not understood, with one to copy (in the future)."""
    tomorrow = local(now, zone).date() + timedelta(days=1)
    return InvalidInput(
        N_(
            "“{typed}” is not a date and time: write it as {example} "
            "(or {dotted}, or tomorrow 18:30)"
        ),
        field=field,
        typed=typed[:40],
        example=f"{tomorrow.isoformat()} 18:30",
        dotted=f"{tomorrow:%d.%m.%Y} 18:30",
    )
