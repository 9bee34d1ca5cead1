"""Configuration from CRM_ variables, and the secret key kept between runs."""

from __future__ import annotations

import secrets
import stat
import string
from datetime import time
from pathlib import Path

import pytest
from pydantic import ValidationError

from crm.settings import (
    WEBHOOK_SECRET_CHARACTERS,
    ConfigurationError,
    Settings,
    ensure_secret_key,
    secret_key_problem,
    webhook_secret_problem,
)
from tests.conftest import SECRET_KEY, WEBHOOK_SECRET


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
    monkeypatch.setenv("CRM_WEBHOOK_SECRET", WEBHOOK_SECRET)
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
    assert secret_key_problem(first) is None  # 32 random bytes: 43 url-safe characters
    assert len(first) >= 43
    assert ensure_secret_key(settings, path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    configured = Settings(_env_file=None, secret_key=SECRET_KEY)
    assert ensure_secret_key(configured, path) == SECRET_KEY


@pytest.mark.parametrize("content", ["", "\n", "  \n"])
def test_an_empty_secret_key_file_is_replaced_by_a_new_key(tmp_path: Path, content: str) -> None:
    path = tmp_path / "key"
    path.write_text(content, encoding="utf-8")
    path.chmod(0o644)
    key = ensure_secret_key(Settings(_env_file=None, secret_key=None), path)
    assert secret_key_problem(key) is None
    assert path.read_text(encoding="utf-8") == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["key"]  # no draft left behind


def test_a_weak_secret_key_in_the_file_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "key"
    path.write_text("a", encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"key.*token_urlsafe.*delete the file"):
        ensure_secret_key(Settings(_env_file=None, secret_key=None), path)
    assert path.read_text(encoding="utf-8") == "a"


@pytest.mark.parametrize(
    "key",
    [
        "",
        "a",
        "secret",
        "0123456789abcdef" * 2,  # 16 random bytes in hex
        secrets.token_hex(31),
        secrets.token_urlsafe(31),
        "x" * 64,
        "ab" * 40,
    ],
    ids=["empty", "a", "word", "16-bytes-hex", "31-bytes-hex", "31-bytes-url-safe", "x64", "ab40"],
)
def test_a_secret_key_under_32_random_bytes_is_refused(
    monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setenv("CRM_SECRET_KEY", key)
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    [problem] = refused.value.errors()
    assert problem["loc"] == ("secret_key",)
    assert "secrets.token_urlsafe(32)" in problem["msg"]


@pytest.mark.parametrize(
    "key",
    [secrets.token_hex(32), secrets.token_urlsafe(32), SECRET_KEY],
    ids=["32-bytes-hex", "32-bytes-url-safe", "the-tests-key"],
)
def test_a_secret_key_of_32_random_bytes_is_accepted(key: str) -> None:
    assert Settings(_env_file=None, secret_key=key).secret_key is not None


# Long enough, many characters, and guessable: each was accepted before (issue 18, item 25).
GUESSABLE = {
    "password1234x4": "password1234" * 4,
    "digits-x7": "0123456789" * 7,
    "hex-digits-x4": "0123456789abcdef" * 4,
    "the-alphabet": string.ascii_letters + string.digits + "-_",
    "spaces-then-a-run": " " * 33 + "abcdefghij",
    "abcdefghij-x4": "abcdefghij" * 4,
    "a-run-inside": SECRET_KEY[:20] + "qrstuvwx" + SECRET_KEY[28:],
    "a-block-again": SECRET_KEY[:21] + SECRET_KEY[:22],
}


@pytest.mark.parametrize("key", GUESSABLE.values(), ids=GUESSABLE.keys())
def test_a_guessable_secret_key_is_refused_naming_the_variable_and_the_remedy(
    monkeypatch: pytest.MonkeyPatch, key: str
) -> None:
    monkeypatch.setenv("CRM_SECRET_KEY", key)
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    [problem] = refused.value.errors()
    assert problem["loc"] == ("secret_key",)
    assert "CRM_SECRET_KEY is" in problem["msg"]
    assert "secrets.token_urlsafe(32)" in problem["msg"]


@pytest.mark.parametrize(
    "secret",
    [key for key in GUESSABLE.values() if set(key) <= WEBHOOK_SECRET_CHARACTERS],
)
def test_a_guessable_webhook_secret_is_refused_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, secret: str
) -> None:
    monkeypatch.setenv("CRM_WEBHOOK_URL", "https://crm.example.com/hook")
    monkeypatch.setenv("CRM_WEBHOOK_SECRET", secret)
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None)
    [problem] = refused.value.errors()
    assert problem["loc"] == ("webhook_secret",)
    assert "CRM_WEBHOOK_SECRET is guessable" in problem["msg"]
    assert "secrets.token_urlsafe(32)" in problem["msg"]


def test_generated_secrets_and_the_tests_own_keys_are_never_called_guessable() -> None:
    for _ in range(2000):
        for key in (secrets.token_urlsafe(32), secrets.token_hex(32), secrets.token_urlsafe(64)):
            assert secret_key_problem(key) is None, key
        secret = secrets.token_urlsafe(24)
        assert webhook_secret_problem(secret) is None, secret
    assert secret_key_problem(SECRET_KEY) is None
    assert webhook_secret_problem(WEBHOOK_SECRET) is None


@pytest.mark.parametrize(
    ("secret", "expected"),
    [
        (None, "CRM_WEBHOOK_URL is set, so a secret is required"),
        ("", "CRM_WEBHOOK_URL is set, so a secret is required"),
        ("s3cret-token", "too weak"),
        ("é" * 40, "only letters, digits"),
        ("a b" * 20, "only letters, digits"),
        ("-" * 40, "too weak"),
    ],
)
def test_webhook_mode_needs_a_strong_secret(secret: str | None, expected: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, webhook_url="https://crm.example.com/hook", webhook_secret=secret)
    [problem] = refused.value.errors()
    assert problem["loc"] == ("webhook_secret",)
    assert expected in problem["msg"]


def test_a_webhook_secret_of_32_random_characters_is_accepted() -> None:
    secret = secrets.token_urlsafe(24)
    settings = Settings(
        _env_file=None, webhook_url="https://crm.example.com/hook", webhook_secret=secret
    )
    assert settings.webhook_secret is not None
    assert settings.webhook_secret.get_secret_value() == secret


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://crm.example.com", "needs a path of its own"),
        ("https://crm.example.com/", "needs a path of its own"),
        ("crm.example.com/hook", "is not an http(s) URL"),
        ("ftp://crm.example.com/hook", "is not an http(s) URL"),
    ],
)
def test_the_webhook_url_needs_a_path_beside_the_site(url: str, expected: str) -> None:
    # The endpoint is served at the URL's path on the site's port: "/" is the dashboard.
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, webhook_url=url, webhook_secret=secrets.token_urlsafe(24))
    [problem] = refused.value.errors()
    assert problem["loc"] == ("webhook_url",)
    assert expected in problem["msg"]


def test_the_currency_is_an_iso_code_in_capitals() -> None:
    assert Settings(_env_file=None).currency == "EUR"
    assert Settings(_env_file=None, currency=" rub ").currency == "RUB"
    with pytest.raises(ValidationError) as refused:
        Settings(_env_file=None, currency="euros")
    [problem] = refused.value.errors()
    assert problem["loc"] == ("currency",)
    assert "not an ISO 4217 currency code" in problem["msg"]


def test_the_default_region_is_an_iso_country_with_phone_numbers() -> None:
    assert Settings(_env_file=None).default_region is None
    assert Settings(_env_file=None, default_region="").default_region is None
    assert Settings(_env_file=None, default_region=" fr ").default_region == "FR"
    for bad in ("France", "XX", "EU"):
        with pytest.raises(ValidationError) as refused:
            Settings(_env_file=None, default_region=bad)
        [problem] = refused.value.errors()
        assert problem["loc"] == ("default_region",)
        assert "not an ISO 3166 country code" in problem["msg"]
