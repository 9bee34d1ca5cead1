"""Reading forms: typed values with a message per field, and the fields a page renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from multidict import MultiDictProxy

from crm.errors import InvalidInput
from crm.i18n import N_, refusal_text
from crm.ids import looks_like_id, parse_id
from crm.moments import parse_day
from crm.money import parse_amount

E = TypeVar("E", bound=StrEnum)
FormData = MultiDictProxy[Any]

# The widest whole number a column holds (32-bit INTEGER on PostgreSQL; BIGINT passes its own).
MAX_INTEGER = 2**31 - 1
# Dates people filter and plan by; a day either side stays a date in every time zone.
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@dataclass
class Field:
    """One input as a page shows it: a real <label>, its value, its error."""

    name: str
    label: str
    kind: str = "text"  # text, textarea, number, select, checkbox, password, email, date
    value: Any = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    required: bool = False
    error: str = ""
    help: str = ""
    suggest: str = ""  # a URL answering ?q= with JSON suggestions (a text input's datalist)


class FilledField(Protocol):
    """Builds one field of a form, its value and error filled in (``fields_from``)."""

    def __call__(self, name: str, label: str, kind: str = "text", **extra: Any) -> Field: ...


def fields_from(values: dict[str, Any], errors: dict[str, str]) -> FilledField:
    """A builder of a form's fields, each with its value in ``values`` and its error in
    ``errors`` (both by the field's name); ``extra`` are the other ``Field`` attributes."""

    def field(name: str, label: str, kind: str = "text", **extra: Any) -> Field:
        return Field(name, label, kind, values.get(name, ""), error=errors.get(name, ""), **extra)

    return field


class FormErrors(Exception):
    """One or more fields could not be read; ``errors`` maps field names to messages."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _english(message: str, **params: Any) -> str:
    return message.format(**params) if params else message


class Reader:
    """Reads typed values from a form, collecting a message per bad field.

    ``gettext`` is the page's translator (``web.i18n.Words.gettext``); the labels given to the
    typed readers are message ids too, translated with it.
    """

    def __init__(self, form: FormData, gettext: Callable[..., str] = _english) -> None:
        self.form = form
        self.errors: dict[str, str] = {}
        self.gettext = gettext

    def _refuse(self, name: str, message: str, label: str, **params: Any) -> None:
        self.errors[name] = self.gettext(message, label=self.gettext(label), **params)

    def text(self, name: str) -> str:
        value = self.form.get(name, "")
        # No person means a NUL character, and PostgreSQL's text cannot hold one.
        return value.replace("\x00", "") if isinstance(value, str) else ""

    def flag(self, name: str) -> bool:
        return self.text(name) in {"on", "1", "true", "yes"}

    def integer(
        self, name: str, label: str, *, minimum: int = -MAX_INTEGER, maximum: int = MAX_INTEGER
    ) -> int | None:
        raw = self.text(name).strip()
        if not raw:
            return None
        digits = raw.removeprefix("-")
        if not (digits.isascii() and digits.isdigit()):
            self._refuse(name, N_("{label} must be a whole number"), label)
            return None
        # Thousands of digits are out of any range; int() would refuse to read them anyway.
        value = int(raw) if len(digits.lstrip("0")) <= len(str(maximum)) + 1 else maximum + 1
        if not minimum <= value <= maximum:
            self._refuse(name, N_("{label} is out of range"), label)
            return None
        return value

    def identifier(self, name: str, label: str) -> int | None:
        """A record's id: a whole number a record can have (which record is the service's say)."""
        raw = self.text(name).strip()
        if not raw:
            return None
        if not looks_like_id(raw):
            self._refuse(name, N_("{label} must be a whole number"), label)
            return None
        value = parse_id(raw)
        if value is None:
            self._refuse(name, N_("{label} is out of range"), label)
        return value

    def decimal(self, name: str, label: str) -> Decimal | None:
        raw = self.text(name).strip().replace(",", ".")
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            self._refuse(name, N_("{label} must be a number"), label)
            return None
        if not value.is_finite() or abs(value) >= Decimal(10) ** 10:
            self._refuse(name, N_("{label} is out of range"), label)
            return None
        return value

    def money(self, name: str, *, language: str, currency: str) -> Decimal | None:
        """An amount as ``language`` writes it, with or without ``currency``; none if empty."""
        raw = self.text(name).strip()
        if not raw:
            return None
        try:
            return parse_amount(raw, name, language=language, currency=currency)
        except InvalidInput as error:
            self.errors[name] = refusal_text(error, language)
            return None

    def day(self, name: str, label: str) -> date | None:
        raw = self.text(name).strip()
        if not raw:
            return None
        try:
            day = parse_day(raw, None)  # 2026-12-15, 15.12.2026, 15/12/2026: as /plan reads them
        except InvalidInput:
            self._refuse(name, N_("{label} must be a date (YYYY-MM-DD)"), label)
            return None
        if not FIRST_DAY <= day <= LAST_DAY:
            self._refuse(
                name,
                N_("{label} must be a date between {first} and {last}"),
                label,
                first=FIRST_DAY,
                last=LAST_DAY,
            )
            return None
        return day

    def choice(self, name: str, enum: type[E], label: str, default: E) -> E:
        raw = self.text(name).strip()
        if not raw:
            return default
        try:
            return enum(raw)
        except ValueError:
            self._refuse(name, N_("{label}: unknown value {value}"), label, value=repr(raw))
            return default

    def done(self) -> None:
        """Raise FormErrors if any field was bad."""
        if self.errors:
            raise FormErrors(self.errors)
