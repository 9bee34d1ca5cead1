"""Phone numbers in one form: E.164."""

import phonenumbers

from crm.errors import InvalidInput
from crm.i18n import N_


def normalize_phone(raw: str, region: str | None = None) -> str:
    """``raw`` in E.164 (``+79161234567``); Telegram sends numbers without the plus sign."""
    candidate = raw.strip()
    if region is None and candidate and not candidate.startswith("+"):
        candidate = "+" + candidate
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException as error:
        raise InvalidInput(N_("{phone} is not a phone number"), phone=raw) from error
    if not phonenumbers.is_possible_number(number):
        raise InvalidInput(N_("{phone} is not a phone number"), phone=raw)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
