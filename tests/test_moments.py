"""Dates, times and money as people read and type them, in each shipped language: one module
(``crm.moments``, ``crm.money``) for the bot, the notifications and the site."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from crm.coaching.coach_hours import coach_days, coach_times
from crm.errors import InvalidInput
from crm.i18n import refusal_text
from crm.moments import example_moment, parse_moment, written_moment
from crm.money import Money, parse_amount
from crm.notify import Notifier

PARIS = ZoneInfo("Europe/Paris")
NOW = datetime(2026, 12, 6, 7, 0, tzinfo=UTC)  # a Sunday
AT = datetime(2026, 12, 15, 17, 30, tzinfo=UTC)  # 18:30 in Paris


@pytest.mark.parametrize(
    "typed",
    [
        "2026-12-15 18:30",
        "15.12.2026 18:30",
        "15/12/2026 18:30",
        "15/12/2026 18h30",
        "2026-12-15T18:30",
        "12/15/2026 6:30 pm",
    ],
)
def test_a_moment_is_read_in_the_forms_people_write(typed: str) -> None:
    assert parse_moment(typed, PARIS, NOW) == AT


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("today 18:30", date(2026, 12, 6)),
        ("Tomorrow 18:30", date(2026, 12, 7)),
        ("сегодня 18:30", date(2026, 12, 6)),
        ("завтра 18:30", date(2026, 12, 7)),
        ("aujourd'hui 18:30", date(2026, 12, 6)),
        ("aujourd’hui 18h30", date(2026, 12, 6)),
        ("demain 18:30", date(2026, 12, 7)),
    ],
)
def test_today_and_tomorrow_in_every_shipped_language(typed: str, day: date) -> None:
    expected = datetime.combine(day, time(18, 30), tzinfo=PARIS).astimezone(UTC)
    assert parse_moment(typed, PARIS, NOW) == expected


@pytest.mark.parametrize(
    "typed", ["tomorrow evening", "2026-02-30 10:00", "32.12.2026 10:00", "15.12.2026 25:00", ""]
)
def test_anything_else_is_refused_with_an_example_to_come(typed: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_moment(typed, PARIS, NOW)
    said = refusal_text(refused.value, "en")
    assert "write it as 2026-12-07 18:30 (or 07.12.2026 18:30, or tomorrow 18:30)" in said
    example = example_moment(NOW, PARIS, "fr")
    assert example == "07/12/2026 18:30"
    assert parse_moment(example, PARIS, NOW) > NOW


def test_a_moment_is_written_as_the_readers_language_writes_it_as_the_site_does() -> None:
    written = {language: written_moment(AT, language, PARIS) for language in ("en", "ru", "fr")}
    assert written == {
        "en": "12/15/26, 6:30\u202fPM",
        "ru": "15.12.2026, 18:30",
        "fr": "15/12/2026 18:30",
    }
    notifier = Notifier("en", "EUR", PARIS)
    assert [notifier.moment(language, AT) for language in ("en", "ru", "fr")] == list(
        written.values()
    )


def test_a_refusal_is_a_sentence_and_its_amount_money_in_the_readers_language() -> None:
    error = InvalidInput(
        "that is more than the balance of contract #{contract_id}: {balance}",
        contract_id=9,
        balance=Money(Decimal("400"), "EUR"),
    )
    assert refusal_text(error, "en") == "That is more than the balance of contract #9: €400.00"
    assert refusal_text(error, "fr").endswith(": 400,00\u00a0€")
    assert refusal_text(error, "fr")[0].isupper()
    # A value the refusal starts with stays as it was typed.
    typed = InvalidInput("{amount} is not an amount of money", amount="lots")
    assert refusal_text(typed, "en") == "lots is not an amount of money"


@pytest.mark.parametrize(
    ("typed", "language", "amount"),
    [
        ("1,200.50", "en", "1200.50"),
        ("1,200", "en", "1200.00"),
        ("€22.00", "en", "22.00"),
        ("22 EUR", "en", "22.00"),
        ("-€5", "en", "-5.00"),
        ("1\u202f200,50\u00a0€", "fr", "1200.50"),
        ("1 200,50", "fr", "1200.50"),
        ("1\u00a0200,50 €", "ru", "1200.50"),
        ("1200.5", "fr", "1200.50"),
        ("12,5", "en", "12.50"),
    ],
)
def test_money_is_read_as_the_readers_language_writes_it(
    typed: str, language: str, amount: str
) -> None:
    assert parse_amount(typed, language=language, currency="EUR") == Decimal(amount)


@pytest.mark.parametrize("typed", ["lots", "1e5", "NaN", "1.234", "1,2,3", "€", "", "Infinity"])
def test_garbage_is_still_not_money(typed: str) -> None:
    with pytest.raises(InvalidInput):
        parse_amount(typed, language="en", currency="EUR")


def test_the_days_and_times_offered_follow_the_coachs_hours() -> None:
    hours = "Mon–Thu 10:00–19:00, online"
    assert coach_times(hours) == [time(hour) for hour in range(10, 19)]
    days = coach_days(hours, NOW, PARIS)
    assert len(days) == 7 and all(day.weekday() < 4 for day in days)
    assert days[0] == date(2026, 12, 7)
    assert coach_times(None) == [time(hour) for hour in range(9, 19)]
    # Today is offered only while a time is still to come.
    late = NOW.replace(hour=20)
    assert coach_days(None, late, PARIS)[0] == date(2026, 12, 7)
    assert coach_days(None, NOW, PARIS)[0] == date(2026, 12, 6)
    assert max(coach_days(None, NOW, PARIS)) - NOW.date() == timedelta(days=6)
