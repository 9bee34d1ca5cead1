"""Phone numbers in one form: E.164; and finding one by the digits a person typed."""

import re

import phonenumbers

from crm.errors import InvalidInput
from crm.i18n import N_

# Digits with the marks people write phone numbers with: "+1 (202) 555-0143", "555 01 43".
_PHONE_LIKE = re.compile(r"\+?[0-9 ()./-]+")
# Fewer digits than this is a record id or too little to mean a phone number.
MIN_PHONE_SEARCH_DIGITS = 5
MAX_PHONE_DIGITS = 15  # E.164's longest number


def normalize_phone(raw: str, region: str | None = None) -> str:
    """``raw`` in E.164 (``+79161234567``). Without a plus sign a number is international, as
    Telegram sends them, unless it is a valid number of ``region`` (``CRM_DEFAULT_REGION``):
    with ``FR``, "06 12 34 56 79" is +33612345679."""
    candidate = raw.strip()
    readings = []
    if region is not None and not candidate.startswith("+"):
        readings.append(_parsed(candidate, region))
    readings.append(_parsed(candidate if candidate.startswith("+") else "+" + candidate, None))
    possible = [number for number in readings if number is not None]
    possible = [number for number in possible if phonenumbers.is_possible_number(number)]
    if not possible:
        raise InvalidInput(N_("{phone} is not a phone number"), phone=raw)
    valid = [number for number in possible if phonenumbers.is_valid_number(number)]
    number = (valid or possible)[0]
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _parsed(candidate: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        return None


def optional_phone(raw: str, field: str = "phone", region: str | None = None) -> str | None:
    """A form's phone field: empty is none, anything else must be a phone number (E.164 kept).

    The one rule for every phone a person types on the site: clients, departments.
    """
    if not raw.strip():
        return None
    try:
        return normalize_phone(raw, region)
    except InvalidInput as error:
        raise InvalidInput(error.message, field=field, **error.params) from error


def phone_search_digits(text: str, region: str | None = None) -> str | None:
    """The digits of ``text`` when it is written like (part of) a phone number, else None.

    Phones are kept in E.164, "+" and digits only, so "555 0143" finds "+12025550143" by
    "5550143"; a short bare number is left to mean a record id.
    """
    text = text.strip()
    if not _PHONE_LIKE.fullmatch(text):
        return None
    digits = re.sub(r"[^0-9]", "", text)
    if region is not None and not text.startswith("+"):
        # A whole local number ("06 12 34 56 79") is searched as it is kept (+33612345679).
        number = _parsed(text, region)
        if number is not None and phonenumbers.is_valid_number(number):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)[1:]
    return digits if MIN_PHONE_SEARCH_DIGITS <= len(digits) <= MAX_PHONE_DIGITS else None
