"""Configuration from CRM_ variables, and the secret key kept between runs."""

from __future__ import annotations

import stat
from datetime import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from crm.settings import Settings, ensure_secret_key


def test_defaults_match_the_product_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("CRM_BOT_TOKEN", "CRM_DATABASE_URL", "CRM_WEB_PORT", "CRM_REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.sandbox
    assert settings.database_url == "sqlite+aiosqlite:///./frontdoor.db"
    assert (settings.web_host, settings.web_port) == ("127.0.0.1", 8080)
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert (settings.timezone, settings.digest_at) == ("UTC", time(9, 0))
    assert settings.default_language == "en"


def test_variables_are_read_with_the_crm_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("CRM_DIGEST_AT", "08:30")
    monkeypatch.setenv("CRM_TIMEZONE", "Europe/Moscow")
    monkeypatch.setenv("CRM_WEBHOOK_URL", "")
    settings = Settings(_env_file=None)
    assert not settings.sandbox and settings.token == "123:abc"
    assert settings.digest_at == time(8, 30)
    assert settings.zone.key == "Europe/Moscow"
    assert settings.webhook_url is None


def test_trusted_proxies_and_secure_cookies_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRM_TRUSTED_PROXIES", "10.0.0.1, 172.16.0.0/12,::1")
    monkeypatch.setenv("CRM_SECURE_COOKIES", "")
    monkeypatch.setenv("CRM_WEBHOOK_URL", "https://crm.example/telegram/webhook")
    settings = Settings(_env_file=None)
    assert [str(network) for network in settings.proxy_networks] == [
        "10.0.0.1/32",
        "172.16.0.0/12",
        "::1/128",
    ]
    assert settings.cookies_need_https  # unset: the https webhook says the site is https
    monkeypatch.setenv("CRM_SECURE_COOKIES", "false")
    assert not Settings(_env_file=None).cookies_need_https


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CRM_TIMEZONE", "Mars/Base"),
        ("CRM_DEFAULT_LANGUAGE", "de"),
        ("CRM_WEB_PORT", "99999"),
        ("CRM_TRUSTED_PROXIES", "10.0.0.1, proxy.example"),
        ("CRM_TRUSTED_PROXIES", "10.0.0.0/33"),
    ],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_the_secret_key_is_generated_once_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "key"
    settings = Settings(_env_file=None, secret_key=None)
    first = ensure_secret_key(settings, path)
    assert len(first) >= 32
    assert ensure_secret_key(settings, path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    configured = Settings(_env_file=None, secret_key="from-env")
    assert ensure_secret_key(configured, path) == "from-env"
