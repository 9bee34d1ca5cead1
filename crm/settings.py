"""Configuration from ``CRM_*`` environment variables and a ``.env`` file."""

from __future__ import annotations

import contextlib
import os
import secrets
import zlib
from datetime import time
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.numbers import list_currencies
from phonenumbers import SUPPORTED_REGIONS
from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from crm.areas import UnknownArea, parse_area_names

Language = Literal["en", "ru", "fr"]
SANDBOX_TOKEN = "1000000000:sandbox-not-a-real-token"  # noqa: S105 - a placeholder
SECRET_KEY_FILE = Path(".crm_secret_key")
MAKE_A_SECRET = """python -c 'import secrets; print(secrets.token_urlsafe(32))'"""  # noqa: S105
# Telegram accepts 1-256 of these in a webhook's secret_token.
WEBHOOK_SECRET_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
)
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
# Fewer different characters than this is a pattern ("aaaa…", "abab…"), not a random secret.
_MIN_DIFFERENT_CHARACTERS = 10
# A block this long seen twice, or a run this long, is a pattern (see ``guessable``).
_BLOCK = 8
_RUN = 8


class ConfigurationError(Exception):
    """The configuration cannot be used; the message names the variable or file to fix."""


def guessable(secret: str) -> str | None:
    """How ``secret`` could be guessed though long enough, or None when it looks random.

    Three estimates, each far from what ``secrets`` makes (a generated key passes all three but
    about once in a million): a block that comes again (``password1234password1234…``), a run
    of equal or consecutive characters (``abcdefgh``, ``0123…``, eight spaces), and too little
    in it: fewer different characters than half of what a random secret of that length and
    alphabet has, or text that zlib shrinks to half its length.
    """
    if len({secret[i : i + _BLOCK] for i in range(len(secret) - _BLOCK + 1)}) < max(
        len(secret) - _BLOCK + 1, 0
    ):
        return "a block of it comes again"
    run = longest = 0  # in steps that repeat the one before: a run of n characters has n - 2
    for i in range(2, len(secret)):
        step = ord(secret[i]) - ord(secret[i - 1])
        same = abs(step) <= 1 and step == ord(secret[i - 1]) - ord(secret[i - 2])
        run = run + 1 if same else 0
        longest = max(longest, run + 2)
    if longest >= _RUN:
        return "it holds a run of equal or consecutive characters"
    alphabet = 16 if set(secret) <= _HEX_DIGITS else 64
    expected = alphabet * (1 - (1 - 1 / alphabet) ** len(secret))
    if len(set(secret)) < expected / 2:
        return "it has too few different characters"
    if len(zlib.compress(secret.encode(), 9)) < len(secret.encode()) / 2 + 6:
        return "it is too regular (it compresses)"
    return None


def secret_key_problem(key: str) -> str | None:
    """Why ``key`` is too weak to sign sessions (under 32 random bytes), or None if it will do.

    32 bytes is 43 url-safe base64 characters (6 bits each) or 64 hex digits (4 bits each);
    a key with fewer than 10 different characters is a pattern, whatever its length, and a
    long one may still be guessable (``guessable``).
    """
    needed = 64 if set(key) <= _HEX_DIGITS else 43
    if len(key) < needed or len(set(key)) < _MIN_DIFFERENT_CHARACTERS:
        return (
            f"too weak: use at least 43 random url-safe characters (or 64 hex digits), "
            f"made e.g. by {MAKE_A_SECRET}"
        )
    if pattern := guessable(key):
        return f"guessable ({pattern}): use random characters, made e.g. by {MAKE_A_SECRET}"
    return None


def webhook_secret_problem(secret: str) -> str | None:
    """Why ``secret`` cannot guard the webhook, or None if it will do."""
    if not set(secret) <= WEBHOOK_SECRET_CHARACTERS or len(secret) > 256:
        return "not what Telegram takes: use only letters, digits, _ and - (at most 256)"
    if len(secret) < 32 or len(set(secret)) < _MIN_DIFFERENT_CHARACTERS:
        return f"too weak: use at least 32 random characters, made e.g. by {MAKE_A_SECRET}"
    if pattern := guessable(secret):
        return f"guessable ({pattern}): use random characters, made e.g. by {MAKE_A_SECRET}"
    return None


class Settings(BaseSettings):
    """Everything the product reads from its environment; passed explicitly, never global."""

    model_config = SettingsConfigDict(env_prefix="CRM_", env_file=".env", extra="ignore")

    bot_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org"
    database_url: str = "sqlite+aiosqlite:///./frontdoor.db"
    redis_url: str | None = None
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    secret_key: SecretStr | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    timezone: str = "UTC"
    digest_at: time = time(9, 0)
    default_language: Language = "en"
    # The business currency (ISO 4217) every amount is kept and shown in.
    currency: str = "EUR"
    # The country (ISO 3166) of phone numbers typed without a country code; unset: none.
    default_region: str | None = None
    # Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed.
    trusted_proxies: str = ""
    # Session cookies only over HTTPS; unset: on when the webhook URL is https.
    secure_cookies: bool | None = None
    # The areas this business runs (comma-separated); empty: every area.
    areas: str = ""
    # Requests each API token may make in a minute (429 past it); shared through Redis if set.
    api_requests_per_minute: int = Field(default=600, ge=1, le=1_000_000)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("currency")
    @classmethod
    def _known_currency(cls, value: str) -> str:
        code = value.strip().upper()
        if code not in list_currencies():
            raise ValueError(f"{value!r} is not an ISO 4217 currency code (such as EUR, USD, RUB)")
        return code

    @field_validator("default_region", mode="before")
    @classmethod
    def _known_region(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        code = str(value).strip().upper()
        if code not in SUPPORTED_REGIONS:
            raise ValueError(
                f"{value!r} is not an ISO 3166 country code with phone numbers (such as FR, GB, RU)"
            )
        return code

    @field_validator("areas")
    @classmethod
    def _known_areas(cls, value: str) -> str:
        try:
            parse_area_names(value)
        except UnknownArea as error:
            raise ValueError(str(error)) from error
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _known_networks(cls, value: str) -> str:
        for part in _parts(value):
            try:
                ip_network(part, strict=False)
            except ValueError as error:
                raise ValueError(f"{part!r} is not an IP address or network") from error
        return value

    @field_validator(
        "bot_token", "webhook_url", "redis_url", "webhook_secret", "secure_cookies", mode="before"
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("secret_key")
    @classmethod
    def _strong_secret_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and (problem := secret_key_problem(value.get_secret_value())):
            raise ValueError(f"CRM_SECRET_KEY is {problem}")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_has_a_path_of_its_own(cls, value: str | None) -> str | None:
        # The endpoint is served at the URL's path, beside the admin site's pages at "/".
        if value is None:
            return None
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{value!r} is not an http(s) URL")
        if parts.path.strip("/") == "":
            raise ValueError(
                f"{value!r} needs a path of its own for the endpoint, "
                "e.g. https://crm.example.com/telegram/webhook"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_needs_a_strong_secret(
        cls, value: SecretStr | None, info: ValidationInfo
    ) -> SecretStr | None:
        # Without a secret, anyone who finds the webhook's path could post updates as anyone.
        if value is None:
            if info.data.get("webhook_url"):
                raise ValueError(
                    f"CRM_WEBHOOK_URL is set, so a secret is required: "
                    f"at least 32 random characters, made e.g. by {MAKE_A_SECRET}"
                )
            return None
        if problem := webhook_secret_problem(value.get_secret_value()):
            raise ValueError(f"CRM_WEBHOOK_SECRET is {problem}")
        return value

    @property
    def sandbox(self) -> bool:
        """No token: the bot talks to the in-process Telegram sandbox."""
        return self.bot_token is None

    @property
    def token(self) -> str:
        """The Bot API token in use (a placeholder in sandbox mode)."""
        return SANDBOX_TOKEN if self.bot_token is None else self.bot_token.get_secret_value()

    @property
    def zone(self) -> ZoneInfo:
        """The business time zone."""
        return ZoneInfo(self.timezone)

    @property
    def area_names(self) -> tuple[str, ...] | None:
        """The areas that are on, as named in CRM_AREAS; None: every area."""
        return parse_area_names(self.areas)

    @property
    def proxy_networks(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The trusted reverse proxies, as networks (a single address is a /32 or /128)."""
        return tuple(ip_network(part, strict=False) for part in _parts(self.trusted_proxies))

    @property
    def cookies_need_https(self) -> bool:
        """Whether session cookies carry ``Secure``: as set, else when the webhook is https."""
        if self.secure_cookies is not None:
            return self.secure_cookies
        return (self.webhook_url or "").lower().startswith("https://")


def _parts(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def ensure_secret_key(settings: Settings, path: Path = SECRET_KEY_FILE) -> str:
    """The key that signs admin sessions: configured, or generated once and kept in ``path``.

    An empty file (a failed write, a truncation) is replaced by a new key; a weak key in the
    file is refused with ConfigurationError rather than silently trusted or replaced.
    """
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        key = ""
    if not key:
        _write_new_key(path)
        key = path.read_text(encoding="utf-8").strip()
    if problem := secret_key_problem(key):
        raise ConfigurationError(
            f"the secret key in {path} is {problem}; or delete the file to have one generated"
        )
    return key


def _write_new_key(path: Path) -> None:
    # Written whole under a temporary name, then put in place: another process starting at the
    # same moment either finds no file or a complete one, never a half-written key.
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(secrets.token_urlsafe(32))
        if path.exists():
            os.replace(draft, path)  # an empty key file
        else:
            # Fails if another process has just made one: theirs is kept.
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
    finally:
        draft.unlink(missing_ok=True)
