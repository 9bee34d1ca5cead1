"""The days and times a client is offered when booking a coach: read from the coach's
availability as they wrote it (``Mon–Thu 10:00–19:00``, ``Tue-Fri 9:00-17:00``) when it says
days or hours, else every day and office hours. Only an offer: a typed date is taken too."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS_OFFERED = 7
# Without hours in the availability: on the hour from 9:00 to 18:00.
OFFICE_HOURS = (time(9), time(19))
_WEEKDAYS = {
    name: number
    for number, names in enumerate(
        (
            ("mon", "пн", "lun"),
            ("tue", "вт", "mar"),
            ("wed", "ср", "mer"),
            ("thu", "чт", "jeu"),
            ("fri", "пт", "ven"),
            ("sat", "сб", "sam"),
            ("sun", "вс", "dim"),
        )
    )
    for name in names
}
_DASH = r"\s*[-–—]\s*"
_DAY = r"([a-zа-я]{2,3})[a-zа-я]*\.?"
_DAY_RANGE = re.compile(_DAY + _DASH + _DAY)
_HOUR_RANGE = re.compile(r"(\d{1,2})(?:[:h.](\d{2}))?" + _DASH + r"(\d{1,2})(?:[:h.](\d{2}))?")


def coach_weekdays(availability: str | None) -> set[int]:
    """The weekdays (Monday 0) the availability names, as ranges (``Mon–Thu``); all if none."""
    text = (availability or "").lower()
    days: set[int] = set()
    for first, last in _DAY_RANGE.findall(text):
        if first in _WEEKDAYS and last in _WEEKDAYS:
            start, end = _WEEKDAYS[first], _WEEKDAYS[last]
            days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
    return days or set(range(7))


def coach_times(availability: str | None, minutes: int = 60) -> list[time]:
    """The starts on the hour within the availability's first hours (``10:00–19:00``: 10:00 to
    18:00 for an hour's session); office hours if it names none."""
    found = _HOUR_RANGE.search(availability or "")
    begins, ends = (OFFICE_HOURS[0].hour * 60, OFFICE_HOURS[1].hour * 60)
    if found is not None:
        start_hour, start_minute, end_hour, end_minute = (int(part or 0) for part in found.groups())
        if start_hour < end_hour <= 24 and start_minute < 60 and end_minute < 60:
            begins, ends = start_hour * 60 + start_minute, end_hour * 60 + end_minute
    starts = []
    hour = -(-begins // 60)  # the first full hour
    while hour * 60 + minutes <= ends and hour < 24:
        starts.append(time(hour))
        hour += 1
    return starts


def coach_days(
    availability: str | None, now: datetime, zone: ZoneInfo, count: int = DAYS_OFFERED
) -> list[date]:
    """The next ``count`` days the coach works, from today if a time is still open today."""
    today = now.astimezone(zone).date()
    weekdays = coach_weekdays(availability)
    days: list[date] = []
    day = today
    while len(days) < count and day < today + timedelta(days=60):
        if day.weekday() in weekdays and open_times(availability, day, now, zone):
            days.append(day)
        day += timedelta(days=1)
    return days


def open_times(availability: str | None, day: date, now: datetime, zone: ZoneInfo) -> list[time]:
    """The starts offered on ``day`` that are still in the future."""
    return [
        start
        for start in coach_times(availability)
        if datetime.combine(day, start, tzinfo=zone).astimezone(UTC) > now
    ]
