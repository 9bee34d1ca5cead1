"""Configuration from ``CRM_*`` environment variables and a ``.env`` file."""

from __future__ import annotations

import secrets
from datetime import time
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Language = Literal["en", "ru", "fr"]
SANDBOX_TOKEN = "1000000000:sandbox-not-a-real-token"  # noqa: S105 - a placeholder
SECRET_KEY_FILE = Path(".crm_secret_key")


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
    # Reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed.
    trusted_proxies: str = ""
    # Session cookies only over HTTPS; unset: on when the webhook URL is https.
    secure_cookies: bool | None = None

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
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
    """The key that signs admin sessions: configured, or generated once and kept in ``path``."""
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_urlsafe(32)
    path.touch(mode=0o600)
    path.write_text(key, encoding="utf-8")
    return key
